"""Measure the public pages against a static file of the same size, at scale.

    .venv/bin/python bench/run.py                      # the full run: ~10 minutes once seeded
    .venv/bin/python bench/run.py --sizes 1000 --duration 3s --databases sqlite

For each database and each number of reports it seeds a database of its own (SQLite files
under var/bench/, PostgreSQL databases celac_ppt_bench_<N>; kept for the next run unless
--fresh), starts gunicorn in production mode and measures with wrk at 16 connections:

- a static file as large as the dashboard, served by whitenoise: the ceiling;
- the dashboard, the filtered commitment list, a commitment and a member state, each
  cold (page cache off: every request renders, from the plan and figures each worker
  keeps) and warm (page cache on, in Redis);
- the dashboard cold with nothing kept (KEEP_PUBLIC_FIGURES=0): every request reads the plan
  and the current states and computes every figure, as the first page after a change.

It prints requests per second, p50, p99, errors and each page's ratio to the static file,
and writes them with the targets' verdicts to bench/results.md.
"""

import argparse
import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import (  # noqa: E402
    REDIS_URL,
    ROOT,
    STATIC_ROOT,
    AppServer,
    forget_cache_prefix,
    get,
    manage,
    prepare_database,
    production_env,
)

BENCH_DIR = ROOT / "var" / "bench"
STATIC_NAME = "bench/dashboard-size.html"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
CONNECTIONS = 16

PAGES = [
    ("dashboard", "/"),
    ("filtered list", "/commitments/?area=3&status=in_progress&sort=-progress"),
    ("commitment", "/commitments/1.1/"),
    ("member state", "/states/MX/"),
]

COLD_NOTHING_KEPT = "dashboard, cold, nothing kept"

TARGET_WARM_RATIO = 0.5
TARGET_COLD_RATIO = 0.05
TARGET_P99_MS = 50
TARGET_GROWTH = 1.5

COUNT = "from commitments.models import ProgressReport; print(ProgressReport.objects.count())"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="numbers of reports")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres")
    parser.add_argument("--duration", default="10s", help="wrk's duration per measurement")
    parser.add_argument("--fresh", action="store_true", help="seed every database anew")
    parser.add_argument(
        "--seed-only", action="store_true", help="prepare the databases, measure nothing"
    )
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results.md"), help="where to write the table"
    )
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    args.databases = args.databases.split(",")
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
        print(f"  reusing {database} database with {count} reports")
        manage(env, "migrate", "--no-input", "-v0")  # a kept database may predate a migration
        return url
    print(f"  seeding {database} with {size} reports (seed_demo) ...", flush=True)
    drop_database(database, size)
    prepare_database(env)
    seeding = {**env, "DJANGO_DEBUG": "1"}  # seed_demo refuses to run without DEBUG
    output = manage(seeding, "seed_demo", "--reports", str(size))
    print("   ", next((line for line in output.splitlines() if "inserted" in line), ""))
    if database == "postgres":
        import psycopg

        # Fresh statistics, as autovacuum would have gathered by the time a site is this big.
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    return url


# --- measuring -------------------------------------------------------------------------------


def wrk(url, duration):
    result = subprocess.run(
        # A generous timeout: a slow page shows in its latency rather than vanishing.
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output):
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)) + sum(
        int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": _ms(*re.fullmatch(r"([\d.]+)(\w+)", latency["50"]).groups()),
        "p99": _ms(*re.fullmatch(r"([\d.]+)(\w+)", latency["99"]).groups()),
        "errors": errors,
    }


def measure(server, path, duration):
    status, _body = get(server.url + path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status} on {server.url}")
    wrk(server.url + path, "2s")  # warm-up: worker imports, connections, the page cache
    return wrk(server.url + path, duration)


def write_static_copy(content):
    """A file of the dashboard's size (the dashboard itself) for whitenoise to serve."""
    target = STATIC_ROOT / STATIC_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def bench_one(database, size, args, log):
    url = seeded_database(database, size, args.fresh)
    manage(production_env(url), "collectstatic", "--no-input", "-v0")
    prefix = f"bench-{secrets.token_hex(4)}"
    rows = []
    try:
        cold_env = production_env(
            url, redis_url=REDIS_URL, cache_prefix=prefix, PUBLIC_PAGE_CACHE_SECONDS=0
        )
        with AppServer(cold_env, log=log) as server:
            status, dashboard = get(server.url + "/")
            assert status == 200, f"the dashboard answered {status}"
            write_static_copy(dashboard)
            for name, path in PAGES:
                print(f"  {database} {size:>9,} cold {name}", flush=True)
                rows.append((f"{name}, cold", path, measure(server, path, args.duration)))
        # The first page after a change: the plan and its figures read and computed again.
        with AppServer({**cold_env, "KEEP_PUBLIC_FIGURES": "0"}, log=log) as server:
            print(f"  {database} {size:>9,} cold dashboard, nothing kept", flush=True)
            rows.append((COLD_NOTHING_KEPT, "/", measure(server, "/", args.duration)))
        warm_env = production_env(
            url, redis_url=REDIS_URL, cache_prefix=prefix, PUBLIC_PAGE_CACHE_SECONDS=300
        )
        with AppServer(warm_env, log=log) as server:
            print(f"  {database} {size:>9,} static file", flush=True)
            static = measure(server, "/static/" + STATIC_NAME, args.duration)
            for name, path in PAGES:
                print(f"  {database} {size:>9,} warm {name}", flush=True)
                rows.append((f"{name}, warm", path, measure(server, path, args.duration)))
    finally:
        forget_cache_prefix(REDIS_URL, prefix)
    rows.insert(0, (f"static file ({len(dashboard):,} bytes)", "/static/" + STATIC_NAME, static))
    for _name, _path, result in rows:
        result["ratio"] = result["rps"] / static["rps"]
    return rows


# --- reporting -------------------------------------------------------------------------------


def table(rows):
    lines = [
        "| page | req/s | p50 ms | p99 ms | errors | × static |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _path, r in rows:
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} "
            f"| {r['ratio']:.2f} |"
        )
    return lines


def verdicts(results, sizes):
    """Each target, met or not, for each database and size."""
    lines = []
    for database, by_size in results.items():
        for size, rows in by_size.items():
            found = {name.split(" (")[0]: r for name, _path, r in rows}
            warm, cold = found["dashboard, warm"], found["dashboard, cold"]
            first = found[COLD_NOTHING_KEPT]
            warm_rows = [row for row in rows if "cold" not in row[0]]
            worst_warm_p99 = max(warm_rows, key=lambda row: row[2]["p99"])
            errors = sum(r["errors"] for _n, _p, r in rows)
            checks = [
                (
                    f"warm dashboard ≥ {TARGET_WARM_RATIO}× static",
                    warm["ratio"] >= TARGET_WARM_RATIO,
                    f"{warm['ratio']:.2f}×",
                ),
                (
                    f"uncached dashboard ≥ {TARGET_COLD_RATIO}× static",
                    cold["ratio"] >= TARGET_COLD_RATIO,
                    f"{cold['ratio']:.2f}×",
                ),
                (
                    f"p99 ≤ {TARGET_P99_MS} ms, pages as served (warm) and the static file",
                    worst_warm_p99[2]["p99"] <= TARGET_P99_MS,
                    f"worst {worst_warm_p99[2]['p99']:.1f} ms ({worst_warm_p99[0]})",
                ),
                ("0 errors", errors == 0, str(errors)),
            ]
            lines.append(f"**{database}, {size:,} reports**")
            lines.append("")
            lines += [
                f"- {'met' if ok else 'MISSED'}: {what} — {value}" for what, ok, value in checks
            ]
            cold_rows = [row for row in rows if "cold" in row[0]]
            worst_cold = max(cold_rows, key=lambda row: row[2]["p99"])
            lines += [
                f"- for information: the dashboard with nothing kept (the first page after a "
                f"change) — {first['ratio']:.2f}× static",
                f"- for information: uncached pages' p99 — worst {worst_cold[2]['p99']:.1f} ms "
                f"({worst_cold[0]})",
                "",
            ]
        if len(by_size) > 1:
            small, large = min(by_size), max(by_size)
            lines.append(f"**{database}, p50 at {large:,} ≤ {TARGET_GROWTH}× p50 at {small:,}**")
            lines.append("")
            for (name, _p, r_small), (_n, _q, r_large) in zip(
                by_size[small], by_size[large], strict=True
            ):
                growth = r_large["p50"] / r_small["p50"] if r_small["p50"] else 0
                ok = growth <= TARGET_GROWTH
                lines.append(
                    f"- {'met' if ok else 'MISSED'}: {name.split(' (')[0]} — "
                    f"{r_small['p50']:.1f} → {r_large['p50']:.1f} ms ({growth:.2f}×)"
                )
            lines.append("")
    return lines


def load():
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def machine():
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found[1] if found else cpu
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


# How the targets are read, printed above the verdicts.
READING = [
    f"The uncached target is read with the page cache off (the *cold* rows); the p99 target "
    f"with the pages as they are served (warm) and the static file. At {CONNECTIONS} "
    "connections a page served at R requests a second waits "
    f"{CONNECTIONS}/R seconds on average (Little's law): an uncached page at "
    f"{TARGET_COLD_RATIO}× a static file of ~4,000 requests a second waits ~80 ms, so no "
    f"uncached page meeting that target alone could have a p99 under {TARGET_P99_MS} ms. "
    "The uncached pages' p99 and the dashboard with nothing kept are given for information.",
]


def report(results, args, command):
    lines = [
        "# Benchmark results",
        "",
        f"Run on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {machine()}, with",
        f"`{command}`: wrk at {CONNECTIONS} connections, {args.duration} per page after a",
        "2 s warm-up, gunicorn in production mode (`celac_ppt/gunicorn.conf.py`, DJANGO_DEBUG=0),",
        "wrk and the server on the same machine. *Cold*: the page cache off, every request",
        "renders the page from the plan and figures each worker keeps until the database says",
        "they changed (as every page but the first after a change). *Cold, nothing kept*: the",
        "page cache off and KEEP_PUBLIC_FIGURES=0, every request reads the plan and the",
        "current states and computes every figure (as the first page after a change).",
        "*Warm*: the page cache on, in Redis. Static: a file as large as the dashboard,",
        "served by whitenoise.",
        "",
        "Pages: " + ", ".join(f"{name} `{path}`" for name, path in PAGES) + ".",
        "",
        f"Load average (1, 5, 15 min) before the run: {args.load_before}; after: {load()}.",
        "",
    ]
    for database, by_size in results.items():
        for size, rows in by_size.items():
            lines += [f"## {database}, {size:,} reports", "", *table(rows), ""]
    lines += ["## Targets", "", *READING, "", *verdicts(results, args.sizes)]
    Path(args.output).write_text("\n".join(lines) + "\n")
    return lines


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    command = (
        "python bench/run.py " + " ".join(sys.argv[1:]) if sys.argv[1:] else "python bench/run.py"
    )
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    args.load_before = load()
    results = {}
    with open(BENCH_DIR / "servers.log", "ab") as log:
        for database in args.databases:
            for size in args.sizes:
                print(f"{database}, {size:,} reports", flush=True)
                if args.seed_only:
                    seeded_database(database, size, args.fresh)
                    continue
                results.setdefault(database, {})[size] = bench_one(database, size, args, log)
    if args.seed_only:
        return
    lines = report(results, args, command)
    print("\n".join(lines))
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
