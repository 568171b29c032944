"""Open-data downloads: CSV and JSON of exactly the rows a public page shows.

The columns are listed in ``commitments.services.columns``.

CSV: UTF-8 with a byte-order mark (so spreadsheets read the accents), comma-separated, a
header row, dates as YYYY-MM-DD, numbers with a dot, empty cells for "no value", and every
text cell passed through ``safe_cell()``. JSON: ``{"columns": [...], "count": N, "rows":
[{column: value}, ...]}`` with the same columns and the text exactly as stored (null for no
value): JSON is not opened as a spreadsheet, so it is not altered.
"""

import csv
import datetime
import io
import json

from django.http import Http404, HttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

FORMATS = ("csv", "json")


def safe_cell(value):
    """Return ``value`` so that no spreadsheet runs it as a formula.

    Text starting with a character a spreadsheet reads as the start of a formula gets a
    leading apostrophe, which spreadsheets show as plain text. Other values pass unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plain(value):
    """A value as JSON and CSV write it: dates in ISO 8601, everything else as is."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def to_csv(columns, rows):
    """The rows as CSV text (with a byte-order mark), every text cell made safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for column in columns:
            value = _plain(row.get(column))
            if value is None:
                value = ""
            elif isinstance(value, bool):
                value = "true" if value else "false"
            cells.append(safe_cell(value))
        writer.writerow(cells)
    return buffer.getvalue()


def to_json(columns, rows):
    data = {
        "columns": list(columns),
        "count": len(rows),
        "rows": [{column: _plain(row.get(column)) for column in columns} for row in rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def download(fmt, filename, columns, rows):
    """An attachment ``filename.fmt`` holding ``rows`` (dicts) under ``columns``."""
    if fmt == "csv":
        response = HttpResponse(to_csv(columns, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(
            to_json(columns, rows), content_type="application/json; charset=utf-8"
        )
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


class FormatConverter:
    """``<fmt:fmt>`` in a URL: csv or json."""

    regex = "csv|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
