"""The open data as one Frictionless Data Package (https://specs.frictionlessdata.io/).

``datapackage.json`` lists every open-data table (``indicators.columns.PACKAGE_TABLES``: the
tables of ``commitments.services.columns`` and the indicators')
as a CSV resource with its Table Schema: the columns' types, descriptions and constraints,
primary and foreign keys, and what an empty cell means. The zip holds the same descriptor
with each table's CSV next to it, and the plan's source document.
"""

import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import translation

from indicators.columns import PACKAGE_TABLES

NAME = "celac-ppt-2020"
TITLE = "CELAC PPT 2020 work plan: commitments and progress"
DESCRIPTION = (
    "The work plan of Mexico's 2020 Pro Tempore Presidency of the Community of Latin American "
    "and Caribbean States (CELAC): its 14 work areas, thematic axes, responsible agencies and "
    "commitments, and the progress the member states reported on them, as published after "
    "review. A state that has not reported is left out of a mean, never counted as 0."
)
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
SOURCE_TITLE = "Propuesta de áreas de trabajo para la PPT 2020 de la CELAC"
SOURCE_FILE = Path("docs") / "source" / "propuesta-ppt2020-celac.txt"
MISSING_VALUES = [""]
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

# Table Schema's type (and format) for each column type of ``columns``.
FIELD_TYPES = {"uri": ("string", "uri")}


def field(column):
    """A column as a Table Schema field."""
    kind, fmt = FIELD_TYPES.get(column.type, (column.type, None))
    described = {"name": column.name, "type": kind, "description": str(column.description)}
    if fmt:
        described["format"] = fmt
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    if constraints:
        described["constraints"] = constraints
    if kind == "boolean":
        described["trueValues"], described["falseValues"] = ["true"], ["false"]
    return described


def table_schema(table):
    schema = {
        "fields": [field(column) for column in table.columns],
        "missingValues": MISSING_VALUES,
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(own), "reference": {"resource": other, "fields": list(theirs)}}
            for own, other, theirs in table.foreign_keys
        ]
    return schema


def csv_name(table):
    return f"data/{table.name}.csv"


def descriptor(base_url, in_zip=False):
    """The package's ``datapackage.json``: resources at ``base_url`` + their address, or at
    the CSVs' names inside the zip. Its texts are in English, whatever the reader's language."""
    with translation.override("en"):
        return _descriptor(base_url, in_zip)


def _descriptor(base_url, in_zip):
    source = {"title": SOURCE_TITLE}
    if in_zip:
        source["path"] = SOURCE_FILE.as_posix()
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "homepage": base_url + "/es/open-data/",
        "keywords": ["CELAC", "PPT 2020", "work plan", "commitments", "progress"],
        "licenses": [LICENSE],
        "sources": [source],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": str(table.title),
                "description": str(table.description),
                "path": csv_name(table) if in_zip else f"{base_url}/{table.path}",
                "format": "csv",
                "mediatype": "text/csv",
                # The downloads start with a byte-order mark, for spreadsheets.
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "header": True},
                "schema": table_schema(table),
            }
            for table in PACKAGE_TABLES
        ],
    }


def to_json(data):
    return json.dumps(data, ensure_ascii=False, indent=1)


def to_zip(base_url, csv_by_table):
    """The zip: ``datapackage.json``, each table's CSV (``csv_by_table``: {name: text}) and
    the source document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:

        def write(name, data):
            # A fixed date: the same data gives the same bytes, as its ETag promises.
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        write("datapackage.json", to_json(descriptor(base_url, in_zip=True)))
        for table in PACKAGE_TABLES:
            write(csv_name(table), csv_by_table[table.name].encode("utf-8"))
        write(SOURCE_FILE.as_posix(), (Path(settings.BASE_DIR) / SOURCE_FILE).read_bytes())
    return buffer.getvalue()
