"""The Nu HTML Checker (``vnu-jar`` from the npm registry, pinned in package-lock.json) finds
no error on any public page, in Spanish and in English.

Every page is rendered once, written to a temporary folder, and the checker runs once over
all of them, offline (it reads only those files): the JVM's start-up costs more than
checking a page.
"""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from commitments.models import Evidence
from indicators.demo import create_demo_indicators
from indicators.models import Indicator
from tests.progress_data import make_published_reports
from tests.test_addresses import PAGES
from tests.test_dashboard import published

pytestmark = pytest.mark.django_db

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"
LANGUAGES = ("es", "en")
# Public pages, and states of them, that the list of every page does not name.
EXTRA_PAGES = [
    "/open-data/",
    "/embed/commitments/1.1/",
    "/embed/states/MX/",
    "/commitments/?area=99&due_before=banana",  # with the form's errors shown
    "/commitments/?state=AR&sort=-progress",
    "/search/?q=",
    "/attention/",
    "/states/",
    "/states/?sort=-last_report",
    "/states/compare/",
    "/states/compare/?s=MX&s=AR&s=JM",
    "/states/compare/?s=MX&s=ZZ",  # with the form's error shown
    "/changes/?state=MX&area=3",
    "/changes/?state=ZZ",  # with a filter error shown
    "/commitments/6.3/",  # with its indicator
    "INDICATOR",
]
# Pages that answer with an error status of their own and a full page (a form's message).
STATUS = {"/states/compare/?s=MX&s=ZZ": 400}


def java():
    """The ``java`` to run the checker with, or a skip outside CI; under CI it must run."""
    found = shutil.which("java")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("java is missing: .ci/run installs default-jre-headless")
        pytest.skip("java is not installed: the Nu HTML Checker needs a Java runtime")
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `make js-deps` (npm ci) first"
    return found


@pytest.fixture
def pages(client, plan, settings):
    """The address of every public page in each language, with published reports and
    evidence so that every part of a page shows."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # Reports published through the workflow (a time with microseconds) are the latest.
    make_published_reports(120, seed=11, today=datetime.date.today() - datetime.timedelta(days=3))
    for reference, iso_code, percentage in (("2.1", "AR", 100), ("13.1.1", "BR", 0)):
        published(reference, iso_code, percentage)
    report = published("1.1", "MX", 40)
    Evidence.objects.create(report=report, title="Acta", url="https://example.org/acta")
    create_demo_indicators({}, None)
    indicator = Indicator.objects.get(commitment__reference="6.3")
    special = {"REPORT": f"/reports/{report.pk}/", "INDICATOR": f"/indicators/{indicator.pk}/"}
    addresses = []
    for language in LANGUAGES:
        for page in [*PAGES, *EXTRA_PAGES]:
            addresses.append((f"/{language}{special.get(page, page)}", STATUS.get(page, 200)))
    return addresses


# A page with one known error, checked with the others: a checker that reads no file (a
# wrong argument, an unreadable folder) would otherwise pass every page.
CONTROL = '<!DOCTYPE html><html lang="en"><title>x</title><time datetime="2020-13-01">x</time>'


def test_every_public_page_is_valid_html(client, pages, tmp_path):
    command = java()
    files = {}
    for number, (address, status) in enumerate(pages):
        response = client.get(address)
        assert response.status_code == status, address
        path = tmp_path / f"page-{number:03d}.html"
        path.write_bytes(response.content)
        files[f"file:{path}"] = address
    control = tmp_path / "control.html"
    control.write_text(CONTROL, encoding="utf-8")
    checked = subprocess.run(  # noqa: S603  (a fixed command over files this test wrote)
        [command, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(control)]
        + [name.removeprefix("file:") for name in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    assert any(m.get("url") == f"file:{control}" for m in messages), "the checker read no file"
    errors = [
        f"{files[m['url']]}:{m.get('lastLine', '?')}: {m['message']} «{m.get('extract', '')}»"
        for m in messages
        if m.get("url") != f"file:{control}"
    ]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)
