"""Requests the portal will not take get a clear page before anything is read: a NUL in an
address, a query string or a cookie is a 400 (PostgreSQL refuses it: it used to be a server error),
and a body over MAX_REQUEST_BYTES is a 413 before a byte of it is received."""

import re
import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from workspace.forms import MAX_FILES

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def nul_addresses():
    return {
        "admin search": "/admin/commitments/progressreport/?q=%00",
        "admin filter": "/admin/commitments/progressreport/?member_state__iso_code=%00",
        "admin autocomplete": "/admin/autocomplete/?app_label=commitments"
        "&model_name=commitment&field_name=parent&term=a%00b",
        "admin change": "/admin/commitments/memberstate/%00/change/",
        "public search": "/en/commitments/?q=%00",
        "public filter key": "/en/commitments/?%00=1",
        "public page": "/en/states/M%00X/",
        "download": "/commitments/data.csv?q=x%00",
    }


@pytest.mark.parametrize("name", list(nul_addresses()))
def test_a_nul_in_the_address_or_query_is_a_bad_request(production, client, curator, name):
    production.force_login(curator)
    response = production.get(nul_addresses()[name], headers=EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Bad request</h1>" in page
    assert "Content-Security-Policy" in response.headers
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("url", "parts"),
    [
        ("/api/v1/milestones/?commitment=%00%1F&status=held", ["commitment"]),
        ("/api/v1/commitments/?q=a%00b&area=1", ["q"]),
        ("/api/v1/commitments/1.%001/", ["address"]),
    ],
)
def test_a_nul_sent_to_the_api_is_a_bad_request_in_the_api_s_own_shape(production, url, parts):
    response = production.get(url, headers=EN)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    message = "This value holds a character that is not accepted (NUL)."
    assert response.json() == {"errors": {part: [message] for part in parts}}


def test_the_api_s_bad_request_speaks_the_visitors_language(production):
    response = production.get(
        "/api/v1/milestones/?commitment=%00", headers={"accept-language": "fr"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["commitment"] == [
        "Cette valeur contient un caractère qui n’est pas accepté (NUL)."
    ]


@pytest.mark.parametrize("url", ["/en/my-state/", "/admin/", "/en/"])
def test_a_forged_session_cookie_with_a_nul_is_a_bad_request(production, url):
    # Django's cookie parser reads the escape \\000 in a quoted value as a NUL.
    cookie = 'sessionid="' + "\\000" * 12 + '"'
    response = production.get(url, headers=EN, HTTP_COOKIE=cookie)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_the_bad_request_page_speaks_the_visitors_language(production):
    response = production.get("/es/commitments/?q=%00")
    assert response.status_code == 400
    assert "<h1>Solicitud incorrecta</h1>" in response.content.decode()


def test_searches_without_a_nul_still_work(client_of, curator):
    client = client_of(curator)
    assert client.get("/admin/commitments/progressreport/?q=agua").status_code == 200
    assert client.get("/en/commitments/?q=agua").status_code == 200


def test_the_request_limit_lets_the_largest_valid_report_through():
    largest_report = MAX_FILES * settings.EVIDENCE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    limit = settings.MAX_REQUEST_BYTES
    assert largest_report < limit < largest_report + 2 * 1024 * 1024
    assert limit > settings.IMPORT_MAX_BYTES


def test_the_shipped_nginx_refuses_the_same_bodies_as_the_portal():
    """deploy/nginx.conf answers 413 to a body over the portal's limit itself, before it
    reaches gunicorn, and lets through every body the portal takes."""
    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)([kmg]?);", conf, re.MULTILINE)
    assert sizes, "deploy/nginx.conf sets no client_max_body_size"
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    assert {int(number) * units[unit] for number, unit in sizes} == {settings.MAX_REQUEST_BYTES}


def reverse_in(language, name):
    with translation.override(language):
        return reverse(name)


def test_a_body_over_the_limit_is_refused_unread(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    # The body announced is far larger than the one sent: reading it would fail the test
    # client ("Cannot read more than the available bytes"), so a 413 proves nobody read it.
    response = client.generic(
        "POST",
        reverse_in("en", "accounts:login"),
        b"username=x&password=y",
        content_type="application/x-www-form-urlencoded",
        headers=EN,
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Request too large</h1>" in page
    assert "1000\xa0bytes" in page


def test_a_body_under_the_limit_goes_through(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 200


def test_a_nonsense_content_length_is_a_bad_request(client):
    response = client.generic(
        "POST", reverse("accounts:login"), b"x", CONTENT_LENGTH="-5", headers=EN
    )
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_the_server_answers_413_before_the_upload_is_sent(live_server, settings):
    """On a real socket: the answer comes after the headers alone, while 200 MB were
    announced and only a kilobyte was sent."""
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(
            b"POST /en/accounts/login/ HTTP/1.1\r\n"
            + f"Host: {host}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {200 * 1024 * 1024}\r\n\r\n".encode()
            + b"-" * 1024
        )
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")
