"""What a browser is told by every page in production: HTTPS only, no framing, no sniffing,
a strict Content-Security-Policy, and cookies that stay on this site over HTTPS."""

import pytest
from conftest import PASSWORD
from django.urls import reverse
from django.utils import translation
from production import apply_production_settings, pages_to_grade

pytestmark = pytest.mark.django_db

HOST = "celac.example.org"


@pytest.fixture
def production(settings):
    apply_production_settings(settings)
    settings.ALLOWED_HOSTS = [HOST]


def public_urls():
    return [*pages_to_grade(), "/no-such-page/"]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_public_page_sends_the_security_headers(client, plan, production):
    for url in public_urls():
        response = client.get(url, secure=True, headers={"host": HOST})
        assert response.status_code in (200, 404), url
        hsts = dict(
            item.strip().partition("=")[::2]
            for item in response["Strict-Transport-Security"].split(";")
        )
        assert int(hsts["max-age"]) >= 365 * 24 * 3600, url
        assert "includeSubDomains" in hsts and "preload" in hsts
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert csp_directives(response)["frame-ancestors"] == ["'none'"], url


def test_csp_allows_nothing_inline_and_nothing_from_another_site(client, plan, production):
    response = client.get("/es/", secure=True, headers={"host": HOST})
    assert response.status_code == 200
    policy = csp_directives(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    for directive, sources in policy.items():
        for source in sources:
            # Only this origin, 'none' and inline images (data: cannot run script).
            assert source in ("'self'", "'none'") or (directive == "img-src" and source == "data:")
    assert "unsafe" not in response["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https_on_the_same_host(client, plan, production):
    response = client.get("/pt/commitments/?page=2", headers={"host": HOST})
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/pt/commitments/?page=2"
    # An address without its language goes to HTTPS first, then to the reader's language.
    response = client.get("/commitments/?page=2", headers={"host": HOST})
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/commitments/?page=2"


def test_health_check_answers_over_plain_http_for_the_load_balancer(client, production):
    response = client.get("/healthz", headers={"host": HOST})
    assert response.status_code == 200


def test_cookies_are_secure_httponly_and_same_site(client, curator, production):
    with translation.override("en"):
        login = reverse("accounts:login")
    page = client.get(login, secure=True, headers={"host": HOST})
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"

    response = client.post(
        login,
        {"username": curator.username, "password": PASSWORD},
        secure=True,
        headers={"host": HOST},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"

    # The language is in the address: changing it sets no cookie at all.
    response = client.get("/fr/", secure=True, headers={"host": HOST})
    assert response.status_code == 200
    assert not response.cookies
