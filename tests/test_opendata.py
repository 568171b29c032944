"""Open data: CSV and JSON of exactly the rows on screen, stable columns, no live formulas."""

import csv
import io
import json

import pytest

from commitments.models import Commitment, Evidence
from commitments.services import columns
from exchange import opendata
from exchange.opendata import safe_cell
from tests.test_dashboard import published
from tests.test_public_pages import list_refs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_json(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Red CELAC de:", "Red CELAC de:"),
        ("a=b", "a=b"),
        ("", ""),
        (42, 42),
        (-5, -5),
        (None, None),
    ],
)
def test_safe_cell_neutralises_formula_triggers_only(value, expected):
    assert safe_cell(value) == expected


def test_commitment_list_download_has_every_filtered_row_not_just_one_page(client, plan):
    rows = read_csv(client.get("/commitments/data.csv"))
    assert len(rows) == 34  # the screen shows 20 per page
    assert list(rows[0]) == columns.COMMITMENT_COLUMNS
    assert [row["reference"] for row in rows] == list_refs(client, "") + list_refs(client, "page=2")


@pytest.mark.parametrize(
    "query",
    ["area=13", "axis=3&sort=-due", "q=red", "agency=SRE&overdue=on", "state=MX&status=completed"],
)
def test_downloads_hold_exactly_the_rows_on_screen_in_the_same_order(client, plan, query):
    published("13.1.1", "MX", 100)
    published("2.1", "MX", 100)
    on_screen = list_refs(client, query)
    from_csv = [row["reference"] for row in read_csv(client.get("/commitments/data.csv?" + query))]
    from_json = [
        row["reference"] for row in read_json(client.get("/commitments/data.json?" + query))["rows"]
    ]
    assert on_screen and from_csv == on_screen and from_json == on_screen


def test_download_values_match_the_figures_and_say_the_scope(client, plan, settings):
    settings.SITE_URL = "https://celac.example.org"
    published("1.1", "MX", 40)
    published("1.1", "AR", 61)
    row = read_csv(client.get("/commitments/data.csv?q=1.1"))[0]
    assert row["reference"] == "1.1"
    assert row["scope"] == "region"
    assert row["mean_percentage"] == "50.5"
    assert (row["states_reported"], row["states_total"]) == ("2", "33")
    assert row["status"] == "in_progress"
    assert row["responsible_agencies"] == "AEM; SCT"
    # The portal's public address, whatever host the download was asked from.
    assert row["url"] == "https://celac.example.org/es/commitments/1.1/"
    mexico = read_json(client.get("/commitments/data.json?q=1.1&state=MX"))["rows"][0]
    assert mexico["scope"] == "MX"
    assert mexico["mean_percentage"] == 40
    assert mexico["due_date"] is None and mexico["overdue"] is False
    empty = read_json(client.get("/commitments/data.json?q=2.2"))["rows"][0]
    assert empty["mean_percentage"] is None and empty["status"] == "no_reports"


def test_matrix_download_has_one_row_per_cell(client, plan):
    published("2.1", "AR", 40)
    published("2.2", "AR", 60)
    rows = read_csv(client.get("/open-data/matrix.csv"))
    assert len(rows) == 33 * 14
    assert list(rows[0]) == columns.MATRIX_COLUMNS
    cell = next(r for r in rows if r["member_state_iso"] == "AR" and r["area_number"] == "2")
    assert (cell["mean_percentage"], cell["commitments_reported"], cell["commitments_total"]) == (
        "50.0",
        "2",
        "4",
    )
    data = read_json(client.get("/open-data/matrix.json"))
    assert data["count"] == 33 * 14 and data["columns"] == columns.MATRIX_COLUMNS


@pytest.mark.parametrize(
    ("url", "columns", "count"),
    [
        ("/open-data/progress-by-area.csv", columns.BREAKDOWN_COLUMNS, 14),
        ("/open-data/progress-by-axis.csv", columns.BREAKDOWN_COLUMNS, 4),
        ("/open-data/progress-by-agency.csv", columns.BREAKDOWN_COLUMNS, 13),  # with areas
        ("/open-data/progress-by-status.csv", columns.STATUS_COLUMNS, 5),
        ("/commitments/1.1/states.csv", columns.COMMITMENT_STATE_COLUMNS, 33),
        ("/states/MX/commitments.csv", columns.COMMITMENT_COLUMNS, 34),
        ("/open-data/latest-reports.csv", columns.REPORT_COLUMNS, 1),
    ],
)
def test_every_download_has_its_documented_columns(client, plan, url, columns, count):
    published("1.1", "MX", 40)
    rows = read_csv(client.get(url))
    assert len(rows) == count
    assert list(rows[0]) == columns
    assert read_json(client.get(url.replace(".csv", ".json")))["columns"] == columns


def test_commitment_states_download_links_reports_and_evidence(client, plan, settings):
    shown = published("1.1", "MX", 40)
    Evidence.objects.create(report=shown, url="https://example.org/prueba")
    rows = read_csv(client.get("/commitments/1.1/states.csv"))
    mexico = next(row for row in rows if row["member_state_iso"] == "MX")
    assert mexico["report_url"] == f"{settings.SITE_URL}/es/reports/{shown.pk}/"
    assert mexico["evidence_urls"] == "https://example.org/prueba"
    assert mexico["percentage"] == "40"


def test_unknown_download_format_or_group_is_404(client, plan):
    assert client.get("/commitments/data.xlsx", follow=True).status_code == 404
    assert client.get("/open-data/progress-by-planet.csv", follow=True).status_code == 404


def test_csv_downloads_carry_no_live_formula(client, plan):
    commitment = Commitment.objects.get(reference="1.1")
    commitment.text = '=HYPERLINK("http://evil.example","click")'
    commitment.due_label = "@SUM(1+1)"
    commitment.save()
    published("1.1", "MX", 40)
    text = client.get("/commitments/data.csv?area=1").content.decode("utf-8")
    row = list(csv.DictReader(io.StringIO(text[1:])))[0]
    assert row["commitment"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["due_label"] == "'@SUM(1+1)"
    for cell in (c for r in csv.reader(io.StringIO(text[1:])) for c in r):
        assert not cell.startswith(opendata.FORMULA_TRIGGERS)
    # JSON keeps the text exactly as stored.
    data = read_json(client.get("/commitments/data.json?area=1"))
    assert data["rows"][0]["commitment"].startswith("=HYPERLINK")


def test_page_links_to_its_downloads_with_the_current_filters(client, plan):
    response = client.get("/fr/commitments/?area=13&sort=due&page=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/commitments/data.csv?area=13&amp;sort=due"' in html
    assert 'href="/commitments/data.json?area=13&amp;sort=due"' in html
