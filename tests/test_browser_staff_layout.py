"""In a real Chromium at 375 and 1280 pixels: the officials' workspace and the review queue
fit a phone (every column reachable, nothing wider than the window), and the admin's
progress-report list fits a 1280-pixel window."""

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect
from reporting_helpers import make_report

from commitments.models import ReviewState

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def people(live_people):
    official, curator = live_people
    make_report(official, ReviewState.SUBMITTED, reference="1.1")
    make_report(official, ReviewState.PUBLISHED, reference="2.1", curator=curator)
    return official, curator


def logged_in(browser, base_url, username, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{base_url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    return context, page


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_workspace_and_queue_fit_a_phone(browser, live_plan, people):
    base = live_plan.url
    context, official = logged_in(browser, base, "oficial-ar", PHONE)
    official.goto(f"{base}/en/my-state/")
    assert page_width(official) <= PHONE["width"]
    action = official.get_by_role("link", name="Report progress").first
    action.scroll_into_view_if_needed()
    expect(action).to_be_visible()
    box = action.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    official.goto(f"{base}/en/my-state/commitments/4.1/report/")
    assert page_width(official) <= PHONE["width"]
    context.close()

    context, curator = logged_in(browser, base, "curadora", PHONE)
    curator.goto(f"{base}/en/review/")
    assert page_width(curator) <= PHONE["width"]
    for label in ("In progress", "40 %", "Submitted"):
        cell = curator.locator("table.stack-table td", has_text=label).first
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
    with curator.expect_navigation():
        curator.locator("table.stack-table a").first.click()
    assert page_width(curator) <= PHONE["width"]
    context.close()


def test_admin_report_list_fits_1280_pixels(browser, live_plan, people):
    base = live_plan.url
    context, curator = logged_in(browser, base, "curadora", DESKTOP)
    curator.goto(f"{base}/admin/commitments/progressreport/")
    expect(curator.locator("#result_list")).to_be_visible()
    assert page_width(curator) <= DESKTOP["width"]
    results = curator.locator("#changelist .results")
    assert results.evaluate("element => element.scrollWidth <= element.clientWidth")
    context.close()
