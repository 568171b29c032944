"""Measure the public pages against the same bytes served from memory, at scale.

    .venv/bin/python bench/run.py                      # the full run: ~30-40 minutes once seeded
    .venv/bin/python bench/run.py --sizes 1000 --duration 3s --databases sqlite
    .venv/bin/python bench/run.py --seed-only          # prepare the four databases

For each database and each number of reports it seeds a database of its own (SQLite files
under var/bench/, PostgreSQL databases celac_ppt_bench_<N>; kept for the next run unless
--fresh), starts gunicorn in production mode (celac_ppt/gunicorn.conf.py, DJANGO_DEBUG=0)
and measures with wrk at 16 connections, every request sending Accept-Encoding: gzip, br:

- the ceiling: bench/ceiling.py, a WSGI app doing nothing but send bytes captured from the
  portal (headers included), under the same gunicorn configuration; each page is compared
  with the ceiling sending that page's bytes;
- default: the pages as a deployment serves them out of the box (no Redis: each worker
  keeps the pages it rendered in local memory), the dashboard's revalidation (If-None-Match
  with its ETag: 304) and, for information, the dashboard to a client that accepts no
  compression;
- redis: the same pages with REDIS_URL set (pages kept once for every worker and server);
- kept: every request renders, from the plan and figures each worker keeps
  (PUBLIC_PAGE_CACHE_SECONDS=0);
- nothing: every request reads the plan and the current states and computes every figure
  (PUBLIC_PAGE_CACHE_SECONDS=0 KEEP_PUBLIC_FIGURES=0), as the first page after a change;
- nginx: the dashboard through nginx with deploy/nginx.conf, the portal sending
  PUBLIC_SHARED_MAX_AGE=1, against the same nginx sending the same bytes from a file.

It prints a table per database and size (req/s, p50, p99, errors, bytes per response, the
ratio to the ceiling and each target's verdict) and writes them to bench/results.md.
"""

import argparse
import contextlib
import dataclasses
import datetime
import http.client
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import ceiling  # noqa: E402
from bench.nginx import Nginx  # noqa: E402
from bench.servers import (  # noqa: E402
    REDIS_URL,
    ROOT,
    STATIC_ROOT,
    AppServer,
    collect_static,
    forget_cache_prefix,
    manage,
    prepare_database,
    production_env,
)

BENCH_DIR = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
CONNECTIONS = 16
WARM_UP = "2s"
WARM_UP_ROUNDS = 5
# What browsers send; wrk sends it with every request but the identity variant's.
ACCEPT = "gzip, br"

PAGES = {
    "dashboard": "/es/",
    "filtered list": "/es/commitments/?area=3&status=in_progress&sort=-progress",
    "commitment": "/es/commitments/1.1/",
    "member state": "/es/states/MX/",
}
DASHBOARD = PAGES["dashboard"]

SCENARIOS = {
    "default": "as served by default (no Redis: each worker keeps its pages)",
    "redis": "as served with Redis (REDIS_URL: pages kept once for every worker)",
    "kept": "rendered from the kept plan and figures (PUBLIC_PAGE_CACHE_SECONDS=0)",
    "nothing": "rendered with nothing kept (also KEEP_PUBLIC_FIGURES=0)",
    "nginx": "behind nginx, deploy/nginx.conf, with PUBLIC_SHARED_MAX_AGE=1",
}

TARGET_SERVED = 0.7
TARGET_REVALIDATION = 0.9
TARGET_KEPT = 0.10
TARGET_NOTHING_KEPT = 0.05
TARGET_NGINX = 0.8
TARGET_WIRE_BYTES = 20_000
TARGET_P99_MS = 20
TARGET_GROWTH = 1.2
# A run's bytes per response (wrk's total read over its requests) may differ this much from
# the response captured before it, and no more: more means it served something else.
BYTES_TOLERANCE = 0.03

COUNT = "from commitments.models import ProgressReport; print(ProgressReport.objects.count())"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="numbers of reports")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres")
    parser.add_argument("--duration", default="10s", help="wrk's duration per measurement")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="some of: " + ", ".join(SCENARIOS)
    )
    parser.add_argument("--fresh", action="store_true", help="seed every database anew")
    parser.add_argument(
        "--seed-only", action="store_true", help="prepare the databases, measure nothing"
    )
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results.md"), help="where to write the tables"
    )
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    args.databases = args.databases.split(",")
    args.scenarios = [name for name in args.scenarios.split(",") if name]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


# --- databases -------------------------------------------------------------------------------


def database_url(database, size):
    if database == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'bench-{size}.sqlite3'}"
    return PG_SERVER.rsplit("/", 1)[0] + f"/celac_ppt_bench_{size}"


def drop_database(database, size):
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (BENCH_DIR / f"bench-{size}.sqlite3{suffix}").unlink()
        return
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "celac_ppt_bench_{size}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "celac_ppt_bench_{size}"')


def report_count(env):
    try:
        return int(manage(env, "shell", "-v0", "-c", COUNT).split()[-1])
    except (RuntimeError, ValueError, IndexError):
        return None


def seeded_database(database, size, fresh):
    """The URL of a database holding the plan and ``size`` published demo reports."""
    url = database_url(database, size)
    env = production_env(url)
    count = None if fresh else report_count(env)
    # seed_demo adds a handful of workflow examples to the N reports it is asked for.
    if count is not None and size <= count < size + 100:
        print(f"  reusing {database} database with {count:,} reports")
        manage(env, "migrate", "--no-input", "-v0")  # a kept database may predate a migration
        return url
    print(f"  seeding {database} with {size:,} reports (seed_demo) ...", flush=True)
    drop_database(database, size)
    prepare_database(env)
    seeding = {**env, "DJANGO_DEBUG": "1"}  # seed_demo refuses to run without DEBUG
    try:
        output = manage(seeding, "seed_demo", "--reports", str(size))
    except RuntimeError as error:
        if "multiple authentication backends" not in str(error):
            raise
        # Notifying reviewers fails with several authentication backends (bench/seed_settings.py).
        print("    seed_demo failed notifying reviewers; seeding again with one auth backend")
        drop_database(database, size)
        prepare_database(env)
        seeding["DJANGO_SETTINGS_MODULE"] = "bench.seed_settings"
        output = manage(seeding, "seed_demo", "--reports", str(size))
    print("   ", next((line for line in output.splitlines() if "inserted" in line), ""))
    if database == "postgres":
        import psycopg

        # Fresh statistics, as autovacuum would have gathered by the time a site is this big.
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    return url


# --- requests and captures -------------------------------------------------------------------


@dataclasses.dataclass
class Response:
    status: int
    reason: str
    headers: list  # [(name, value), ...] as received
    body: bytes
    etag_sent: str | None = None  # the If-None-Match of the request that got it

    @property
    def status_line(self):
        return f"{self.status} {self.reason}"

    def header(self, name, default=None):
        return next((v for k, v in self.headers if k.lower() == name.lower()), default)

    @property
    def wire_bytes(self):
        """The response's size on the wire: status line, headers and body."""
        head = f"HTTP/1.1 {self.status_line}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in self.headers
        )
        return len(head.encode("latin-1")) + 2 + len(self.body)


def request_headers(accept=ACCEPT, etag=None):
    headers = {}
    if accept:
        headers["Accept-Encoding"] = accept
    if etag:
        headers["If-None-Match"] = etag
    return headers


def fetch(base_url, path, headers):
    host, port = base_url.split("//", 1)[1].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        # skip_accept_encoding: http.client would add "Accept-Encoding: identity" otherwise.
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        return Response(answer.status, answer.reason, answer.getheaders(), answer.read())
    finally:
        connection.close()


@dataclasses.dataclass(frozen=True)
class Variant:
    """One request the benchmark sends: a page, and what the client says it accepts/has."""

    page: str
    accept: str = ACCEPT
    revalidate: bool = False

    @property
    def label(self):
        if self.revalidate:
            return f"{self.page}, revalidation (304)"
        if not self.accept:
            return f"{self.page}, no compression"
        return self.page

    @property
    def path(self):
        return PAGES[self.page]


def capture(server, variants):
    """Each variant's response as the warmed-up portal sends it, asked twice to check every
    worker sends the same bytes. Revalidations carry the ETag of the same page's response."""
    captured = {}
    for variant in variants:
        etag = None
        if variant.revalidate:
            etag = captured[Variant(variant.page, variant.accept)].header("ETag")
        responses = [
            fetch(server.url, variant.path, request_headers(variant.accept, etag)) for _ in range(4)
        ]
        first = responses[0]
        expected = 304 if variant.revalidate else 200
        if first.status != expected:
            raise RuntimeError(f"{variant.label}: {first.status_line}, expected {expected}")
        for other in responses[1:]:
            if (other.status, other.body, other.header("ETag")) != (
                first.status,
                first.body,
                first.header("ETag"),
            ):
                raise RuntimeError(f"{variant.label}: the workers do not send the same bytes")
        first.etag_sent = etag
        captured[variant] = first
    return captured


def ceiling_responses(captured):
    """What bench/ceiling.py serves: each capture under the request that gets it."""
    return {
        ceiling.request_key(variant.path, variant.accept, response.etag_sent or ""): (
            response.status_line,
            response.headers,
            response.body,
        )
        for variant, response in captured.items()
    }


# --- measuring -------------------------------------------------------------------------------


def wrk(url, duration, headers):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency"]
    # A generous timeout: a slow page shows in its latency rather than vanishing.
    command += ["--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(command + [url], capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _bytes(value, unit):
    # wrk counts in binary units.
    return float(value) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}[unit]


def parse_wrk(output):
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)) + sum(
        int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
    )
    done = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read", output)
    requests = int(done[1])
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": _ms(*re.fullmatch(r"([\d.]+)(\w+)", latency["50"]).groups()),
        "p99": _ms(*re.fullmatch(r"([\d.]+)(\w+)", latency["99"]).groups()),
        "errors": errors,
        "requests": requests,
        "bytes_per_response": _bytes(done[2], done[3]) / requests if requests else 0,
    }


@dataclasses.dataclass
class Row:
    scenario: str  # a key of SCENARIOS, or "ceiling" / "nginx ceiling"
    variant: Variant
    result: dict
    expected_bytes: int
    ceiling: "Row | None" = None
    target: float | None = None

    @property
    def key(self):
        return (self.scenario, self.variant.label)

    @property
    def ratio(self):
        return self.result["rps"] / self.ceiling.result["rps"] if self.ceiling else None

    @property
    def met(self):
        return None if self.target is None else self.ratio >= self.target

    @property
    def bytes_ok(self):
        measured = self.result["bytes_per_response"]
        return abs(measured - self.expected_bytes) <= BYTES_TOLERANCE * self.expected_bytes


def measure(url, variant, expected, duration, etag=None):
    """wrk against ``url`` + the variant's path, after checking one response and warming up."""
    headers = request_headers(variant.accept, etag)
    answer = fetch(url, variant.path, headers)
    if answer.status != expected.status or answer.body != expected.body:
        raise RuntimeError(
            f"{url}{variant.path} ({variant.label}) sent {answer.status_line} and "
            f"{len(answer.body):,} bytes, not the {expected.status_line} and "
            f"{len(expected.body):,} bytes captured"
        )
    warm_up(url + variant.path, headers)
    return wrk(url + variant.path, duration, headers)


def warm_up(url, headers):
    """wrk until the server is in its steady state: a new worker's first pages (templates
    compiled, the plan and figures read, the page kept) can take seconds on a busy machine,
    longer than one warm-up. Rounds of WARM_UP go on while a round serves clearly more than
    the one before it, up to WARM_UP_ROUNDS."""
    before = wrk(url, WARM_UP, headers)["requests"]
    for _ in range(WARM_UP_ROUNDS - 1):
        now = wrk(url, WARM_UP, headers)["requests"]
        if now <= before * 1.15:
            return
        before = now


class Bench:
    """The measurements of one database at one size."""

    def __init__(self, database, size, args, log):
        self.database, self.size, self.args, self.log = database, size, args, log
        self.rows = []
        self.ceilings = {}
        self.notes = []
        self.failures = {}
        self.load_before = self.load_after = None

    def say(self, what):
        print(f"  {self.database} {self.size:>9,} {what}", flush=True)

    def run(self):
        self.load_before = load()
        url = seeded_database(self.database, self.size, self.args.fresh)
        collect_static(production_env(url))
        prefix = f"bench-{secrets.token_hex(4)}"
        wanted = self.args.scenarios
        served = [Variant(page) for page in PAGES]
        revalidation = Variant("dashboard", revalidate=True)
        identity = Variant("dashboard", accept="")
        gzip_only = Variant("dashboard", accept="gzip")
        default_env = production_env(url)
        with contextlib.ExitStack() as stack:
            with AppServer(default_env, log=self.log) as portal:
                for variant in served:  # every worker renders and keeps each page
                    wrk(portal.url + variant.path, WARM_UP, request_headers())
                self.captured = capture(portal, [*served, revalidation, identity, gzip_only])
                responses = BENCH_DIR / f"ceiling-{self.database}-{self.size}.pickle"
                ceiling.save(responses, ceiling_responses(self.captured))
                self.ceiling_server = stack.enter_context(
                    AppServer(
                        {**default_env, "CEILING_RESPONSES": str(responses)},
                        app="bench.ceiling",
                        log=self.log,
                    )
                )
                if "default" in wanted:
                    with self.failing("default"):
                        for variant in served:
                            target = TARGET_SERVED if variant.page == "dashboard" else None
                            self.measure("default", portal, variant, target)
                        self.measure("default", portal, revalidation, TARGET_REVALIDATION)
                        self.measure("default", portal, identity, None)
            try:
                if "redis" in wanted:
                    env = production_env(url, redis_url=REDIS_URL, cache_prefix=prefix)
                    self.scenario("redis", env, served, {"dashboard": TARGET_SERVED})
            finally:
                forget_cache_prefix(REDIS_URL, prefix)
            if "kept" in wanted:
                env = production_env(url, PUBLIC_PAGE_CACHE_SECONDS=0)
                self.scenario("kept", env, served, dict.fromkeys(PAGES, TARGET_KEPT))
            if "nothing" in wanted:
                env = production_env(url, PUBLIC_PAGE_CACHE_SECONDS=0, KEEP_PUBLIC_FIGURES=0)
                self.scenario("nothing", env, served, dict.fromkeys(PAGES, TARGET_NOTHING_KEPT))
        if "nginx" in wanted:
            with self.failing("nginx"):
                self.behind_nginx(url)
        self.load_after = load()
        return self

    @contextlib.contextmanager
    def failing(self, scenario):
        """A scenario that fails is reported as such; the others are still measured."""
        try:
            yield
        except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
            traceback.print_exc()
            self.failures[scenario] = str(error).splitlines()[0]
            self.notes.append(f"**{scenario} failed**: {self.failures[scenario]}")

    def ceiling_row(self, variant):
        """The ceiling for ``variant``, measured the first time a page needs it."""
        if variant.label not in self.ceilings:
            self.say(f"ceiling: {variant.label}")
            expected = self.captured[variant]
            result = measure(
                self.ceiling_server.url, variant, expected, self.args.duration, expected.etag_sent
            )
            row = Row("ceiling", variant, result, expected.wire_bytes)
            self.ceilings[variant.label] = row
            self.rows.append(row)
        return self.ceilings[variant.label]

    def measure(self, scenario, server, variant, target):
        ceiling_row = self.ceiling_row(variant)
        self.say(f"{scenario}: {variant.label}")
        expected = self.captured[variant]
        result = measure(server.url, variant, expected, self.args.duration, expected.etag_sent)
        row = Row(scenario, variant, result, expected.wire_bytes, ceiling_row, target)
        self.rows.append(row)
        return row

    def scenario(self, name, env, variants, targets):
        with self.failing(name), AppServer(env, log=self.log) as server:
            for variant in variants:
                self.measure(name, server, variant, targets.get(variant.page))

    def behind_nginx(self, url):
        env = production_env(url, PUBLIC_SHARED_MAX_AGE=1)
        variant = Variant("dashboard")
        with (
            AppServer(env, log=self.log) as server,
            Nginx(upstream_port=server.port, static_root=STATIC_ROOT) as nginx,
        ):
            # One client that waits for the first rendering: nginx stores a response only if
            # its client is still there when it arrives, and a first rendering on a busy
            # machine can outlast wrk's warm-up.
            from_cache(nginx, variant, timeout=60)
            wrk(nginx.url + variant.path, WARM_UP, request_headers())
            page = from_cache(nginx, variant, timeout=10)
            gzip_page = self.captured[Variant("dashboard", accept="gzip")]
            if page.header("Content-Encoding") != "gzip" or page.body != gzip_page.body:
                raise RuntimeError("nginx does not send the portal's gzip copy of the dashboard")
            self.check_nginx(nginx, page)
            nginx.serve_ceiling(variant.path, page.body, page.headers)
            page.etag_sent = None
            self.say("nginx ceiling: dashboard from a file")
            result = measure(nginx.ceiling_url, variant, page, self.args.duration)
            nginx_ceiling = Row("nginx ceiling", variant, result, page.wire_bytes)
            self.rows.append(nginx_ceiling)
            self.say("nginx: dashboard")
            nginx.clear_log()
            result = measure(nginx.url, variant, page, self.args.duration)
            self.rows.append(
                Row("nginx", variant, result, page.wire_bytes, nginx_ceiling, TARGET_NGINX)
            )
            nginx.stop()
            statuses = nginx.cache_statuses()
        total = sum(statuses.values())
        self.notes.append(
            "nginx's cache during its run: "
            + ", ".join(
                f"{status} {count:,}"
                for status, count in sorted(statuses.items(), key=lambda item: -item[1])
            )
            + (f" ({statuses.get('HIT', 0) / total:.1%} HIT)" if total else "")
        )

    def check_nginx(self, nginx, page):
        """What deploy/nginx.conf must do, checked once before measuring."""
        problems = []
        if page.header("X-Cache-Status") not in CACHED:
            problems.append(
                f"the dashboard came {page.header('X-Cache-Status')}, not from the cache"
            )
        plain = fetch(nginx.url, PAGES["dashboard"], {})
        if (
            plain.header("Content-Encoding")
            or plain.body != self.captured[Variant("dashboard", accept="")].body
        ):
            problems.append("a client without gzip did not get the page inflated (gunzip)")
        etag = page.header("ETag")
        again = fetch(nginx.url, PAGES["dashboard"], request_headers(etag=etag))
        if again.status != 304:
            problems.append(f"If-None-Match {etag} got {again.status_line}, not 304")
        health = [fetch(nginx.url, "/healthz", {}) for _ in range(2)]
        if any(h.status != 200 or h.header("X-Cache-Status") for h in health):
            problems.append("/healthz went through the cache")
        redirect = [fetch(nginx.url, "/", {"Accept-Language": "en"}) for _ in range(2)]
        if redirect[-1].header("X-Cache-Status") == "HIT":
            problems.append("a private response (the / redirect) was served from the cache")
        if problems:
            raise RuntimeError("deploy/nginx.conf: " + "; ".join(problems))
        self.notes.append(
            "nginx checked before its run: the dashboard from its cache (gzip, X-Cache-Status "
            f"{page.header('X-Cache-Status')}), inflated for a client without gzip, 304 to its "
            "ETag; /healthz and the private / redirect never from the cache"
        )


CACHED = ("HIT", "STALE", "UPDATING", "REVALIDATED")


def from_cache(nginx, variant, timeout):
    """The page as nginx sends it from its cache (asked again until it does)."""
    deadline = time.monotonic() + timeout
    while True:
        page = fetch(nginx.url, variant.path, request_headers())
        if page.header("X-Cache-Status") in CACHED or time.monotonic() > deadline:
            return page
        time.sleep(0.1)


# --- reporting -------------------------------------------------------------------------------


def fmt_ratio(row):
    return "" if row.ratio is None else f"{row.ratio:.2f}×"


def verdict(ok):
    return "met" if ok else "**MISSED**"


def table(bench):
    lines = [
        "| scenario | page | req/s | p50 ms | p99 ms | errors | bytes/response | ceiling req/s "
        "| × ceiling | target | verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in bench.rows:
        r = row.result
        size = f"{r['bytes_per_response']:,.0f}" + (
            "" if row.bytes_ok else f" (≠ {row.expected_bytes:,})"
        )
        target = "" if row.target is None else f"≥ {row.target:.2f}×"
        ok = "" if row.met is None else verdict(row.met)
        ceiling_rps = f"{row.ceiling.result['rps']:,.0f}" if row.ceiling else ""
        lines.append(
            f"| {row.scenario} | {row.variant.label} | {r['rps']:,.0f} | {r['p50']:.1f} "
            f"| {r['p99']:.1f} | {r['errors']} | {size} | {ceiling_rps} | {fmt_ratio(row)} "
            f"| {target} | {ok} |"
        )
    return lines


SERVED_SCENARIOS = ("default", "redis", "nginx")
TARGETS = [
    ("default", Variant("dashboard"), TARGET_SERVED),
    ("default", Variant("dashboard", revalidate=True), TARGET_REVALIDATION),
    ("redis", Variant("dashboard"), TARGET_SERVED),
    *(("kept", Variant(page), TARGET_KEPT) for page in PAGES),
    *(("nothing", Variant(page), TARGET_NOTHING_KEPT) for page in PAGES),
    ("nginx", Variant("dashboard"), TARGET_NGINX),
]
TARGET_WORDING = {
    "default": "as served by default",
    "redis": "as served with Redis",
    "kept": "rendered from the kept plan and figures",
    "nothing": "rendered with nothing kept",
    "nginx": "behind nginx, against nginx sending the same bytes from a file",
}


def checks(bench):
    """(what, ok, value) for each target of one database at one size."""
    found = []
    measured = {row.key: row for row in bench.rows if row.target is not None}
    for scenario, variant, target in TARGETS:
        if scenario not in bench.args.scenarios:
            continue
        what = f"{variant.label} {TARGET_WORDING[scenario]} ≥ {target:.2f}× its ceiling"
        row = measured.get((scenario, variant.label))
        if row is None:
            found.append((what, False, "not measured: " + bench.failures.get(scenario, "?")))
        else:
            found.append((what, row.met, fmt_ratio(row)))
    for accept in ("gzip", "gzip, br"):
        variant = Variant("dashboard", accept=accept)
        if variant in bench.captured:
            response = bench.captured[variant]
            encoding = response.header("Content-Encoding")
            found.append(
                (
                    f"dashboard on the wire, {encoding}, ≤ {TARGET_WIRE_BYTES:,} bytes",
                    response.wire_bytes <= TARGET_WIRE_BYTES,
                    f"{response.wire_bytes:,} bytes ({len(response.body):,} of body)",
                )
            )
    served = [row for row in bench.rows if row.scenario in SERVED_SCENARIOS]
    if served:
        worst = max(served, key=lambda row: row.result["p99"])
        found.append(
            (
                f"p99 of the pages as served (default, Redis, nginx) ≤ {TARGET_P99_MS} ms",
                worst.result["p99"] <= TARGET_P99_MS,
                f"worst {worst.result['p99']:.1f} ms ({worst.scenario}, {worst.variant.label})",
            )
        )
    errors = sum(row.result["errors"] for row in bench.rows)
    found.append(("0 errors, every row and ceiling", errors == 0, str(errors)))
    wrong = [row for row in bench.rows if not row.bytes_ok]
    found.append(
        (
            f"every run sent the captured bytes (bytes/response within {BYTES_TOLERANCE:.0%})",
            not wrong,
            "yes" if not wrong else ", ".join(f"{r.scenario} {r.variant.label}" for r in wrong),
        )
    )
    return found


def growth_checks(by_size):
    """p50 at the largest size against p50 at the smallest, for each row of the portal."""
    if len(by_size) < 2:
        return []
    small, large = by_size[min(by_size)], by_size[max(by_size)]
    before = {
        row.key: row for row in small.rows if row.scenario not in ("ceiling", "nginx ceiling")
    }
    found = []
    for row in large.rows:
        if row.key in before:
            p50_small, p50_large = before[row.key].result["p50"], row.result["p50"]
            growth = p50_large / p50_small if p50_small else float("inf")
            found.append(
                (
                    f"{row.scenario}, {row.variant.label}",
                    growth <= TARGET_GROWTH,
                    f"{p50_small:.1f} → {p50_large:.1f} ms ({growth:.2f}×)",
                )
            )
    return found


def load():
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def machine():
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found[1] if found else cpu
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.platform()}, Python "
        f"{platform.python_version()}, {nginx.replace('nginx version: ', '')}, "
        f"{' '.join(wrk_version.split()[:2])}"
    )


READING = f"""\
- **Ceiling.** `bench/ceiling.py` under the same gunicorn (`celac_ppt/gunicorn.conf.py`, same
  workers and worker class, `--max-requests 0` for both) answers every request with the
  bytes captured from the portal for that request — status, headers (Content-Encoding, ETag,
  the security headers) and body. Each page's ratio is its req/s over the ceiling's for
  *that page's* bytes, measured just before the first row that needs it. wrk sends
  `Accept-Encoding: {ACCEPT}`, so the pages and their ceilings are the brotli copies.
- **As served** (≥ {TARGET_SERVED}×): the dashboard with the default settings (no Redis: each
  of gunicorn's workers keeps the pages it rendered in local memory; the warm-up has every
  worker render each page once), and with `REDIS_URL`. The other pages are given with their
  ratios for information.
- **Revalidation** (≥ {TARGET_REVALIDATION}×): `If-None-Match` with the dashboard's ETag,
  answered 304 without rendering; its ceiling sends the same 304 (headers, no body). The
  identity row (a client accepting no compression) is for information.
- **Rendered** (≥ {TARGET_KEPT}× with the plan and figures kept, `PUBLIC_PAGE_CACHE_SECONDS=0`;
  ≥ {TARGET_NOTHING_KEPT}× with nothing kept, also `KEEP_PUBLIC_FIGURES=0`): each of the
  four pages, every request rendered and compressed, against the ceiling of its own bytes.
- **nginx** (≥ {TARGET_NGINX}×): `deploy/nginx.conf` (ports and paths substituted, TLS lines
  dropped: plain http on the loopback) inside Debian's `/etc/nginx/nginx.conf`, the portal
  run with `PUBLIC_SHARED_MAX_AGE=1` so that nginx may keep a page one second (with the
  default, 0, nginx keeps nothing and every request is the portal's). nginx asks the portal
  for gzip and sends the gzip copy; the ceiling is the same nginx sending those bytes and
  headers from a file (plus the Last-Modified nginx adds to files). nginx keeps the
  connections open; gunicorn's sync workers close them after each response.
- **Wire size** (≤ {TARGET_WIRE_BYTES:,} bytes): the dashboard's gzip and brotli responses,
  status line and headers included.
- **p99** (≤ {TARGET_P99_MS} ms): every row *as served* (default, Redis, nginx). Rendered rows
  are excluded: at {CONNECTIONS} connections a page served at R req/s waits {CONNECTIONS}/R s on
  average (Little's law), so a page rendered at the {TARGET_KEPT}× target of a ceiling of a
  few thousand req/s waits tens of milliseconds whatever its own cost.
- **Growth** (p50 at the largest size ≤ {TARGET_GROWTH}× p50 at the smallest): every row of the
  portal, per database.
- **Bytes**: each run's bytes per response (wrk's bytes read over its requests) must match the
  response captured before it within {BYTES_TOLERANCE:.0%}, so a 304 row is 304s and a brotli row
  brotli; a mismatch shows as `(≠ expected)` in the tables.
"""


def report(results, args, command):
    lines = [
        "# Benchmark results",
        "",
        f"Run on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC with `{command}`.",
        "",
        f"Machine: {machine()}. wrk and the servers share the machine.",
        "",
        f"wrk: {CONNECTIONS} connections, 2 threads, {args.duration} per row after {WARM_UP} "
        f"warm-up rounds (2 to {WARM_UP_ROUNDS}: until a round serves no more than 15 % more "
        f"than the one before), `Accept-Encoding: {ACCEPT}`. gunicorn in production mode "
        "(`celac_ppt/gunicorn.conf.py`, DJANGO_DEBUG=0).",
        "",
        f"Load average (1, 5, 15 min) before the run: {args.load_before}; after: {load()}.",
        "",
        "Pages: " + ", ".join(f"{name} `{path}`" for name, path in PAGES.items()) + ".",
        "",
        "Scenarios: "
        + "; ".join(
            f"*{name}* {what}" for name, what in SCENARIOS.items() if name in args.scenarios
        )
        + ".",
        "",
    ]
    for database, by_size in results.items():
        for size, bench in by_size.items():
            lines += [
                f"## {database}, {size:,} reports",
                "",
                f"Load average before: {bench.load_before}; after: {bench.load_after}.",
                "",
                *table(bench),
                "",
                *[f"- {note}" for note in bench.notes],
                "",
            ]
    lines += ["## Targets", "", "How each target is read:", "", READING]
    for database, by_size in results.items():
        for size, bench in by_size.items():
            lines += [f"**{database}, {size:,} reports**", ""]
            lines += [f"- {verdict(ok)}: {what} — {value}" for what, ok, value in checks(bench)]
            lines.append("")
        growth = growth_checks(by_size)
        if growth:
            small, large = min(by_size), max(by_size)
            lines += [f"**{database}, p50 at {large:,} ≤ {TARGET_GROWTH}× p50 at {small:,}**", ""]
            lines += [f"- {verdict(ok)}: {what} — {value}" for what, ok, value in growth]
            lines.append("")
    Path(args.output).write_text("\n".join(lines) + "\n")
    return lines


def main():
    args = parse_args()
    for tool in ("wrk", "nginx") if "nginx" in args.scenarios else ("wrk",):
        if not args.seed_only and not shutil.which(tool):
            sys.exit(f"{tool} is not installed: apt-get install {tool}")
    command = "python bench/run.py" + ("".join(f" {arg}" for arg in sys.argv[1:]))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    args.load_before = load()
    results = {}
    started = time.monotonic()
    with open(BENCH_DIR / "servers.log", "ab") as log:
        for database in args.databases:
            for size in args.sizes:
                print(f"{database}, {size:,} reports (load average {load()})", flush=True)
                if args.seed_only:
                    seeded_database(database, size, args.fresh)
                    continue
                results.setdefault(database, {})[size] = Bench(database, size, args, log).run()
                report(results, args, command)  # what is measured so far, should a later fail
    if args.seed_only:
        return
    lines = report(results, args, command)
    print("\n".join(lines))
    print(f"\nWritten to {args.output} in {(time.monotonic() - started) / 60:.0f} minutes")


if __name__ == "__main__":
    main()
