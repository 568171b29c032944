"""Bulk import and export of the plan: all or nothing, from files that are checked first.

Everything that reads a curator's file lives here, shared by the admin and by the
``import_plan`` / ``export_plan`` commands:

- ``read_tables(name, data)`` checks a file (size, extension against content, zip
  bombs, XML entities, encoding, row limits) and returns its tables;
- ``PlanResource`` is the base of every resource: rows are matched by natural keys,
  every problem is reported by row and column, and one bad row rolls the whole import back;
- ``import_tables()`` imports several tables in one transaction, ``export_tables()``
  writes the plan as one XLSX, a ZIP of CSVs or one JSON object;
- ``CuratorImportExportMixin`` gives the admin the same checks and the two-step import,
  each step a task of the worker (``exchange.jobs``) followed on a status page.
"""

import copy
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from xml.parsers import expat

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from import_export import forms as ie_forms
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import Diff
from import_export.results import Error

from .models import ImportJob
from .opendata import FORMULA_TRIGGERS

# Zip archives (XLSX is one) are refused before they are opened when they declare more
# than this much content or a member expands more than MAX_ZIP_RATIO times. Python's
# zipfile never inflates a member past its declared size, so declared sizes can be trusted.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_MEMBERS = 500
# A run of this many blank rows means a padded sheet: reading stops there.
MAX_BLANK_ROWS = 1000
EXTENSIONS = ("xlsx", "csv", "json")
ZIP_MAGIC = b"PK\x03\x04"


def max_bytes():
    return settings.IMPORT_MAX_BYTES


def max_rows():
    return settings.IMPORT_MAX_ROWS


def max_columns():
    return settings.IMPORT_MAX_COLUMNS


def max_cells():
    return settings.IMPORT_MAX_CELLS


class ImportFileError(Exception):
    """A file that cannot be imported at all; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


# --- Cells that a spreadsheet would run as formulas ------------------------------------


def _needs_quote(value):
    return value.startswith(FORMULA_TRIGGERS) or (value.startswith("'") and _needs_quote(value[1:]))


def escape_cell(value):
    """Prefix formula-looking text with an apostrophe, reversibly (see ``unescape_cell``)."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unescape_cell(value):
    """Undo ``escape_cell`` so that an exported file imports back unchanged."""
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def escape_dataset(dataset):
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([escape_cell(value) for value in row])
    return escaped


# --- Reading files ----------------------------------------------------------------------


@dataclass
class Table:
    """One sheet of a file: its header and its non-blank rows with their line numbers."""

    title: str
    headers: list
    rows: list = field(default_factory=list)
    lines: list = field(default_factory=list)


def extension_of(name):
    return PurePath(name or "").suffix.lower().lstrip(".")


def check_size(size):
    if size > max_bytes():
        raise ImportFileError(
            _("The file is %(size)s; files up to %(limit)s can be imported.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def read_tables(name, data, allowed=EXTENSIONS):
    """Check the file ``name`` holding ``data`` (bytes) and return its tables.

    The extension chooses the reader and the content must agree with it. Raises
    ``ImportFileError`` with a message for the user when the file cannot be imported.
    """
    ext = extension_of(name)
    if ext not in allowed:
        raise ImportFileError(
            _("Files ending in “.%(ext)s” cannot be imported; use one of: %(allowed)s.")
            % {"ext": ext, "allowed": ", ".join(f".{a}" for a in allowed)}
        )
    if data is None:
        raise ImportFileError(_("The uploaded file is no longer available; upload it again."))
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_size(len(data))
    if ext == "csv":
        return read_csv(data, title=PurePath(name).stem)
    return READERS[ext](data)


def _check_zip(data, kind):
    if not data.startswith(ZIP_MAGIC):
        raise ImportFileError(
            _("This file is not a real %(kind)s file, although its name says so.") % {"kind": kind}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ImportFileError(_("This %(kind)s file is damaged.") % {"kind": kind}) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(_("This %(kind)s file holds too many parts.") % {"kind": kind})
    declared = sum(member.file_size for member in members)
    bomb = declared > MAX_UNCOMPRESSED_BYTES or any(
        member.file_size > 1024 * 1024
        and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if bomb:
        raise ImportFileError(
            _(
                "This %(kind)s file would expand to %(size)s: it looks like a zip bomb "
                "and was not opened."
            )
            % {"kind": kind, "size": filesizeformat(declared)}
        )
    return archive


def _entities_error():
    return ImportFileError(
        _(
            "This XLSX file declares XML entities (a “billion laughs” attack); "
            "it was not read. Save it again from your spreadsheet program."
        )
    )


def _is_blank(values):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _header(values):
    headers = ["" if value is None else str(value).strip() for value in values]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _collect_rows(table, numbered_rows):
    """Add ``(line, values)`` rows to ``table``, skipping blank rows and refusing padded
    or oversized sheets as soon as they show, before the rest is read."""
    limit = max_rows()
    width = len(table.headers)
    row_limit = min(limit, max_cells() // max(width, 1))
    blank_run = 0
    for line, values in numbered_rows:
        values = list(values)
        if len(values) > max_columns() and not _is_blank(values[max_columns() :]):
            raise _too_many_columns(table.title, len(values))
        if _is_blank(values):
            blank_run += 1
            if blank_run > MAX_BLANK_ROWS:
                raise ImportFileError(
                    _(
                        "Sheet “%(sheet)s” has more than %(count)s blank rows in a row from "
                        "row %(line)s; reading stopped there. Delete the blank rows and "
                        "import again."
                    )
                    % {"sheet": table.title, "count": MAX_BLANK_ROWS, "line": line - blank_run + 1}
                )
            continue
        blank_run = 0
        if len(table.rows) >= limit:
            raise ImportFileError(
                _("Sheet “%(sheet)s” has more than %(limit)s rows; split it into smaller files.")
                % {"sheet": table.title, "limit": limit}
            )
        if len(table.rows) >= row_limit:
            raise _too_many_cells(table.title)
        if len(values) > width and not _is_blank(values[width:]):
            raise ImportFileError(
                _("Row %(line)s of sheet “%(sheet)s” has values in columns with no heading.")
                % {"line": line, "sheet": table.title}
            )
        table.rows.append((values + [None] * width)[:width])
        table.lines.append(line)
    return table


def _too_many_columns(title, count):
    return ImportFileError(
        _(
            "Sheet “%(sheet)s” has %(count)s columns; a table of the plan has at most "
            "%(limit)s. Delete the extra columns and import again."
        )
        % {"sheet": title, "count": count, "limit": max_columns()}
    )


def _too_many_cells(title):
    return ImportFileError(
        _("Sheet “%(sheet)s” has more than %(limit)s cells; split it into smaller files.")
        % {"sheet": title, "limit": max_cells()}
    )


def _check_headers(table):
    if not table.headers:
        raise ImportFileError(_("Sheet “%(sheet)s” has no heading row.") % {"sheet": table.title})
    if len(table.headers) > max_columns():
        raise _too_many_columns(table.title, len(table.headers))
    seen = set()
    for number, name in enumerate(table.headers, start=1):
        if not name:
            raise ImportFileError(
                _("Column %(number)s of sheet “%(sheet)s” has no heading.")
                % {"number": number, "sheet": table.title}
            )
        if name in seen:
            raise ImportFileError(
                _("Column “%(column)s” appears twice in sheet “%(sheet)s”.")
                % {"column": name, "sheet": table.title}
            )
        seen.add(name)


# What openpyxl would build from each part of a workbook, counted by a streaming XML
# parser before openpyxl reads anything. Expat is the parser openpyxl itself runs
# (through defusedxml), so the names are resolved the same way whatever namespace prefix
# a part uses, and a part it cannot parse stops both at the same place. Every part is
# scanned, whatever its name: a workbook may keep its texts under any name.
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TEXT_TAG = f"{SPREADSHEET_NS} si"
ROW_TAG = f"{SPREADSHEET_NS} row"
CELL_TAG = f"{SPREADSHEET_NS} c"
# openpyxl holds one whole text (<si>) or one whole row in memory before it lets go of it:
# none may hold more elements than this. A plain text is two; a formatted one a few per
# run; a row of the widest table a few per cell.
MAX_ELEMENTS_PER_ITEM = 20_000
SCAN_CHUNK = 1024 * 1024


def max_xml_elements():
    # A cell is two to four elements (<c>, <v>, an inline text's <is><t>), a text two; the
    # workbook's own parts (styles, theme, properties) take a few thousand more.
    return 4 * max_cells() + 100_000


class _Census:
    """Counts of one workbook's parts; raises ``ImportFileError`` at the first element past
    a limit, so that scanning a hostile part costs no more than the limit."""

    #: a document type declaration is refused at once (tests turn this off to see that
    #: defusedxml refuses it too)
    refuse_doctypes = True

    def __init__(self):
        self.elements = self.texts = self.text_elements = self.cells = self.text_bytes = 0
        self.element_limit = max_xml_elements()
        self.text_limit = settings.IMPORT_MAX_SHARED_STRINGS
        # Each plain text is two elements (<si><t>); formatting runs count against it too.
        self.text_element_limit = 2 * self.text_limit
        self.cell_limit = max_cells()
        self.part = ""
        self._depth = 0
        self._item_depth = 0
        self._item_start = 0
        self._item_is_text = False

    def scan(self, archive, member):
        self.part = member.filename
        self._depth = self._item_depth = 0
        texts_before = self.texts
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._doctype
        try:
            with archive.open(member) as source:
                while chunk := source.read(SCAN_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            # Not XML (an image), or broken: openpyxl's parser stops where this one did.
            pass
        if self.texts > texts_before:
            self.text_bytes += member.file_size
            bytes_limit = settings.IMPORT_MAX_SHARED_STRINGS_BYTES
            if self.text_bytes > bytes_limit:
                raise ImportFileError(
                    _(
                        "The texts of this XLSX file take %(size)s; files whose texts take "
                        "up to %(limit)s can be imported. Split it into smaller files."
                    )
                    % {
                        "size": filesizeformat(self.text_bytes),
                        "limit": filesizeformat(bytes_limit),
                    }
                )

    def _start(self, name, attributes):
        self.elements += 1
        self._depth += 1
        if self.elements > self.element_limit:
            raise ImportFileError(
                _(
                    "This XLSX file holds more than %(limit)s XML elements, more than a "
                    "workbook of the plan needs; it was not read. Split it into smaller files."
                )
                % {"limit": self.element_limit}
            )
        if name == CELL_TAG:
            self.cells += 1
            if self.cells > self.cell_limit:
                raise ImportFileError(
                    _(
                        "This XLSX file has more than %(limit)s cells; it was not read. "
                        "Split it into smaller files."
                    )
                    % {"limit": self.cell_limit}
                )
        if self._item_depth:
            if self._item_is_text:
                self.text_elements += 1
                if self.text_elements > self.text_element_limit:
                    raise ImportFileError(
                        _(
                            "The texts of this XLSX file hold more than %(limit)s XML "
                            "elements, formatting included; it was not read. Paste its cells "
                            "as plain values or split it into smaller files."
                        )
                        % {"limit": self.text_element_limit}
                    )
            if self.elements - self._item_start > MAX_ELEMENTS_PER_ITEM:
                raise ImportFileError(
                    _(
                        "A text or a row in “%(part)s” of this XLSX file holds more than "
                        "%(limit)s XML elements, far more than any cell of the plan needs; "
                        "it was not read."
                    )
                    % {"part": self.part, "limit": MAX_ELEMENTS_PER_ITEM}
                )
            return
        if name == TEXT_TAG:
            self.texts += 1
            self.text_elements += 1
            if self.texts > self.text_limit:
                raise ImportFileError(
                    _(
                        "This XLSX file holds more than %(limit)s different texts; it was not "
                        "read. Split it into smaller files."
                    )
                    % {"limit": self.text_limit}
                )
            self._open_item(is_text=True)
        elif name == ROW_TAG:
            self._open_item(is_text=False)

    def _open_item(self, is_text):
        self._item_depth = self._depth
        self._item_start = self.elements
        self._item_is_text = is_text

    def _end(self, name):
        if self._depth == self._item_depth:
            self._item_depth = 0
        self._depth -= 1

    def _doctype(self, *args):
        if self.refuse_doctypes:
            raise _entities_error()


def _check_xlsx_parts(archive):
    """Refuse a workbook with XML entities, or that holds more texts, cells or elements
    than any table of the plan could, before openpyxl reads it: it keeps every shared text
    in memory at once, and each whole text and row while it reads it."""
    census = _Census()
    for member in archive.infolist():
        if not member.is_dir():
            census.scan(archive, member)
    return census


def read_xlsx(data):
    import openpyxl

    archive = _check_zip(data, "XLSX")
    _check_xlsx_parts(archive)
    if not openpyxl.DEFUSEDXML:
        raise ImportFileError(_("XLSX files cannot be imported on this server (no defusedxml)."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise _xlsx_error(error) from None
    try:
        tables = []
        for sheet in book.worksheets:
            header_row = next(sheet.iter_rows(max_row=1, values_only=True), ())
            table = Table(title=sheet.title, headers=_header(header_row))
            if not table.headers and len(book.worksheets) > 1:
                continue
            _check_headers(table)
            rows = sheet.iter_rows(min_row=2, max_col=len(table.headers), values_only=True)
            rows = ([_from_xlsx(value) for value in row] for row in rows)
            tables.append(_collect_rows(table, enumerate(rows, start=2)))
        return tables
    except ImportFileError:
        raise
    except Exception as error:
        raise _xlsx_error(error) from None
    finally:
        book.close()


def _to_xlsx(value):
    # XML turns a carriage return into a line feed; spreadsheets write it as _x000D_.
    return value.replace("\r", "_x000D_") if isinstance(value, str) else value


def _from_xlsx(value):
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def _xlsx_error(error):
    from defusedxml import DefusedXmlException

    # openpyxl wraps parser errors in its own: look down the chain.
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return _entities_error()
        error = error.__cause__ or error.__context__
    return ImportFileError(_("This XLSX file is damaged and cannot be read."))


def _decode_text(data, kind):
    if data.startswith(ZIP_MAGIC):
        raise ImportFileError(
            _("This file is a zip archive or a workbook, not %(kind)s text.") % {"kind": kind}
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ImportFileError(
            _(
                "This file is saved as UTF-16 or is binary; save it as UTF-8 "
                "(“CSV UTF-8” in Excel) and import again."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "Line %(line)s is not valid UTF-8 (the file may be saved as Latin-1 or "
                "Windows-1252); save it as UTF-8 (“CSV UTF-8” in Excel) and import again."
            )
            % {"line": line}
        ) from None


def _read_csv_text(text, title):
    # The csv module's limit is one for the whole process; every reader here wants this one.
    csv.field_size_limit(settings.IMPORT_MAX_CELL_CHARS)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered():
        # A quoted cell may span several lines: a row is numbered by its first line.
        start = reader.line_num + 1
        for values in reader:
            yield start, [None if value == "" else value for value in values]
            start = reader.line_num + 1

    try:
        table = Table(title=title, headers=_header(next(reader, [])))
        _check_headers(table)
        return _collect_rows(table, numbered())
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ImportFileError(
                _(
                    "Line %(line)s holds a cell of more than %(limit)s characters; "
                    "no column of the plan holds that much."
                )
                % {"line": reader.line_num, "limit": settings.IMPORT_MAX_CELL_CHARS}
            ) from None
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None


def read_csv(data, title="csv"):
    return [_read_csv_text(_decode_text(data, "CSV"), title)]


class _JSONObject(dict):
    """An object of the document, with how deeply it nests (a flat object is 1 deep)."""

    depth = 1


def _depth(value):
    """How deeply ``value`` nests: 0 for a plain value, 1 for a flat list or object. Objects
    carry their depth; lists are walked once, without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, above = stack.pop()
        if isinstance(item, _JSONObject):
            deepest = max(deepest, above + item.depth)
        elif isinstance(item, list):
            deepest = max(deepest, above + 1)
            stack.extend((child, above + 1) for child in item)
    return deepest


def _json_too_deep():
    return ImportFileError(
        _(
            "This JSON file nests more than %(limit)s levels deep; a plan file is a list of "
            "rows, or an object with one list of rows per table."
        )
        % {"limit": settings.IMPORT_MAX_JSON_DEPTH}
    )


def _json_object(pairs):
    # Called as each object closes, so a file is refused at its first object that is too
    # wide or too deep, before the rest is parsed.
    if len(pairs) > max_columns():
        raise ImportFileError(
            _(
                "An object of this JSON file has %(count)s keys; a row of the plan has at most "
                "%(limit)s columns."
            )
            % {"count": len(pairs), "limit": max_columns()}
        )
    obj = _JSONObject(pairs)
    obj.depth = 1 + max((_depth(value) for _key, value in pairs), default=0)
    if obj.depth > settings.IMPORT_MAX_JSON_DEPTH:
        raise _json_too_deep()
    return obj


def read_json(data):
    text = _decode_text(data, "JSON")
    try:
        document = json.loads(text, object_pairs_hook=_json_object)
    except RecursionError:
        raise _json_too_deep() from None
    except ValueError as error:
        raise ImportFileError(
            _("This file is not valid JSON: %(error)s") % {"error": error}
        ) from None
    if _depth(document) > settings.IMPORT_MAX_JSON_DEPTH:
        raise _json_too_deep()
    if isinstance(document, list):
        return [_json_table("json", document)]
    if isinstance(document, dict) and all(isinstance(v, list) for v in document.values()):
        return [_json_table(str(title), items) for title, items in document.items()]
    raise ImportFileError(
        _("A JSON file holds a list of rows, or an object with one list of rows per table.")
    )


def _json_table(title, items):
    headers = {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not all(
            value is None or isinstance(value, str | int | float | bool) for value in item.values()
        ):
            raise ImportFileError(
                _("Row %(line)s of “%(sheet)s” is not an object of plain values.")
                % {"line": number, "sheet": title}
            )
        for key in item:
            headers.setdefault(key, None)
            if len(headers) > max_columns():
                raise _too_many_columns(title, len(headers))
    table = Table(title=title, headers=[str(key) for key in headers])
    if items:
        _check_headers(table)
    rows = ([item.get(header) for header in table.headers] for item in items)
    return _collect_rows(table, enumerate(rows, start=1))


def read_zip_of_csv(data):
    archive = _check_zip(data, "ZIP")
    tables = []
    for member in archive.infolist():
        if member.is_dir():
            continue
        if extension_of(member.filename) != "csv":
            raise ImportFileError(
                _("“%(name)s” in the ZIP file is not a CSV file.") % {"name": member.filename}
            )
        title = PurePath(member.filename).stem
        tables.extend(read_csv(archive.read(member), title=title))
    return tables


READERS = {"xlsx": read_xlsx, "csv": read_csv, "json": read_json, "zip": read_zip_of_csv}


def to_dataset(table):
    """A tablib Dataset of ``table``, formula escapes undone, with ``source_lines``."""
    dataset = tablib.Dataset(headers=table.headers, title=table.title)
    for row in table.rows:
        dataset.append([unescape_cell(value) for value in row])
    dataset.source_lines = list(table.lines)
    return dataset


# --- Widgets: natural keys and strict values --------------------------------------------


def _plain(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class NaturalForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as a natural key; an unknown key is an error, never ignored.

    Found objects are remembered for the life of the resource, so a large import costs
    one query per distinct key. Misses are not remembered: an earlier row may create it.
    """

    def __init__(self, model, field, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self._found = {}

    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        key = str(value)
        if key not in self._found:
            try:
                self._found[key] = self._get(key)
            except (self.model.DoesNotExist, ValueError, ValidationError):
                raise ValueError(
                    _("There is no %(model)s with %(field)s “%(value)s”.")
                    % {
                        "model": self.model._meta.verbose_name,
                        "field": self.model._meta.get_field(self.field).verbose_name,
                        "value": key,
                    }
                ) from None
        return self._found[key]

    def _get(self, key):
        # Exactly as written first: a key may start or end with blanks on purpose.
        manager = self.model._default_manager
        try:
            return manager.get(**{self.field: key})
        except self.model.DoesNotExist:
            if key.strip() == key:
                raise
            return manager.get(**{self.field: key.strip()})


class NaturalManyToManyWidget(widgets.ManyToManyWidget):
    """Several natural keys separated by ``|``; any unknown one is an error."""

    def __init__(self, model, field):
        super().__init__(model, separator="|", field=field)

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return []
        keys = list(dict.fromkeys(k for k in str(value).split("|") if k.strip()))
        candidates = keys + [k.strip() for k in keys]
        found = {
            getattr(obj, self.field): obj
            for obj in self.model._default_manager.filter(**{f"{self.field}__in": candidates})
        }
        for key in keys:
            if key not in found and key.strip() in found:
                found[key] = found[key.strip()]
        missing = [key.strip() for key in keys if key not in found]
        if missing:
            raise ValueError(
                _("There is no %(model)s with %(field)s %(values)s.")
                % {
                    "model": self.model._meta.verbose_name,
                    "field": self.model._meta.get_field(self.field).verbose_name,
                    "values": ", ".join(f"“{key}”" for key in missing),
                }
            )
        return [found[key] for key in keys]


class WholeNumberWidget(widgets.IntegerWidget):
    """An integer; 12.5 or "twelve" is an error, not silently truncated."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)


class PlainDateWidget(widgets.DateWidget):
    """A date written YYYY-MM-DD, or a spreadsheet date cell."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
            ) from None


class IsoDateTimeWidget(widgets.DateTimeWidget):
    """Exported as ISO 8601 text in every format (spreadsheets cannot hold time zones)."""

    def render(self, value, obj=None, **kwargs):
        if not isinstance(value, datetime):
            return ""
        return timezone.localtime(value).isoformat(timespec="seconds")


# --- Resources ---------------------------------------------------------------------------


class StyleFreeDiff(Diff):
    """The preview's diff with its inline styles turned into classes: the admin runs under
    a Content-Security-Policy that refuses inline styles (admin-import.css colours them)."""

    def as_html(self):
        return [mark_safe(INLINE_STYLE.sub("", html)) for html in super().as_html()]


INLINE_STYLE = re.compile(r' style="[^"]*"')


@dataclass
class Problem:
    """One reason an import cannot be written, where the user can find it."""

    message: str
    line: int | None = None
    column: str | None = None
    table: str = ""

    def __str__(self):
        where = []
        if self.table:
            where.append(self.table)
        if self.line is not None:
            where.append(_("row %(line)s") % {"line": self.line})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else str(self.message)


class NaturalKeyLoader(BaseInstanceLoader):
    """Finds existing rows by the resource's natural key, loading them in one query."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        model = resource._meta.model
        self.fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        attnames = [model._meta.get_field(f.attribute).attname for f in self.fields]
        self.instances = {}
        for instance in resource.get_loader_queryset():
            key = tuple(getattr(instance, attname) for attname in attnames)
            self.instances.setdefault(key, instance)

    def row_key(self, row):
        return tuple(_key_part(f.clean(row)) for f in self.fields)

    def get_instance(self, row):
        try:
            return self.instances.get(self.row_key(row))
        except (ValueError, ValidationError):
            # The row's own validation reports the bad key, with its column.
            return None


def _key_part(value):
    return value.pk if isinstance(value, models.Model) else value


class TranslationWidget(widgets.CharWidget):
    """A plan text's translation (``name_en``, …): kept as text, an empty cell as NULL, the
    same as a text not translated yet."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or None


class PlanResource(resources.ModelResource):
    """Base of the plan's resources: natural keys, row-by-row problems, all or nothing."""

    #: name of this resource's table (sheet, CSV or JSON key) in plan files
    key = ""
    #: run the model's check constraints in Python (a query each); off where the
    #: resource checks the same rules itself
    validate_constraints = True

    class Meta:
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
        instance_loader_class = NaturalKeyLoader

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # A plan text's translation: an empty cell is "not translated yet" (NULL).
        if hasattr(f, "translated_field"):
            return TranslationWidget
        # Text of any kind: an empty cell is "" (these columns are never NULL), and
        # numbers typed into a text column are kept as text.
        if isinstance(f, models.CharField | models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.CharField | models.TextField):
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        return kwargs

    def __init__(self, preview=True, progress=None, **kwargs):
        super().__init__(**kwargs)
        #: called with the number of each row once it is processed (background imports)
        self.progress = progress
        if not preview:
            # Commands show counts, not an HTML preview: skip rendering a diff per row.
            self._meta = copy.copy(self._meta)
            self._meta.skip_html_diff = True

    @classmethod
    def get_diff_class(cls):
        return StyleFreeDiff

    @classmethod
    def get_display_name(cls):
        return capfirst(cls._meta.model._meta.verbose_name_plural)

    # Export -------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset=queryset, **kwargs)
        dataset.title = self.key
        return escape_dataset(dataset)

    # Import -------------------------------------------------------------------------

    def get_loader_queryset(self):
        return self.get_queryset()

    def column_for(self, attribute):
        for f in self.fields.values():
            if f.attribute == attribute or f.column_name == attribute:
                return f.column_name
        return None if attribute == NON_FIELD_ERRORS else attribute

    def header_problems(self, headers):
        known = [f.column_name for f in self.get_import_fields()]
        problems = []
        unknown = [h for h in headers if h not in known]
        if unknown:
            problems.append(
                _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
            )
        missing = [
            self.fields[name].column_name
            for name in self.get_import_id_fields()
            if self.fields[name].column_name not in headers
        ]
        if missing:
            problems.append(
                _("Missing columns: %(missing)s; they identify each row.")
                % {"missing": ", ".join(missing)}
            )
        return problems

    def prepare_dataset(self, dataset):
        """Return the dataset in the order its rows must be imported."""
        return dataset

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # One bad row rolls back everything, validation errors included.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        lines = getattr(dataset, "source_lines", None) or [i + 1 for i in range(len(dataset))]
        header_problems = self.header_problems(dataset.headers or [])
        if header_problems:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for message in header_problems:
                result.append_base_error(Error(ImportFileError(message)))
            result.problems = [Problem(message) for message in header_problems]
            return result
        dataset = self.prepare_dataset(dataset)
        lines = getattr(dataset, "source_lines", lines)
        self._duplicates = self.find_duplicates(dataset, lines)
        self._now = timezone.now()
        result = super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        result.problems = self.describe_problems(result, lines)
        return result

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if self.progress is not None:
            self.progress(kwargs.get("row_number") or 0)
        return result

    def find_duplicates(self, dataset, lines):
        """Map the number of each row that repeats an earlier row's key to a message."""
        id_fields = [self.fields[name] for name in self.get_import_id_fields()]
        first_seen = {}
        duplicates = {}
        for number, values in enumerate(dataset, start=1):
            row = dict(zip(dataset.headers, values, strict=False))
            try:
                key = tuple(_key_part(f.clean(row)) for f in id_fields)
            except (ValueError, ValidationError):
                continue
            if key in first_seen:
                duplicates[number] = _("Row %(line)s already has this key (%(key)s).") % {
                    "line": lines[first_seen[key] - 1],
                    "key": ", ".join(str(row[f.column_name]) for f in id_fields),
                }
            else:
                first_seen[key] = number
        return duplicates

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many columns are only saved after the row; check them with the rest.
        for f in self.get_import_fields():
            if isinstance(f.widget, widgets.ManyToManyWidget) and f.column_name in row:
                try:
                    f.clean(row)
                except ValueError as error:
                    errors[f.attribute] = [str(error)]
        duplicate = self._duplicates.get(kwargs.get("row_number"))
        if duplicate:
            attribute = self.fields[self.get_import_id_fields()[0]].attribute
            errors.setdefault(attribute, []).append(duplicate)
        if errors:
            raise ValidationError(errors)

    def check_instance(self, instance):
        """Return ``{attribute: [message]}`` for rules the model states as constraints."""
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {key: list(value) for key, value in (import_validation_errors or {}).items()}
        for attribute, messages_ in self.check_instance(instance).items():
            if attribute not in errors:
                errors.setdefault(attribute, []).extend(messages_)
        # Foreign keys come from the natural-key widgets: they exist already.
        exclude = set(errors) | {
            f.name for f in instance._meta.concrete_fields if f.is_relation and f.many_to_one
        }
        try:
            instance.full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=self.validate_constraints and not errors,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def describe_problems(self, result, lines):
        def line_of(number):
            return lines[number - 1] if number and 0 < number <= len(lines) else number

        problems = []
        for error in result.base_errors:
            if isinstance(error.error, ImportFileError):
                problems.append(Problem(error.error.message))
            else:
                problems.append(
                    Problem(
                        _("The database refused the import: %(error)s") % {"error": error.error}
                    )
                )
        for number, errors in result.row_errors():
            for error in errors:
                problems.append(Problem(str(error.error), line=line_of(number)))
        for row in result.invalid_rows:
            for attribute, messages_ in row.error_dict.items():
                for message in messages_:
                    problems.append(
                        Problem(
                            message, line=line_of(row.number), column=self.column_for(attribute)
                        )
                    )
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        return problems


def resource_for_model(label):
    """The resource of the model ``label`` (``app_label.model_name``), or None."""
    for resource in plan_resources().values():
        if resource._meta.model._meta.label_lower == label:
            return resource
    return None


def plan_resources():
    """The plan's resources in import order (each only refers to those before it)."""
    from .resources import (
        AgencyResource,
        CommitmentResource,
        MemberStateResource,
        MilestoneResource,
        ObjectiveResource,
        OfficialResource,
        ProgressReportResource,
        ThematicAxisResource,
        WorkAreaResource,
    )

    ordered = [
        ThematicAxisResource,
        AgencyResource,
        OfficialResource,
        WorkAreaResource,
        ObjectiveResource,
        MemberStateResource,
        CommitmentResource,
        MilestoneResource,
        ProgressReportResource,
    ]
    return {resource.key: resource for resource in ordered}


def resource_for_headers(headers, registry):
    """The key of the resource whose columns ``headers`` are: all of them, or else some of
    them including the key columns, when exactly one resource fits."""
    headers = set(headers)
    exact, partial = [], []
    for key, resource_class in registry.items():
        resource = resource_class()
        columns = {f.column_name for f in resource.get_import_fields()}
        id_columns = {resource.fields[name].column_name for name in resource.get_import_id_fields()}
        if columns == headers:
            exact.append(key)
        elif id_columns <= headers <= columns:
            partial.append(key)
    matches = exact or partial
    return matches[0] if len(matches) == 1 else None


@dataclass
class PlanImport:
    """What an import did (or would do): totals per table and every problem found."""

    totals: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.problems


def import_tables(tables, *, dry_run=False, user=None):
    """Import ``tables`` in one transaction: any problem, or ``dry_run``, writes nothing."""
    registry = plan_resources()
    outcome = PlanImport(dry_run=dry_run)
    chosen = {}
    for table in tables:
        key = table.title if table.title in registry else None
        key = key or resource_for_headers(table.headers, registry)
        if key is None:
            outcome.problems.append(
                Problem(
                    _(
                        "This table matches none of the plan's tables by name or columns; "
                        "the tables are: %(keys)s."
                    )
                    % {"keys": ", ".join(registry)},
                    table=table.title,
                )
            )
        elif key in chosen:
            outcome.problems.append(
                Problem(_("The file holds this table twice."), table=table.title)
            )
        else:
            chosen[key] = table
    if not chosen and not outcome.problems:
        outcome.problems.append(Problem(_("The file holds no table to import.")))
    if outcome.problems:
        return outcome
    with transaction.atomic():
        for key, resource_class in registry.items():
            if key not in chosen:
                continue
            if not chosen[key].rows:
                outcome.totals[key] = {"new": 0, "update": 0, "skip": 0}
                continue
            resource = resource_class(preview=False)
            result = resource.import_data(to_dataset(chosen[key]), user=user)
            outcome.totals[key] = dict(result.totals)
            for problem in result.problems:
                problem.table = key
                outcome.problems.append(problem)
        if dry_run or outcome.problems:
            transaction.set_rollback(True)
    return outcome


def import_file(name, data, *, dry_run=False, user=None):
    """Check and import a file of the plan (XLSX, ZIP of CSVs, JSON, or one CSV)."""
    try:
        tables = read_tables(name, data, allowed=(*EXTENSIONS, "zip"))
    except ImportFileError as error:
        return PlanImport(dry_run=dry_run, problems=[Problem(error.message)])
    return import_tables(tables, dry_run=dry_run, user=user)


# --- Exports ------------------------------------------------------------------------------

EXPORT_FORMATS = {"xlsx": "xlsx", "csv": "zip", "json": "json"}


def export_datasets(native=False):
    """Every table of the plan as an escaped tablib Dataset, in import order."""
    return [resource().export(force_native_type=native) for resource in plan_resources().values()]


def export_tables(fmt):
    """The whole plan as bytes: one XLSX sheet, one CSV in a ZIP, or one JSON key per table."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for dataset in export_datasets(native=True):
            sheet = book.create_sheet(title=dataset.title)
            sheet.append(dataset.headers)
            for row in dataset:
                sheet.append([_to_xlsx(value) for value in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    if fmt == "csv":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for dataset in export_datasets():
                archive.writestr(f"{dataset.title}.csv", csv_bytes(dataset))
        return buffer.getvalue()
    if fmt == "json":
        document = {dataset.title: dataset.dict for dataset in export_datasets()}
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    raise ValueError(fmt)


def csv_bytes(dataset):
    # The byte-order mark makes Excel read UTF-8 instead of the system code page.
    return ("\ufeff" + dataset.export("csv")).encode("utf-8")


# --- Admin ------------------------------------------------------------------------------


class _CheckedFormat:
    """An import-export format that reads through ``read_tables`` (first table)."""

    extension = ""

    def create_dataset(self, in_stream, **kwargs):
        tables = read_tables(f"upload.{self.extension}", in_stream, allowed=(self.extension,))
        if not tables:
            raise ImportFileError(_("The file holds no table to import."))
        return to_dataset(tables[0])

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        return True


class SafeXLSX(_CheckedFormat, base_formats.XLSX):
    extension = "xlsx"

    def export_data(self, dataset, **kwargs):
        written = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            written.append([_to_xlsx(value) for value in row])
        return super().export_data(written, **kwargs)


class SafeCSV(_CheckedFormat, base_formats.CSV):
    extension = "csv"

    def export_data(self, dataset, **kwargs):
        return csv_bytes(dataset)


class SafeJSON(_CheckedFormat, base_formats.JSON):
    extension = "json"

    def export_data(self, dataset, **kwargs):
        return json.dumps(dataset.dict, ensure_ascii=False, indent=1, default=str).encode("utf-8")


class CuratorImportForm(ie_forms.ImportForm):
    """The admin's upload form: the size and extension are checked before anything is read."""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        chosen = cleaned.get("format")
        if upload is None or chosen in (None, ""):
            return cleaned
        try:
            check_size(upload.size)
            ext = extension_of(upload.name)
            fmt = self.formats[int(chosen)]
            if ext != fmt.extension:
                raise ImportFileError(
                    _(
                        "The file name ends in “.%(ext)s” but the format chosen is %(format)s; "
                        "choose the matching format or a .%(expected)s file."
                    )
                    % {"ext": ext, "format": fmt.extension.upper(), "expected": fmt.extension}
                )
        except ImportFileError as error:
            self.add_error("import_file", error.message)
        return cleaned

    def _init_formats(self, formats):
        self.formats = formats
        super()._init_formats(formats)


class CuratorImportExportMixin:
    """Admin import/export for curators: checked files, previews that list every problem
    by row and column, and confirmations that write everything or nothing."""

    formats = [SafeXLSX, SafeCSV, SafeJSON]
    import_form_class = CuratorImportForm
    import_template_name = "admin/plan_import.html"
    export_template_name = "admin/plan_export.html"
    skip_admin_log = False

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        """The upload: a valid file is stored as a job, its check is queued for the worker,
        and the curator is sent to the job's status page at once."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                return self._queue_check(request, form)
        response = super().import_action(request, **kwargs)
        if getattr(response, "context_data", None) is not None:
            response.context_data["recent_jobs"] = ImportJob.objects.visible_to(
                request.user
            ).filter(table=self.model._meta.label_lower)[:10]
        return response

    def _queue_check(self, request, form):
        from . import tasks  # the tasks run exchange.jobs, which reads files with this module

        upload = form.cleaned_data["import_file"]
        file_format = self.get_import_formats()[int(form.cleaned_data["format"])]
        job = ImportJob.objects.create(
            user=request.user,
            file_name=PurePath(upload.name).name[:255],
            file_format=file_format.extension,
            table=self.model._meta.label_lower,
            language=get_language() or settings.LANGUAGE_CODE,
            data=b"".join(upload.chunks()),
        )
        tasks.check_import.enqueue(job.pk)
        return HttpResponseRedirect(self._job_url(job))

    def import_job_view(self, request, job_id):
        """The job's status page; a POST confirms a checked file and queues its import."""
        from . import tasks

        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(
            ImportJob.objects.visible_to(request.user),
            pk=job_id,
            table=self.model._meta.label_lower,
        )
        job.give_up_if_stalled(
            _("The worker stopped while handling this file; nothing was imported. Upload it again.")
        )
        if request.method == "POST":
            # The import is written in its uploader's name: nobody else confirms it.
            if job.user_id != request.user.pk:
                raise PermissionDenied
            if job.confirm():
                tasks.run_import.enqueue(job.pk)
            else:
                messages.error(request, _("This file is not waiting for confirmation."))
            return HttpResponseRedirect(self._job_url(job))
        context = self.admin_site.each_context(request)
        context.update(
            {
                "title": _("Import"),
                "opts": self.model._meta,
                "job": job,
                "result": job.result,
                "refresh_seconds": 2 if job.is_running else None,
                "import_url": self._import_url(),
            }
        )
        return TemplateResponse(request, ["admin/plan_import_job.html"], context)

    def process_import(self, request, **kwargs):
        # The confirmation is posted to the job's status page; this address is kept so
        # that an old bookmark lands on the upload form.
        return HttpResponseRedirect(self._import_url())

    def _import_url(self):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name
        )

    def _job_url(self, job):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import_job",
            args=[job.pk],
            current_app=self.admin_site.name,
        )
