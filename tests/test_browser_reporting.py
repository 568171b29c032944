"""In a real Chromium: Argentina reports, the curator returns, Argentina fixes, the curator
publishes, and only then does the public see it."""

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from commitments.models import ProgressReport, ReviewState

pytestmark = pytest.mark.browser

REFERENCE = "1.1"
FIRST_TEXT = "Argentina designó a su punto focal y convocó la primera reunión."
FIXED_TEXT = "Argentina designó a su punto focal; se adjunta el acta de la primera reunión."


@pytest.fixture
def people(live_people):
    return live_people


def log_in(context, base_url, username):
    page = context.new_page()
    page.goto(f"{base_url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def public_get(playwright_request, url):
    response = playwright_request.get(url)
    return response.status, response.text()


def test_official_reports_curator_returns_official_fixes_curator_publishes(
    browser, live_plan, people, playwright
):
    base = live_plan.url
    official_context = browser.new_context(locale="en-US")
    curator_context = browser.new_context(locale="en-US")
    public = playwright.request.new_context(extra_http_headers={"Accept-Language": "en"})

    # The official logs in through the form and lands on Argentina's workspace.
    official = log_in(official_context, base, "oficial-ar")
    assert official.url == f"{base}/en/my-state/"
    assert "Argentina" in official.locator("h1").inner_text()

    official.locator(f'a[href="/en/my-state/commitments/{REFERENCE}/report/"]').click()
    official.wait_for_load_state()
    official.get_by_label("Status").select_option("in_progress")
    # The status pre-fills its usual percentage; the official refines it.
    expect(official.get_by_label("Percentage")).to_have_value("50")
    official.get_by_label("Percentage").fill("67")
    official.get_by_label("Reporting date").fill("2020-10-15")
    official.get_by_label("Narrative").fill(FIRST_TEXT)
    official.get_by_role("button", name="Submit for review").click()
    # Submitted, the official lands on the state's reports awaiting review, at this one.
    assert official.url.startswith(f"{base}/en/my-state/pending/#report-")
    assert "Report submitted" in official.content()

    report = ProgressReport.objects.get()
    assert (report.member_state.iso_code, report.review_state, report.percentage) == (
        "AR",
        ReviewState.SUBMITTED,
        67,
    )
    report_link = f"/en/reports/{report.pk}/"

    # The public does not see a submitted report.
    assert public_get(public, base + report_link)[0] == 404
    for path in ("/en/", f"/en/commitments/{REFERENCE}/"):
        status, html = public_get(public, base + path)
        assert status == 200
        assert report_link not in html
        assert FIRST_TEXT not in html

    # The curator returns it with a reason.
    curator = log_in(curator_context, base, "curadora")
    assert curator.url == f"{base}/en/review/"
    curator.locator(f'a[href="/en/review/reports/{report.pk}/"]').click()
    curator.get_by_label("Reason for return").fill("Adjunte el acta de la reunión.")
    curator.get_by_role("button", name="Return to the state").click()
    # The curator stays on the report, told it went back and that nothing else waits.
    assert curator.url == f"{base}/en/review/reports/{report.pk}/"
    assert "Report returned to its state." in curator.content()
    assert "No other report is awaiting review." in curator.content()

    # The official sees the reason, fixes the report and submits it again.
    official.goto(f"{base}/en/my-state/")
    assert "Adjunte el acta de la reunión." in official.content()
    official.locator(f'a[href="/en/my-state/reports/{report.pk}/"]').first.click()
    assert "Returned by the curators" in official.content()
    official.get_by_label("Narrative").fill(FIXED_TEXT)
    official.get_by_label("Evidence links").fill("https://www.cancilleria.gob.ar/celac")
    official.get_by_role("button", name="Submit again for review").click()
    report.refresh_from_db()
    assert report.review_state == ReviewState.RESUBMITTED

    # The curator publishes it from the queue.
    curator.goto(f"{base}/en/review/")
    curator.locator(f'input[name="reports"][value="{report.pk}"]').check()
    curator.get_by_role("button", name="Publish selected…").click()
    curator.get_by_role("button", name="Yes, publish this report").click()
    assert "1 report(s) published." in curator.content()
    report.refresh_from_db()
    assert report.review_state == ReviewState.PUBLISHED

    # Now the public sees it: its page, the dashboard, the commitment page and its CSV.
    status, html = public_get(public, base + report_link)
    assert status == 200
    assert FIXED_TEXT in html
    for path in ("/en/", f"/en/commitments/{REFERENCE}/"):
        status, html = public_get(public, base + path)
        assert status == 200
        assert report_link in html, path
    status, csv = public_get(public, f"{base}/commitments/{REFERENCE}/states.csv")
    assert status == 200
    argentina = next(line for line in csv.splitlines() if line.startswith(f"{REFERENCE},AR,"))
    # Downloads link to the Spanish pages, whatever the reader's language.
    assert f"/es/reports/{report.pk}/" in argentina
    assert re.search(r",67(\.0)?,", argentina)

    public.dispose()
    official_context.close()
    curator_context.close()
