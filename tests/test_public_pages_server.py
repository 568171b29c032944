"""The server of kept public pages in front of Django (``celac_ppt.wsgi.application``): it
answers a kept page and a revalidation with exactly what Django sent for that page, under
the data versions read now, and leaves everything else to Django."""

import gzip
import io
import sys

import brotli
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from celac_ppt.http import PublicPagesServer
from tests.test_dashboard import published
from tests.test_public_pages import references

pytestmark = pytest.mark.django_db

# What gunicorn writes itself, and what differs from one response to the next.
SERVER_HEADERS = {"date", "server", "connection"}


class CountingDjango(WSGIHandler):
    """Django, counting the requests that reach it."""

    calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return super().__call__(environ, start_response)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the test runs in a transaction on one connection, which
    the end of a request must not close."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def server(settings):
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    return PublicPagesServer(CountingDjango())


def reached_django(server):
    return server.application.calls


class Sent:
    """One response as a WSGI server would send it, and the queries it cost."""

    def __init__(self, server, path, **headers):
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        environ = {
            "REQUEST_METHOD": headers.pop("method", "GET"),
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "portal.example.org",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "portal.example.org",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
        }

        def start_response(status, response_headers, exc_info=None):
            self.status = status
            self.headers = [(n, v) for n, v in response_headers if n.lower() not in SERVER_HEADERS]

        with CaptureQueriesContext(connection) as queries:
            result = server(environ, start_response)
            self.body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        self.queries = [query["sql"] for query in queries.captured_queries]

    def header(self, name):
        return dict((n.lower(), v) for n, v in self.headers).get(name.lower())


def test_a_kept_page_is_sent_with_the_headers_and_bytes_django_sent_for_one_query(server, plan):
    rendered = Sent(server, "/es/", accept_encoding="gzip, br")
    assert rendered.status.startswith("200")
    assert len(rendered.queries) > 1
    kept = Sent(server, "/es/", accept_encoding="gzip, br")
    assert reached_django(server) == 1
    assert kept.status == rendered.status
    assert sorted(kept.headers) == sorted(rendered.headers)
    assert kept.body == rendered.body
    assert kept.header("Content-Encoding") == "br"
    assert len(kept.queries) == 1 and "commitments_dataversion" in kept.queries[0]


def test_a_kept_page_comes_in_the_encoding_each_client_accepts(server, plan):
    Sent(server, "/en/areas/3/", accept_encoding="br")
    gzipped = Sent(server, "/en/areas/3/", accept_encoding="gzip")
    plain = Sent(server, "/en/areas/3/")
    assert gzipped.header("Content-Encoding") == "gzip"
    assert plain.header("Content-Encoding") is None
    assert gzipped.header("ETag") != plain.header("ETag")
    assert b"<html" in plain.body and plain.header("Content-Length") == str(len(plain.body))
    head = Sent(server, "/en/areas/3/", method="HEAD")
    assert head.status.startswith("200") and head.body == b""


def test_a_revalidation_is_answered_with_304_for_one_query(server, plan):
    etag = Sent(server, "/fr/", accept_encoding="gzip").header("ETag")
    again = Sent(server, "/fr/", accept_encoding="gzip", if_none_match=etag)
    assert reached_django(server) == 1
    assert again.status.startswith("304")
    assert again.body == b""
    assert again.header("ETag") == etag
    assert "public" in again.header("Cache-Control")
    assert again.header("Content-Type") is None
    assert again.header("Content-Security-Policy")
    assert len(again.queries) == 1


def test_a_published_report_shows_on_the_next_request(server, plan):
    before = Sent(server, "/en/", accept_encoding="")
    assert b"0 of 33" in before.body
    Sent(server, "/en/")
    published("1.1", "AR", 60)
    after = Sent(server, "/en/", accept_encoding="", if_none_match=before.header("ETag"))
    assert reached_django(server) == 2
    assert after.status.startswith("200")
    assert after.header("ETag") != before.header("ETag")
    assert b"1 of 33" in after.body


def test_every_query_string_is_a_page_of_its_own(server, plan):
    Sent(server, "/en/commitments/?area=3")
    three = Sent(server, "/en/commitments/?area=3")
    thirteen = Sent(server, "/en/commitments/?area=13")
    assert len(three.queries) == 1
    assert references(thirteen.body.decode()) == ["13.1", "13.1.1", "13.1.2", "13.1.3"]
    assert references(three.body.decode()) == ["3.1", "3.1.1", "3.1.2"]


@pytest.mark.parametrize("path", ["/admin/login/", "/en/accounts/login/", "/healthz"])
def test_pages_that_are_not_public_always_go_to_django(server, plan, path):
    Sent(server, path)
    second = Sent(server, path)
    assert reached_django(server) == 2
    assert path not in server.public_paths
    assert "public" not in (second.header("Cache-Control") or "")


def test_with_the_page_cache_off_every_request_is_rendered(server, plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    Sent(server, "/es/")
    again = Sent(server, "/es/")
    assert reached_django(server) == 2
    assert len(again.queries) > 1
    assert "/es/" not in server.public_paths


def test_a_host_django_refuses_is_refused_for_a_kept_page_too(server, plan):
    Sent(server, "/es/")
    refused = Sent(server, "/es/", host="evil.example")
    assert refused.status.startswith("400")
    assert reached_django(server) == 2


def test_where_https_is_required_a_kept_page_is_never_sent_over_http(plan, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    server = PublicPagesServer(CountingDjango())  # its middleware read the settings above
    assert Sent(server, "/es/", x_forwarded_proto="https").status.startswith("200")
    assert Sent(server, "/es/", x_forwarded_proto="https").status.startswith("200")
    assert reached_django(server) == 1
    plain = Sent(server, "/es/")
    assert plain.status.startswith("301")
    assert plain.header("Location").startswith("https://")


def test_a_coding_the_client_refuses_is_never_sent(server, plan):
    Sent(server, "/es/", accept_encoding="gzip, br")
    for refusal in ("gzip, br;q=0", "br; q=0.0, gzip", "gzip;q=1.0, br;q=0.000"):
        assert Sent(server, "/es/", accept_encoding=refusal).header("Content-Encoding") == "gzip"
    assert Sent(server, "/es/", accept_encoding="br;q=0.5").header("Content-Encoding") == "br"


def test_if_none_match_star_is_no_revalidation_of_a_get(server, plan):
    Sent(server, "/es/")
    assert Sent(server, "/es/", if_none_match="*").status.startswith("200")
    assert Sent(server, "/es/commitments/99.99/", if_none_match="*").status.startswith("404")


def test_a_page_sent_again_comes_from_the_process_memory_not_the_cache(server, plan, monkeypatch):
    rendered = Sent(server, "/es/", accept_encoding="gzip, br")
    Sent(server, "/es/", accept_encoding="gzip, br")  # read from the cache, then remembered
    from celac_ppt import http

    def cache_down(*args, **kwargs):
        raise ConnectionError("the cache is gone")

    monkeypatch.setattr(http.cache, "get_many", cache_down)
    again = Sent(server, "/es/", accept_encoding="gzip, br")
    assert reached_django(server) == 1
    assert again.body == rendered.body and sorted(again.headers) == sorted(rendered.headers)
    assert len(again.queries) == 1  # the data versions: as fresh as ever


def test_each_encoding_of_a_page_is_kept_under_its_own_key(server, plan):
    from django.core.cache import cache

    sent = Sent(server, "/es/", accept_encoding="br")
    tag = sent.header("ETag").strip('"').removesuffix("-br")
    kept = {
        encoding: cache.get(f"page:{tag}:{encoding}") for encoding in ("br", "gzip", "identity")
    }
    assert kept["br"][1] == sent.body
    assert (
        brotli.decompress(kept["br"][1]) == gzip.decompress(kept["gzip"][1]) == kept["identity"][1]
    )


def test_the_process_memory_keeps_the_most_recent_pages_within_its_budget():
    from celac_ppt.http import RecentPages

    recent = RecentPages(budget=10)
    recent.put("a", "page a", 4)
    recent.put("b", "page b", 4)
    assert recent.get("a") == "page a"  # now the most recent
    recent.put("c", "page c", 4)
    assert recent.get("b") is None
    assert (recent.get("a"), recent.get("c")) == ("page a", "page c")
    recent.put("huge", "a page larger than the budget", 11)
    assert recent.get("huge") is None and recent.size == 8
