"""In a real Chromium: a visitor follows Argentina from its page, confirms from the e-mail,
receives in the daily digest the report Argentina submitted and the curator published
through the review screens, and stops following it from the digest's link."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from commitments.models import ReviewState
from follow.emails import send_digests
from follow.models import Subscription
from tests.reporting_helpers import make_report
from tests.test_browser_reporting import log_in

pytestmark = pytest.mark.browser

VISITOR = "lucia@example.org"
REFERENCE = "1.1"
NARRATIVE = "Argentina designó a su punto focal y convocó la primera reunión."
SCREENSHOTS = Path("test-results")
PHONE = {"width": 375, "height": 800}


def shoot(page, name):
    """The page at phone width, whole, into test-results/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{name}-375.png", full_page=True)


def inbox(mailoutbox):
    """What reached the visitor (the new official was welcomed by e-mail too)."""
    return [message for message in mailoutbox if message.to == [VISITOR]]


def link_in(body, base, word):
    """The portal's address in an e-mail's body whose path has ``/follow/<word>/``."""
    found = re.search(rf"{re.escape(base)}/en/follow/{word}/[^/\s]+/", body)
    assert found, body
    return found.group(0)


@pytest.fixture
def people(live_people):
    return live_people


def test_a_visitor_follows_argentina_gets_its_published_report_and_unsubscribes(
    browser, live_plan, people, mailoutbox, settings
):
    base = live_plan.url
    # The links in e-mails name the portal's public address: here, the live server.
    settings.SITE_URL = base
    official_user, curator_user = people
    visitor = browser.new_context(locale="en-US").new_page()

    # From Argentina's page, the visitor follows the link to receive its reports by e-mail.
    visitor.goto(f"{base}/en/states/AR/")
    visitor.get_by_role("link", name="Receive the new reports by e-mail").click()
    visitor.wait_for_load_state()
    assert visitor.url == f"{base}/en/follow/?what=state%3AAR"
    expect(visitor.locator("h1")).to_have_text("Follow the plan by e-mail")
    what = visitor.get_by_label("What to follow")
    expect(what).to_have_value("state:AR")
    expect(what.locator("option:checked")).to_have_text("Argentina")
    visitor.get_by_label("Your e-mail address").fill(VISITOR)
    visitor.get_by_label("Daily").check()
    shoot(visitor, "follow")
    visitor.get_by_role("button", name="Follow").click()
    visitor.wait_for_load_state()
    assert visitor.url == f"{base}/en/follow/sent/"
    expect(visitor.locator("h1")).to_have_text("Check your inbox")

    # The confirmation arrives, in English, naming Argentina and how often.
    (confirmation,) = inbox(mailoutbox)
    assert confirmation.subject == "Confirm that you want to follow: Member state: Argentina"
    assert "Member state: Argentina (Daily)" in confirmation.body

    # Opening the link only shows the button; pressing it confirms.
    visitor.goto(link_in(confirmation.body, base, "confirm"))
    expect(visitor.locator("h1")).to_have_text("Confirm your subscription")
    expect(visitor.locator(".lead")).to_have_text("Member state: Argentina")
    shoot(visitor, "follow-confirm")
    visitor.get_by_role("button", name="Confirm").click()
    expect(visitor.locator("h1")).to_have_text("You are following this")
    expect(visitor.locator("main")).to_contain_text(
        "You will receive a summary when progress reports are published on it."
    )
    shoot(visitor, "follow-confirmed")

    # Nothing published yet: the daily digest sends nothing.
    call_command("send_digests", "--frequency", "daily", verbosity=0)
    assert len(inbox(mailoutbox)) == 1

    # The official of Argentina reports through the workspace and submits for review.
    official = log_in(browser.new_context(locale="en-US"), base, "oficial-ar")
    official.locator(f'a[href="/en/my-state/commitments/{REFERENCE}/report/"]').click()
    official.wait_for_load_state()
    official.get_by_label("Status").select_option("in_progress")
    official.get_by_label("Percentage").fill("67")
    official.get_by_label("Reporting date").fill("2020-10-15")
    official.get_by_label("Narrative").fill(NARRATIVE)
    official.get_by_role("button", name="Submit for review").click()
    expect(official).to_have_url(
        re.compile(rf"^{re.escape(base)}/en/my-state/pending/#report-\d+$")
    )
    expect(official.locator("body")).to_contain_text("Report submitted")
    report_id = official.url.rsplit("#report-", 1)[1]

    # Submitted is not published: still no digest.
    call_command("send_digests", "--frequency", "daily", verbosity=0)
    assert len(inbox(mailoutbox)) == 1

    # The curator publishes it from the review queue.
    curator = log_in(browser.new_context(locale="en-US"), base, "curadora")
    assert curator.url == f"{base}/en/review/"
    curator.locator(f'input[name="reports"][value="{report_id}"]').check()
    curator.get_by_role("button", name="Publish selected…").click()
    curator.get_by_role("button", name="Yes, publish this report").click()
    expect(curator.locator("body")).to_contain_text("1 report(s) published.")

    # The daily digest brings the published report to the visitor.
    call_command("send_digests", "--frequency", "daily", verbosity=0)
    assert len(inbox(mailoutbox)) == 2
    digest = inbox(mailoutbox)[-1]
    assert digest.subject == "1 new published report — Member state: Argentina"
    report_url = f"{base}/en/reports/{report_id}/"
    assert report_url in digest.body
    assert "In progress, 67 % · reporting date" in digest.body

    # The report's address in the e-mail opens the report for anyone.
    reader = browser.new_context(locale="en-US").new_page()
    reader.goto(report_url)
    expect(reader.locator("main")).to_contain_text(NARRATIVE)

    # The visitor opens the digest's unsubscribe link and confirms.
    unsubscribe = link_in(digest.body, base, "unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    visitor.set_viewport_size({"width": 1280, "height": 900})
    visitor.goto(unsubscribe)
    expect(visitor.locator("h1")).to_have_text("Unsubscribe")
    expect(visitor.locator(".lead")).to_have_text("Member state: Argentina")
    visitor.get_by_role("button", name="Unsubscribe").click()
    expect(visitor.locator("h1")).to_have_text("You are no longer following this")

    # Nothing remains of the subscription: with a new report of Argentina published,
    # neither today's digest run nor tomorrow's sends anything.
    assert not Subscription.objects.exists()
    make_report(official_user, ReviewState.PUBLISHED, curator=curator_user, reference="2.1")
    call_command("send_digests", "--frequency", "daily", verbosity=0)
    assert send_digests("daily", now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert len(inbox(mailoutbox)) == 2

    for page in (visitor, official, curator, reader):
        page.context.close()
