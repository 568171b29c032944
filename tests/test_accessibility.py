"""axe-core (from the npm registry, pinned in package-lock.json) scans every public page in a
real Chromium: 0 violations, at desktop width and at 375 px, with every table equivalent
opened so that it is scanned too."""

import json
from pathlib import Path

import pytest

from commitments.models import Evidence, ProgressReport
from indicators.demo import create_demo_indicators
from indicators.models import Indicator
from tests.progress_data import make_published_reports

pytestmark = pytest.mark.browser


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

PAGES = [
    "/es/",
    "/en/",
    "/pt/areas/13/",
    "/fr/commitments/",
    "/es/commitments/?area=99&due_before=banana",  # with form errors shown
    "/en/commitments/?state=AR&sort=-progress",
    "/pt/commitments/13.1/",
    "/fr/commitments/1.1/",
    "/es/states/MX/",
    "/en/agencies/SRE/",
    "/pt/about/figures/",
    "/es/areas/",
    "/en/agencies/",
    "/fr/map/",
    "/pt/search/?q=oceanica",
    "/es/search/?q=",
    "/es/attention/",
    "/en/states/",
    "/fr/states/compare/?s=MX&s=AR&s=JM",
    "/pt/states/compare/?s=MX&s=ZZ",  # with the form's error shown
    "/en/changes/",
    "/es/changes/?state=ZZ",  # with a filter error shown
    "/fr/accounts/login/",
    "/es/indicators/",
    "/fr/open-data/",
    "INDICATOR",
    "REPORT",
]
# Pages that answer with an error status of their own and a full page (a form's message).
STATUS = {"/pt/states/compare/?s=MX&s=ZZ": 400}


@pytest.fixture(scope="module")
def axe_source():
    assert AXE.exists(), f"{AXE} is missing: run `make js-deps` (npm ci) first"
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def site(live_plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    make_published_reports(300, seed=5, states=["MX", "AR", "BR", "CL", "CU", "JM", "TT"])
    report = ProgressReport.objects.published().filter(member_state__iso_code="MX").first()
    Evidence.objects.create(report=report, title="Acta", url="https://example.org/acta")
    create_demo_indicators({}, None)
    return live_plan.url, f"/es/reports/{report.pk}/"


def violations(page, axe_source):
    # Evaluated through the DevTools protocol, so the page's strict CSP does not apply to it.
    page.evaluate(axe_source)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [node["target"] for node in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_every_public_page_has_no_axe_violations(page, site, axe_source, width):
    base, report_url = site
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for path in PAGES:
        if path == "INDICATOR":
            path = f"/en/indicators/{Indicator.objects.get(commitment__reference='6.3').pk}/"
        path = report_url if path == "REPORT" else path
        response = page.goto(base + path)
        assert response.status == STATUS.get(path, 200), path
        assert page.locator("h1").count() == 1, path
        assert page.locator("main").count() == 1, path
        problems = violations(page, axe_source)
        if problems:
            found[path] = problems
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_keyboard_focus_is_visible(page, site):
    base, _report = site
    page.goto(base + "/es/")
    page.keyboard.press("Tab")  # the skip link
    focused = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.className, s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused[0] == "skip-link"
    assert focused[1] != "none" and focused[2] != "0px"
