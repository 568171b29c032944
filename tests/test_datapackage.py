"""The open data as a Frictionless Data Package: every table with its Table Schema, valid."""

import io
import json
import zipfile

import frictionless
import pytest

from commitments.services import columns
from tests.progress_data import make_published_reports

pytestmark = pytest.mark.django_db


def test_the_package_lists_every_table_with_its_schema(client, plan):
    response = client.get("/open-data/datapackage.json")
    assert response.status_code == 200 and response["ETag"]
    package = response.json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"][0]["title"].startswith("Propuesta de áreas de trabajo")
    names = [resource["name"] for resource in package["resources"]]
    assert names == [table.name for table in columns.TABLES]
    commitments = package["resources"][0]
    assert commitments["path"] == "http://testserver/commitments/data.csv"
    fields = commitments["schema"]["fields"]
    assert [f["name"] for f in fields] == columns.COMMITMENT_COLUMNS
    assert commitments["schema"]["primaryKey"] == ["reference"]
    assert {f["name"]: f["type"] for f in fields}["due_date"] == "date"
    for resource in package["resources"]:
        assert client.get(resource["path"]).status_code == 200


def test_the_zip_is_a_valid_data_package(client, plan, tmp_path):
    make_published_reports(60)
    response = client.get("/open-data/celac-ppt-2020.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert (tmp_path / descriptor["sources"][0]["path"]).exists()
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == len(columns.TABLES)
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
