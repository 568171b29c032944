"""Open-data downloads: CSV and JSON of exactly the rows a public page shows.

Column names are part of the portal's public interface (the README lists them): add new
columns at the end, never rename or reorder existing ones.

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

COMMITMENT_COLUMNS = [
    "reference",
    "parent_reference",
    "area_number",
    "area_name",
    "axis_number",
    "responsible_agencies",
    "commitment",
    "due_date",
    "due_label",
    "scope",
    "status",
    "mean_percentage",
    "states_reported",
    "states_total",
    "sub_commitments_reported",
    "sub_commitments_total",
    "last_report_date",
    "freshness",
    "overdue",
    "url",
]

MATRIX_COLUMNS = [
    "member_state_iso",
    "member_state",
    "area_number",
    "area_name",
    "mean_percentage",
    "commitments_reported",
    "commitments_total",
]

BREAKDOWN_COLUMNS = [
    "group",
    "key",
    "name",
    "mean_percentage",
    "states_reported",
    "states_total",
    "commitments_reported",
    "commitments_total",
]

STATUS_COLUMNS = ["status", "label", "commitments"]

COMMITMENT_STATE_COLUMNS = [
    "reference",
    "member_state_iso",
    "member_state",
    "status",
    "percentage",
    "sub_commitments_reported",
    "sub_commitments_total",
    "last_report_date",
    "report_url",
    "evidence_urls",
]

REPORT_COLUMNS = [
    "report_id",
    "published_at",
    "reported_on",
    "member_state_iso",
    "member_state",
    "reference",
    "status",
    "percentage",
    "demo",
    "url",
]


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
