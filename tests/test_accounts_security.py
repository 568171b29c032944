"""Log-in under attack: repeated failures on an account from one address lock that account
from that address, many failures from one address lock the address, neither locks anyone
out from elsewhere (behind a proxy too), the lock and its end are said plainly, and every
log-in, failure, lockout and log-out is logged. Sessions are renewed at log-in and end at
log-out and when an account is deactivated."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from conftest import PASSWORD, make_official
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.security import client_address
from outbox.models import OutgoingEmail

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


def attempt(username, password, address="203.0.113.7", forwarded_for=None):
    """One log-in from its own browser at `address` (behind a proxy: the proxy's address,
    and the X-Forwarded-For header the proxy sends)."""
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    client = Client(REMOTE_ADDR=address, headers=headers)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def fail(times, username="oficial-mx", address="203.0.113.7", forwarded_for=None):
    for _ in range(times):
        _, response = attempt(username, "not-the-password", address, forwarded_for)
        assert response.status_code in (200, 429)
    return response


def fail_on_many_accounts(times, address="203.0.113.50", forwarded_for=None):
    """``times`` failures from one address, each on another user name."""
    for n in range(times):
        _, response = attempt(f"guess-{n}", "wrong-password", address, forwarded_for)
        assert response.status_code in (200, 429)


def test_five_wrong_passwords_lock_the_account_from_that_address(settings, official_mx):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        _, response = attempt("oficial-mx", "wrong-password", "198.51.100.7")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    _, response = attempt("oficial-mx", "wrong-password", "198.51.100.7")
    assert response.status_code == 429

    # Now even the right password, from that address, is refused, and says why.
    _, response = attempt("oficial-mx", PASSWORD, "198.51.100.7")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Log-in temporarily blocked" in page
    assert "You can try again in 15 minutes, after" in page
    assert '<time datetime="' in page

    # The official, from their own office, is not locked out by someone else's guessing.
    _, response = attempt("oficial-mx", PASSWORD, "192.0.2.10")
    assert response.status_code == 302


def test_failures_on_other_accounts_do_not_lock_an_address(official_mx):
    # Colleagues behind one office address mistype their passwords.
    fail_on_many_accounts(5)
    for n in range(3):
        fail(4, username=f"colega-{n}", address="203.0.113.50")
    _, response = attempt("oficial-mx", PASSWORD, "203.0.113.50")
    assert response.status_code == 302


def test_an_address_is_locked_after_fifty_failures_on_many_accounts(settings, official_mx):
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 50
    fail_on_many_accounts(49)
    _, response = attempt("oficial-mx", PASSWORD, "203.0.113.50")
    assert response.status_code == 302  # 49 are not yet too many
    fail_on_many_accounts(1)
    _, response = attempt("oficial-mx", PASSWORD, "203.0.113.50")
    assert response.status_code == 429
    assert "Log-in temporarily blocked" in response.content.decode()
    # Every other address is unaffected.
    _, response = attempt("oficial-mx", PASSWORD, "192.0.2.10")
    assert response.status_code == 302


PROXY = "127.0.0.1"  # nginx, on the same machine as the portal


def through_proxy(client_address, written_by_client=None):
    """The X-Forwarded-For nginx sends: what the client wrote, then the client's address."""
    return ", ".join(filter(None, [written_by_client, client_address]))


def test_behind_a_proxy_one_clients_failures_do_not_lock_another(settings, official_mx):
    settings.REVERSE_PROXY_COUNT = 1
    attacker, official = "198.51.100.66", "192.0.2.10"
    fail(5, address=PROXY, forwarded_for=through_proxy(attacker))
    fail_on_many_accounts(50, address=PROXY, forwarded_for=through_proxy(attacker))
    _, response = attempt("oficial-mx", PASSWORD, PROXY, through_proxy(attacker))
    assert response.status_code == 429
    # Every request comes from the proxy's address; the official's is another client's.
    _, response = attempt("oficial-mx", PASSWORD, PROXY, through_proxy(official))
    assert response.status_code == 302


def test_behind_a_proxy_a_client_cannot_choose_its_address(settings, official_mx):
    settings.REVERSE_PROXY_COUNT = 1
    attacker = "198.51.100.66"
    for n in range(5):
        # A new address of its own choosing in the header at every try...
        fail(1, address=PROXY, forwarded_for=through_proxy(attacker, f"10.0.0.{n}"))
    # ...and the failures still count under the address nginx saw.
    _, response = attempt("oficial-mx", PASSWORD, PROXY, through_proxy(attacker, "192.0.2.10"))
    assert response.status_code == 429
    assert not AccessAttempt.objects.exclude(ip_address=attacker).exists()


def test_without_a_proxy_the_forwarded_header_is_ignored(settings, official_mx):
    assert settings.REVERSE_PROXY_COUNT == 0
    for n in range(5):
        fail(1, address="198.51.100.66", forwarded_for=f"10.0.0.{n}")
    _, response = attempt("oficial-mx", PASSWORD, "198.51.100.66", "192.0.2.10")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded_for", "address"),
    [
        (0, "192.0.2.1", "127.0.0.1"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "10.9.9.9, 192.0.2.1", "192.0.2.1"),
        (2, "10.9.9.9, 192.0.2.1, 10.0.0.2", "192.0.2.1"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (2, "192.0.2.1", "127.0.0.1"),  # fewer proxies than configured: the socket's
        (1, "not-an-address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
    ],
)
def test_the_client_address_behind_proxies(settings, rf, count, forwarded_for, address):
    settings.REVERSE_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", headers={"x-forwarded-for": forwarded_for})
    assert client_address(request) == address


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
    response = Client(REMOTE_ADDR="203.0.113.9").post(
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


RESET = en("accounts:password_reset")


def ask_for_reset(email, address="203.0.113.7"):
    """One password-reset request from `address`; the page the visitor ends on."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(RESET, {"email": email}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def reset_emails():
    return OutgoingEmail.objects.filter(key__startswith="password-reset:").count()


def test_at_most_three_reset_emails_an_hour_go_to_one_address(settings, official_mx):
    assert settings.PASSWORD_RESET_EMAIL_LIMIT == 3
    pages = [ask_for_reset("oficial-mx@example.org", f"198.51.100.{n}") for n in range(3)]
    assert reset_emails() == 3
    # The fourth, from yet another address and spelled otherwise, is not sent...
    page = ask_for_reset(" OFICIAL-MX@example.org", "192.0.2.99")
    assert reset_emails() == 3
    # ...and the visitor is told exactly what they are always told.
    assert "If an account has that address, a link to choose a new password is on its way." in page
    assert page == pages[-1]
    # Another account's owner is not affected.
    make_official("AR", "oficial-ar")
    ask_for_reset("oficial-ar@example.org", "192.0.2.99")
    assert reset_emails() == 4


def test_at_most_twenty_reset_requests_an_hour_come_from_one_client(settings, official_mx):
    assert settings.PASSWORD_RESET_ADDRESS_LIMIT == 20
    for n in range(20):
        ask_for_reset(f"nadie-{n}@example.org", "203.0.113.80")
    page = ask_for_reset("oficial-mx@example.org", "203.0.113.80")
    assert reset_emails() == 0
    assert "If an account has that address" in page
    # Another client still gets its e-mail.
    ask_for_reset("oficial-mx@example.org", "192.0.2.10")
    assert reset_emails() == 1


def test_behind_a_proxy_the_reset_limit_counts_each_client(settings, official_mx):
    settings.REVERSE_PROXY_COUNT = 1
    for n in range(21):
        Client(REMOTE_ADDR="127.0.0.1", headers={"x-forwarded-for": "198.51.100.66"}).post(
            RESET, {"email": f"nadie-{n}@example.org"}
        )
    Client(REMOTE_ADDR="127.0.0.1", headers={"x-forwarded-for": "192.0.2.10"}).post(
        RESET, {"email": "oficial-mx@example.org"}
    )
    assert reset_emails() == 1
