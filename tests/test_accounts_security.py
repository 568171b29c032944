"""Log-in under attack: repeated failures lock an account and an address for a while, the
lock and its end are said plainly, and every log-in, failure, lockout and log-out is logged.
Sessions are renewed at log-in and end at log-out and when an account is deactivated."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from conftest import PASSWORD
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def en(name):
    """The English address of the page ``name``."""
    with translation.override("en"):
        return reverse(name)


LOGIN = en("accounts:login")
# For the admin, whose addresses carry no language: the browser's language decides.
EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Dozens of log-ins per test: a cheap hasher keeps them quick (the rules are the same)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attempt(username, password, address="203.0.113.7"):
    """One log-in from its own browser at `address`."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def fail(times, username="oficial-mx", address="203.0.113.7"):
    for _ in range(times):
        _, response = attempt(username, "not-the-password", address)
        assert response.status_code in (200, 429)
    return response


def test_five_wrong_passwords_lock_the_account_from_any_address(settings, official_mx):
    assert settings.AXES_FAILURE_LIMIT == 5
    for n in range(4):
        # The attacker moves between addresses; the account still counts every failure.
        _, response = attempt("oficial-mx", "wrong-password", f"198.51.100.{n}")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    _, response = attempt("oficial-mx", "wrong-password", "198.51.100.99")
    assert response.status_code == 429

    # Now even the right password, from yet another address, is refused, and says why.
    _, response = attempt("oficial-mx", PASSWORD, "192.0.2.200")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Log-in temporarily blocked" in page
    assert "You can try again in 15 minutes, after" in page
    assert '<time datetime="' in page


def test_an_address_is_locked_after_failures_on_many_accounts(official_mx):
    for n in range(5):
        attempt(f"guess-{n}", "wrong-password", "203.0.113.50")
    _, response = attempt("oficial-mx", PASSWORD, "203.0.113.50")
    assert response.status_code == 429
    # The official, from their own office, is not locked out by someone else's guessing.
    _, response = attempt("oficial-mx", PASSWORD, "192.0.2.10")
    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(settings, official_mx):
    fail(5)
    _, response = attempt("oficial-mx", PASSWORD)
    assert response.status_code == 429
    # The cool-off passes (the attempts' clock is moved back rather than waiting).
    past = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    for record in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=record.pk).update(attempt_time=record.attempt_time - past)
    client, response = attempt("oficial-mx", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_successful_login_clears_earlier_failures(official_mx):
    fail(4)
    _, response = attempt("oficial-mx", PASSWORD)
    assert response.status_code == 302
    fail(4)  # four more are allowed again
    _, response = attempt("oficial-mx", PASSWORD)
    assert response.status_code == 302


def test_the_admin_login_is_protected_too(curator):
    for _ in range(5):
        Client(REMOTE_ADDR="203.0.113.9").post(
            reverse("admin:login"), {"username": "curadora", "password": "nope-nope-nope"}
        )
    response = Client(REMOTE_ADDR="192.0.2.1").post(
        reverse("admin:login"), {"username": "curadora", "password": PASSWORD}, headers=EN
    )
    assert response.status_code == 429
    assert "Log-in temporarily blocked" in response.content.decode()


def test_every_login_failure_lockout_and_logout_is_logged(caplog, official_mx):
    caplog.set_level(logging.INFO, logger="celac_ppt.security")
    client, _ = attempt("oficial-mx", PASSWORD, "192.0.2.33")
    client.post(en("accounts:logout"))
    fail(5, address="192.0.2.44")
    lines = [r.getMessage() for r in caplog.records if r.name == "celac_ppt.security"]
    assert "login user=oficial-mx ip=192.0.2.33" in lines
    assert "logout user=oficial-mx ip=192.0.2.33" in lines
    assert lines.count("login-failed user=oficial-mx ip=192.0.2.44") == 5
    assert "lockout user=oficial-mx ip=192.0.2.44" in lines
    assert not any(PASSWORD in line or "not-the-password" in line for line in lines)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-short", "This password is too short. It must contain at least 12 characters."),
        ("qwerty123456", "This password is too common."),
        ("503829174650", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_rejected(client_of, official_mx, password, message):
    client = client_of(official_mx)
    response = client.post(
        en("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    official_mx.refresh_from_db()
    assert official_mx.check_password(PASSWORD)


def test_a_strong_password_is_accepted(client_of, official_mx):
    client = client_of(official_mx)
    new = "río-Bravo-tiene-7-puentes"
    response = client.post(
        en("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    official_mx.refresh_from_db()
    assert official_mx.check_password(new)


def test_login_starts_a_new_session(client, official_mx):
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies["sessionid"] = before = session.session_key
    client.post(LOGIN, {"username": "oficial-mx", "password": PASSWORD})
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_ends_the_session(client, official_mx):
    client.post(LOGIN, {"username": "oficial-mx", "password": PASSWORD})
    key = client.cookies["sessionid"].value
    client.post(en("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets no further than the log-in page.
    replay = Client()
    replay.cookies["sessionid"] = key
    response = replay.get(en("accounts:home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_deactivating_an_account_ends_its_sessions(client, official_mx):
    client.post(LOGIN, {"username": "oficial-mx", "password": PASSWORD})
    response = client.get(en("accounts:home"))
    assert response.status_code == 302 and not response["Location"].startswith(LOGIN)

    official_mx.is_active = False
    official_mx.save()

    response = client.get(en("accounts:home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    # And it cannot log back in.
    _, response = attempt("oficial-mx", PASSWORD, "192.0.2.77")
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session
