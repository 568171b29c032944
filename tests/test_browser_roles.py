"""In a real Chromium, as the demo curator: create an official through the officials'
admin, find them listed with a set-password e-mail queued, and find every staff or
superuser account out of reach, by link or by typed address."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import OfficialProfile
from outbox.models import OutgoingEmail
from workspace.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

User = get_user_model()
SHOTS = Path(os.environ.get("ROLES_SHOTS", "/tmp/shots-roles"))


@pytest.fixture
def demo(live_plan, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    superuser = User.objects.create_superuser("raiz", "raiz@example.org", "x-Raiz-2020-x")
    staff = User.objects.create_user(
        "personal", "personal@example.org", "x-Personal-2020-x", is_staff=True
    )
    return {"superuser": superuser, "staff": staff}


def test_the_demo_curator_creates_an_official_and_reaches_no_staff_account(
    browser, live_plan, demo
):
    base = live_plan.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("curadora-demo")
    page.get_by_label("Password").fill(DEMO_ACCOUNTS["curadora-demo"][1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto(f"{base}/admin/accounts/officialaccount/add/")
    page.screenshot(path=SHOTS / "official-add.png", full_page=True)
    # Labelled as the model's fields are, capital first.
    expect(page.locator("label[for=id_member_state]")).to_have_text("Member state:")
    page.get_by_label("Username").fill("oficial-cl")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Soto")
    page.get_by_label("Email address").fill("rosa.soto@example.org")
    page.get_by_label("Member state").select_option(label="Chile")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(r"/admin/accounts/officialaccount/$"))
    expect(page.locator(".messagelist")).to_contain_text(
        "A link to choose a password will be sent to rosa.soto@example.org."
    )
    row = page.locator("#result_list tbody tr", has_text="oficial-cl")
    expect(row).to_contain_text("Rosa Soto")
    expect(row).to_contain_text("Chile")
    page.screenshot(path=SHOTS / "officials-list.png", full_page=True)

    official = User.objects.get(username="oficial-cl")
    assert not official.is_staff and not official.is_superuser
    assert OfficialProfile.objects.get(user=official).member_state.iso_code == "CL"
    queued = OutgoingEmail.objects.filter(to=["rosa.soto@example.org"])
    assert queued.count() == 1

    # Neither a superuser's nor a staff account's pages answer, whatever the address.
    for user in demo.values():
        for path in (
            f"/admin/auth/user/{user.pk}/change/",
            f"/admin/auth/user/{user.pk}/password/",
            f"/admin/accounts/officialaccount/{user.pk}/change/",
            f"/admin/accounts/officialaccount/{user.pk}/password/",
        ):
            response = page.goto(f"{base}{path}")
            assert response.status in (403, 404), (path, response.status)
            expect(page.locator("body")).not_to_contain_text(user.email)

    # The only list of users the curator has lists officials, no staff and no superuser.
    page.goto(f"{base}/admin/accounts/officialaccount/")
    listed = page.locator("#result_list tbody tr")
    expect(listed.first).to_be_visible()
    names = listed.locator("th").all_inner_texts()
    assert "oficial-cl" in names and "oficial-mx-demo" in names
    for name in ("raiz", "personal", "curadora-demo"):
        assert name not in names
    response = page.goto(f"{base}/admin/auth/user/")
    assert response.status in (403, 404)
    context.close()


def test_the_officials_pages_read_in_spanish(browser, live_plan, demo):
    base = live_plan.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="es-ES", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill("curadora-demo")
    page.locator("#id_password").fill(DEMO_ACCOUNTS["curadora-demo"][1])
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/admin/accounts/officialaccount/add/")
    page.screenshot(path=SHOTS / "official-add-es.png", full_page=True)
    expect(page.locator("label[for=id_member_state]")).to_have_text("Estado miembro:")
    expect(page.locator("#id_email_helptext")).not_to_contain_text("The link")
    page.goto(f"{base}/admin/accounts/officialaccount/")
    page.screenshot(path=SHOTS / "officials-list-es.png", full_page=True)
    expect(page.locator("#result_list")).to_contain_text("oficial-mx-demo")
    # Every column fits at 1280 px: none hides behind a horizontal scroll.
    assert page.locator(".results").evaluate("el => el.scrollWidth <= el.clientWidth")
    context.close()
