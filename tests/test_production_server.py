"""The portal as deployed, end to end: gunicorn with two workers in production mode
(``DJANGO_DEBUG=0``) on an SQLite file, with no Redis, so each worker keeps its own pages.

No anonymous page sets a cookie, ETags and 304s work, pages are compressed when asked; and
data written by another process (``seed_demo``, as a script or an import would) shows on
every following request, from either worker, with a new ETag: freshness is the data versions
in the database, nothing a process has to be told.

Runs in the SQLite pass of ``make test`` (the PostgreSQL pass runs tests/test_two_servers.py).
"""

import gzip
import http.client
import os
import re
import urllib.parse

import brotli
import pytest

from bench.servers import AppServer, manage, prepare_database, production_env
from tests.test_addresses import DOWNLOADS, LANGUAGES, PAGES

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="runs on the SQLite pass of make test",
)

REQUESTS_AFTER_THE_CHANGE = 8


def fetch(server, path, **headers):
    """(status, headers, body) of one request on a new connection, redirects not followed."""
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def reported_states(body):
    """The Spanish dashboard's "… de 33 Estados miembros han informado" figure, e.g.
    "3 de 33"."""
    return re.search(r"(\d+ de \d+) Estados miembros han informado\.", body.decode()).group(1)


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """A production gunicorn with two workers on a new SQLite file holding the plan."""
    folder = tmp_path_factory.mktemp("production")
    env = production_env(
        f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=folder / "static",
        MEDIA_ROOT=folder / "media",
    )
    assert "REDIS_URL" not in env and env["SECURE_SSL_REDIRECT"] == "0"
    prepare_database(env)
    with open(folder / "gunicorn.log", "wb") as log, AppServer(env, workers=2, log=log) as server:
        yield server, env


def test_no_anonymous_page_sets_a_cookie(production_server):
    server, _env = production_server
    paths = [f"/{code}{page}" for page in PAGES if page != "REPORT" for code in LANGUAGES]
    paths += ["/", "/commitments/?area=3", "/states/AR/", "/es/no-such-page/", *DOWNLOADS]
    for path in paths:
        status, headers, _body = fetch(server, path, **{"Accept-Language": "pt-BR"})
        assert status in (200, 302, 404), (path, status)
        assert headers.get_all("Set-Cookie") is None, (path, headers.get_all("Set-Cookie"))
        if status == 200:
            assert "public" in headers["Cache-Control"], path
            assert headers["ETag"].startswith('"'), path
    status, headers, _body = fetch(server, "/")
    assert (status, headers["Location"]) == (302, "/es/")
    status, headers, _body = fetch(server, "/", **{"Accept-Language": "pt-BR"})
    assert (status, headers["Location"]) == (302, "/pt/")


def test_etag_and_304_and_compression(production_server):
    server, _env = production_server
    status, headers, identity = fetch(server, "/es/")
    assert status == 200
    etag = headers["ETag"]
    for _ in range(4):  # whichever worker answers
        status, headers, body = fetch(server, "/es/", **{"If-None-Match": etag})
        assert (status, body, headers["ETag"]) == (304, b"", etag)
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        status, headers, body = fetch(server, "/es/", **{"Accept-Encoding": encoding})
        assert status == 200
        assert headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in headers["Vary"]
        assert len(body) < len(identity) // 5
        assert decompress(body) == identity
        status, _headers, _body = fetch(server, "/es/", **{"If-None-Match": headers["ETag"]})
        assert status == 304


def test_data_written_by_another_process_shows_on_every_following_request(production_server):
    server, env = production_server
    # Both workers serve, and keep, the dashboard as it is before the change.
    before = [fetch(server, "/es/") for _ in range(12)]
    assert {status for status, _headers, _body in before} == {200}
    assert {reported_states(body) for _status, _headers, body in before} == {"0 de 33"}
    (old_etag,) = {headers["ETag"] for _status, headers, _body in before}

    # Another process writes: seed_demo refuses production mode, so it runs in development
    # mode against the same database file.
    manage({**env, "DJANGO_DEBUG": "1"}, "seed_demo", "--reports", "300", timeout=600)

    figures, etags = [], set()
    for _ in range(REQUESTS_AFTER_THE_CHANGE):
        status, headers, body = fetch(server, "/es/", **{"If-None-Match": old_etag})
        assert status == 200, "a browser's old copy was declared current after the change"
        assert headers.get_all("Set-Cookie") is None
        figures.append(reported_states(body))
        etags.add(headers["ETag"])
    reporting, total = (int(n) for n in re.fullmatch(r"(\d+) de (\d+)", figures[0]).groups())
    assert 0 < reporting <= total == 33
    assert figures == [figures[0]] * REQUESTS_AFTER_THE_CHANGE
    assert len(etags) == 1 and old_etag not in etags

    # The new reports' pages are public pages too: no cookie, an ETag, a 304.
    _status, _headers, body = fetch(server, "/es/")
    report = re.search(rb'href="(/es/reports/\d+/)"', body).group(1).decode()
    status, headers, _body = fetch(server, report)
    assert status == 200 and headers.get_all("Set-Cookie") is None
    status, _headers, _body = fetch(server, report, **{"If-None-Match": headers["ETag"]})
    assert status == 304
