"""Every export is safe to open: no cell a spreadsheet would run as a formula."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from areas.models import Agency, Objective, Official, ThematicAxis, WorkArea
from commitments.models import Commitment, MemberState, ProgressReport, ReviewState, Status
from commitments.services.reports import rebuild_current_progress
from exchange.imports import escape_cell, export_tables, import_file, unescape_cell
from tests.import_helpers import snapshot

pytestmark = pytest.mark.django_db

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"]
ADMIN_MODELS = [
    "areas_thematicaxis",
    "areas_agency",
    "areas_official",
    "areas_workarea",
    "areas_objective",
    "commitments_commitment",
    "commitments_memberstate",
    "commitments_progressreport",
]


def _text_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and f.editable
    ]


def poison(payload, keys=True):
    """Write ``payload`` into every text field of one row of every table of the plan."""
    rows = [
        ThematicAxis.objects.get(number=1),
        Agency.objects.get(acronym="SRE"),
        Official.objects.order_by("name").first(),
        WorkArea.objects.get(number=1),
        Objective.objects.order_by("pk").first(),
        MemberState.objects.get(iso_code="MX"),
        Commitment.objects.get(reference="1.1"),
    ]
    for row in rows:
        for f in _text_fields(type(row)):
            if not keys and f.name in ("reference", "iso_code"):
                continue
            setattr(row, f.name, payload[: f.max_length] if f.max_length else payload)
        row.save()
    ProgressReport.objects.create(
        commitment=Commitment.objects.reportable().order_by("reference_key").first(),
        member_state=MemberState.objects.get(name=payload),
        status=Status.IN_PROGRESS,
        percentage=30,
        narrative=payload,
        reported_on=datetime.date(2020, 6, 1),
        review_state=ReviewState.PUBLISHED,
        published_at=timezone.now(),
    )
    rebuild_current_progress()


def cells_of(data, kind):
    """Every cell of an exported file as text a spreadsheet would read; XLSX formulas fail."""
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(data))
        cells = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    value = cell.value
                    # Spreadsheets read _x000D_ as the carriage return it stands for.
                    if isinstance(value, str):
                        value = value.replace("_x000D_", "\r")
                    cells.append(value)
        return cells
    if kind == "zip":
        archive = zipfile.ZipFile(io.BytesIO(data))
        return [cell for name in archive.namelist() for cell in cells_of(archive.read(name), "csv")]
    if kind == "csv":
        text = data.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    if kind == "json":
        found = []

        def walk(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    found.append(key)
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            else:
                found.append(value)

        walk(json.loads(data))
        return found
    raise ValueError(kind)


def assert_safe(data, kind, payload):
    cells = cells_of(data, kind)
    live = [c for c in cells if isinstance(c, str) and c.startswith(TRIGGERS)]
    assert not live, live[:5]
    # The payload is there, neutralised: the check above had something to find.
    assert "'" + payload in cells


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("fmt", "kind"), [("xlsx", "xlsx"), ("csv", "zip"), ("json", "json")])
def test_export_plan_neutralises_formulas_in_every_text_field(plan, payload, fmt, kind):
    poison(payload)
    data = export_tables(fmt)
    assert_safe(data, kind, payload)
    cells = cells_of(data, kind)
    # Every text field of the poisoned rows: 20 fields, and relations naming them.
    assert cells.count("'" + payload) >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_admin_exports_neutralise_formulas_in_every_format(client_of, curator, payload):
    poison(payload)
    client = client_of(curator)
    for name in ADMIN_MODELS:
        url = reverse(f"admin:{name}_export")
        fields = [f for f in client.get(url).context["form"].fields if "resource_" in f]
        for index, kind in enumerate(["xlsx", "csv", "json"]):
            response = client.post(
                url, {"resource": "0", "format": str(index), **dict.fromkeys(fields, "on")}
            )
            assert response.status_code == 200, (name, kind)
            assert_safe(response.content, kind, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_public_csv_downloads_neutralise_formulas(client, plan, payload):
    poison(payload, keys=False)
    for name in ("opendata:commitments", "opendata:latest_reports"):
        response = client.get(reverse(name, kwargs={"fmt": "csv"}))
        assert response.status_code == 200
        cells = cells_of(b"".join(response), "csv")
        assert not [c for c in cells if c.startswith(TRIGGERS)]
        assert any(c.startswith("'") and c[1:].startswith(TRIGGERS) for c in cells)


@pytest.mark.parametrize("payload", [*PAYLOADS, "Primera línea.\r\nSegunda línea."])
def test_neutralised_cells_import_back_unchanged(plan, payload):
    poison(payload, keys=False)
    before = snapshot()
    for name in ("p.xlsx", "p.zip", "p.json"):
        fmt = {"xlsx": "xlsx", "zip": "csv", "json": "json"}[name.split(".")[1]]
        outcome = import_file(name, export_tables(fmt))
        assert outcome.ok, [str(p) for p in outcome.problems]
        assert all(t["new"] == t["update"] == 0 for t in outcome.totals.values()), name
    assert snapshot() == before


@pytest.mark.parametrize("value", [*PAYLOADS, "'=x", "''+y", "'hola", "hola", "", "-"])
def test_escaping_is_undone_exactly(value):
    assert unescape_cell(escape_cell(value)) == value
    assert not escape_cell(value).startswith(TRIGGERS)
