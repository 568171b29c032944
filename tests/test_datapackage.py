"""The open data as a Frictionless Data Package: every table with its Table Schema, valid."""

import io
import json
import re
import zipfile

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from markupsafe import escape

from commitments.models import ProgressReport
from commitments.services import columns
from indicators.columns import PACKAGE_TABLES
from tests.progress_data import make_published_reports
from tests.test_accessibility import axe_source, violations  # noqa: F401  (a fixture)
from tests.test_dashboard import published

pytestmark = pytest.mark.django_db

# Absolute links name the portal's public address, whatever host asked.
SITE = settings.SITE_URL.rstrip("/")


def test_the_package_lists_every_table_with_its_schema(client, plan):
    response = client.get("/open-data/datapackage.json")
    assert response.status_code == 200 and response["ETag"]
    package = response.json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"][0]["title"].startswith("Propuesta de áreas de trabajo")
    names = [resource["name"] for resource in package["resources"]]
    assert names == [table.name for table in PACKAGE_TABLES]
    commitments = package["resources"][0]
    assert commitments["path"] == f"{SITE}/commitments/data.csv"
    fields = commitments["schema"]["fields"]
    assert [f["name"] for f in fields] == columns.COMMITMENT_COLUMNS
    assert commitments["schema"]["primaryKey"] == ["reference"]
    assert {f["name"]: f["type"] for f in fields}["due_date"] == "date"
    for resource in package["resources"]:
        assert client.get(resource["path"]).status_code == 200


def test_the_zip_is_a_valid_data_package(client, plan, tmp_path, settings):
    make_published_reports(60)
    # Indicators with values from several states, on commitments and on an area.
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    response = client.get("/open-data/celac-ppt-2020.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert (tmp_path / descriptor["sources"][0]["path"]).exists()
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == len(PACKAGE_TABLES)
    # The zip's tables are the downloads' bytes.
    download = client.get("/open-data/matrix.csv").content
    assert (tmp_path / "data" / "state-by-area.csv").read_bytes() == download


def test_a_broken_table_fails_validation(client, plan, tmp_path):
    """The check can fail: a row that breaks its schema is reported."""
    make_published_reports(5)
    response = client.get("/open-data/celac-ppt-2020.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    table = tmp_path / "data" / "commitments-by-status.csv"
    table.write_text(table.read_text(encoding="utf-8-sig") + "unknown,Otro,many\r\n", "utf-8-sig")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid


def test_the_open_data_page_lists_every_download_with_its_columns(client, plan):
    response = client.get("/en/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    for table in PACKAGE_TABLES:
        assert f'href="/{table.path}"' in html
        for column in table.columns:
            assert f"<code>{column.name}</code>" in html
    assert escape(str(columns.COMMITMENT[0].description)) in html
    for address in ("/api/v1/", "/api/docs/", "/api/schema.json", "/open-data/datapackage.json"):
        assert f'href="{address}' in html
    assert 'href="/open-data/celac-ppt-2020.zip"' in html
    # Linked from every page's header.
    assert 'href="/en/open-data/"' in client.get("/en/").content.decode()


def test_the_open_data_page_speaks_the_readers_language(client, plan):
    html = client.get("/es/open-data/").content.decode()
    assert "Datos abiertos y API" in html
    assert "La referencia del compromiso en el plan" in html


def json_ld_of(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    return match.group(1)


def test_the_open_data_page_describes_the_dataset_for_catalogues(client, plan):
    response = client.get("/en/open-data/")
    text = json_ld_of(response.content.decode())
    dataset = json.loads(text)
    assert dataset["@type"] == ["Dataset", "dcat:Dataset"]
    assert dataset["@context"][1]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert dataset["dct:license"] == dataset["license"]
    assert dataset["dcat:landingPage"] == f"{SITE}/en/open-data/"
    # Nothing published yet: no modification date to give.
    assert "dct:modified" not in dataset
    assert dataset["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert dataset["temporalCoverage"] == "2020"
    assert dataset["spatialCoverage"]["@type"] == "Place"
    assert dataset["publisher"]["name"]
    formats = {item["encodingFormat"] for item in dataset["distribution"]}
    assert formats == {"text/csv", "application/json", "application/zip"}
    urls = {item["contentUrl"] for item in dataset["distribution"]}
    assert f"{SITE}/commitments/data.csv" in urls
    csv = next(item for item in dataset["distribution"] if item["encodingFormat"] == "text/csv")
    assert csv["dcat:downloadURL"] == csv["contentUrl"] and csv["dcat:mediaType"] == "text/csv"
    # The site's policy has no script exception for it: it is data, not a script.
    assert "unsafe-inline" not in response["Content-Security-Policy"]

    published("1.1", "MX", 40)
    dataset = json.loads(json_ld_of(client.get("/en/open-data/").content.decode()))
    latest = ProgressReport.objects.get().published_at
    assert dataset["dct:modified"] == timezone.localdate(latest).isoformat()


def test_the_json_ld_cannot_close_its_script_element():
    from public.views import json_ld

    text = str(json_ld({"name": "</script><script>alert(1)</script> & <!--"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_the_open_data_page_is_accessible(page, live_plan, axe_source, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    for path in ("/es/open-data/", "/fr/open-data/"):
        response = page.goto(live_plan.url + path)
        assert response.status == 200
        assert page.locator("h1").count() == 1
        assert violations(page, axe_source) == [], path
        # Nothing scrolls sideways on a phone: the column tables scroll within themselves.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
