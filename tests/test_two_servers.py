"""Two gunicorn instances on one PostgreSQL database behave as one portal, whether they share
a Redis cache or each keeps its pages in its own memory: what a page shows, and its ETag,
follow the data versions in the database, which every write replaces in its transaction.

Runs on the PostgreSQL pass of ``make test`` (``DATABASE_URL`` names PostgreSQL). There,
PostgreSQL and Redis must answer at 127.0.0.1: if they do not, the test fails, it is never
skipped. Everything it creates (a database, two servers, cache keys) is removed at the end.
"""

import os
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest

from bench.servers import (
    REDIS_URL,
    AppServer,
    forget_cache_prefix,
    get,
    manage,
    prepare_database,
    production_env,
    throwaway_postgres,
)

DATABASE_URL = os.environ.get("DATABASE_URL", "")
PASSWORD = "una-clave-de-prueba-larga"

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="runs on the PostgreSQL pass of make test",
)

ACTORS = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from accounts.models import CURATORS_GROUP, OFFICIALS_GROUP, OfficialProfile
from commitments.models import Commitment, MemberState

users = get_user_model().objects
curator = users.create_user("curadora", password="{PASSWORD}", is_staff=True)
curator.groups.add(Group.objects.get(name=CURATORS_GROUP))
for iso_code in ("MX", "AR"):
    official = users.create_user("oficial-" + iso_code.lower(), password="{PASSWORD}")
    official.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    OfficialProfile.objects.create(
        user=official, member_state=MemberState.objects.get(iso_code=iso_code)
    )
print(" ".join(Commitment.objects.reportable().order_by("reference_key")
               .values_list("reference", flat=True)))
"""

RENAME_AREA = """
from areas.models import WorkArea
area = WorkArea.objects.get(number=9)
area.name = "Salud en común"
area.save()
"""
COUNT_REPORTS = """
from commitments.models import ProgressReport
print(ProgressReport.objects.count())
"""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser of one person on one server: keeps its cookies, follows no redirects."""

    opener = urllib.request.build_opener(_NoRedirects)

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.server.url + path, data=body)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, response.read().decode()

    def post(self, path, data):
        if "csrftoken" not in self.cookies:
            self.request(path)
        return self.request(path, {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]})

    def log_in(self, username):
        status, _headers, _body = self.post(
            "/es/accounts/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 302, f"{username} could not log in on {self.server.url}"
        return self


def _reported_states(html):
    # The dashboard's "… de 33 Estados miembros han informado" figure, in Spanish.
    return re.search(r"(\d+ de \d+) Estados miembros han informado\.", html).group(1)


def _dashboard(server):
    status, body = get(server.url + "/es/")
    assert status == 200
    return body.decode()


def _etag(server, path="/es/", etag=None):
    """(status, ETag) of ``path`` on ``server`` for a browser holding ``etag``."""
    request = urllib.request.Request(server.url + path)
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with Visitor.opener.open(request, timeout=60) as response:
            return response.status, response.headers["ETag"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["ETag"]


def _new_draft(official, reference):
    data = {
        "status": "in_progress",
        "percentage": "60",
        "reported_on": "2020-09-30",
        "narrative": f"Avance en {reference}",
        "action": "save",
    }
    status, headers, body = official.post(f"/es/my-state/commitments/{reference}/report/", data)
    assert status == 302, f"saving a draft on {reference} answered {status}: {body[:2000]}"
    return int(re.search(r"/my-state/reports/(\d+)/", headers["Location"])[1])


@pytest.fixture(params=["shared Redis", "own memory"])
def two_servers(request, tmp_path):
    """Servers A and B on one new PostgreSQL database with the plan loaded, keeping their
    pages in one Redis or each in its own memory."""
    import psycopg
    import redis

    try:
        psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except (psycopg.OperationalError, redis.RedisError) as error:
        pytest.fail(f"PostgreSQL and Redis must both answer for this test: {error}")

    suffix = secrets.token_hex(4)
    prefix = f"two-servers-{suffix}"
    with throwaway_postgres(DATABASE_URL, f"celac_ppt_two_servers_{suffix}") as database_url:
        shared = request.param == "shared Redis"
        env = production_env(
            database_url, redis_url=REDIS_URL if shared else None, cache_prefix=prefix
        )
        prepare_database(env)
        references = manage(env, "shell", "-v0", "-c", ACTORS).split()
        try:
            with (
                open(tmp_path / "a.log", "wb") as log_a,
                open(tmp_path / "b.log", "wb") as log_b,
                AppServer(env, workers=2, log=log_a) as server_a,
                AppServer(env, workers=2, log=log_b) as server_b,
            ):
                yield server_a, server_b, references, env
        finally:
            forget_cache_prefix(REDIS_URL, prefix)


def test_report_published_through_a_shows_on_b_at_the_next_request(two_servers):
    server_a, server_b, references, _env = two_servers
    for _ in range(2):
        _dashboard(server_a)
        first = _dashboard(server_b)

    official = Visitor(server_a).log_in("oficial-mx")
    report = _new_draft(official, references[0])
    status, _headers, _body = official.post(f"/es/my-state/reports/{report}/submit/", {})
    assert status == 302, "submitting through server A failed"
    # A submitted report is not public yet: the page a browser holds is still current.
    _status, etag = _etag(server_b)
    assert _etag(server_b, etag=etag) == (304, etag)
    curator = Visitor(server_a).log_in("curadora")
    status, _headers, _body = curator.post(
        f"/es/review/reports/{report}/", {"action": "publish", "confirm": "yes"}
    )
    assert status == 302, "publishing through server A failed"

    assert f'href="/es/reports/{report}/"' not in first
    assert _reported_states(first) == "0 de 33"
    # Server B never heard of the change but through the data versions: a browser's copy
    # is no longer current there, and the page shows the report and the new figure.
    status, new_etag = _etag(server_b, etag=etag)
    assert status == 200 and new_etag != etag
    on_b = _dashboard(server_b)
    assert f'href="/es/reports/{report}/"' in on_b
    # A figure too: server B kept the figures it computed before, and computes them again.
    assert _reported_states(on_b) == "1 de 33"
    assert f'href="/es/reports/{report}/"' in _dashboard(server_a)
    # Both servers give the page the same tag: a copy from one is current on the other.
    assert _etag(server_a, etag=new_etag) == (304, new_etag)


def test_a_plan_edit_made_anywhere_shows_on_both_servers_at_the_next_request(two_servers):
    server_a, server_b, _references, env = two_servers
    for _ in range(2):
        assert "Salud en común" not in _dashboard(server_a)
        assert "Salud en común" not in _dashboard(server_b)
    _status, etag = _etag(server_a, "/pt/areas/9/")
    # A third process, as a curator's script would: neither server hears of it but through
    # the database.
    manage(env, "shell", "-v0", "-c", RENAME_AREA)
    assert "Salud en común" in _dashboard(server_b)
    assert "Salud en común" in _dashboard(server_a)
    for server in (server_a, server_b):
        status, new_etag = _etag(server, "/pt/areas/9/", etag=etag)
        assert status == 200 and new_etag != etag


def test_officials_writing_through_both_servers_lose_nothing(two_servers):
    server_a, server_b, references, env = two_servers
    officials = [
        Visitor(server).log_in(username)
        for server in (server_a, server_b)
        for username in ("oficial-mx", "oficial-ar")
    ]
    # México's and Argentina's officials, each through both servers at once, on commitments
    # no one else touches: every draft must be there afterwards.
    work = [(officials[n % 4], references[n // 2]) for n in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(lambda job: _new_draft(*job), work))

    assert len(set(created)) == len(work)
    assert int(manage(env, "shell", "-v0", "-c", COUNT_REPORTS)) == len(work)
