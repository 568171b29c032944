"""How long the import check takes to refuse files built to hold a worker, and its memory.

    .venv/bin/python bench/hostile_imports.py

Builds each file, then runs it through ``exchange.imports.import_file`` (the check the
admin's worker and ``import_plan`` run) on a scratch SQLite database with the plan loaded.
Prints, for each: its size and declared size, the CPU seconds and wall seconds to refuse
it, the peak of Python memory allocated meanwhile (a second run under tracemalloc, which
slows it down) and the message. Each should be refused in well under 5 s of CPU.

    .venv/bin/python bench/hostile_imports.py --while-serving [--seconds 10]

Refuses two of them while the site answers: the portal in production mode under gunicorn
on a loopback port (``bench.servers``), on a throwaway PostgreSQL database, with
``manage.py run_worker`` as its worker. wrk measures the dashboard (``/es/``) for the
duration without imports, then again while the worker checks the 100,000-key JSON file and
the shared-strings workbook, queued as the admin queues an upload (an ImportJob row and its
check task). Prints each file's worker time to refusal (its job's started and finished
times) and message, and the dashboard's requests per second and p99 in both runs.
"""

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The same files the tests refuse.
from tests.hostile_files import (  # noqa: E402
    SST_NS,
    add_shared_strings,
    small_workbook,
    sst,
    wide_json_row,
)


def with_shared_strings(sst, part="xl/sharedStrings.xml"):
    """A small workbook whose shared-strings part ``part`` holds ``sst``."""
    return add_shared_strings(small_workbook(), sst, part)


def hostile_files():
    many = 3_600_000
    strings = b"".join(b"<si><t>Texto %d</t></si>" % i for i in range(many))
    runs = b"".join(b"<r><t>%x</t></r>" % (i % 65536) for i in range(2_000_000))
    prefix = b"p" * 40
    prefixed = b"".join(
        b"<%s:si><%s:t>t%d</%s:t></%s:si>" % (prefix, prefix, i, prefix, prefix)
        for i in range(510_000)
    )
    prefixed = b'<%s:sst xmlns:%s="%s">%s</%s:sst>' % (prefix, prefix, SST_NS, prefixed, prefix)
    plain = b"".join(b"<si><t>t%d</t></si>" % i for i in range(2_000_000))
    return {
        "JSON, one row of 100,000 keys": ("plan.json", wide_json_row()),
        f"XLSX, {many:,} shared strings": ("plan.xlsx", with_shared_strings(sst(strings, many))),
        "XLSX, one text of 2,000,000 runs": (
            "plan.xlsx",
            with_shared_strings(sst(b"<si>" + runs + b"</si>")),
        ),
        "XLSX, texts under a 40-letter prefix": ("plan.xlsx", with_shared_strings(prefixed)),
        "XLSX, texts in a part not named .xml": (
            "plan.xlsx",
            with_shared_strings(sst(plain), part="xl/strings.bin"),
        ),
    }


def declared(data):
    if not data.startswith(b"PK"):
        return len(data)
    return sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())


def main():
    scratch = tempfile.mkdtemp(prefix="celac-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celac_ppt.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from exchange.imports import import_file

    call_command("migrate", verbosity=0)
    call_command("loaddata", "ppt2020", verbosity=0)
    translation.activate("en")
    print("Refusing hostile files (import_file, dry run, SQLite):")
    for label, (name, data) in hostile_files().items():
        cpu, wall = time.process_time(), time.perf_counter()
        outcome = import_file(name, data, dry_run=True)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        tracemalloc.start()
        import_file(name, data, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        verdict = str(outcome.problems[0]) if outcome.problems else "ACCEPTED"
        print(
            f"  {label}\n    {len(data) / 2**20:5.1f} MiB, {declared(data) / 2**20:6.1f} MiB "
            f"declared: {cpu:5.2f} s CPU, {wall:5.2f} s, peak Python memory "
            f"{peak / 2**20:6.1f} MiB\n    {verdict}"
        )


PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SERVED_FILES = ("JSON, one row of 100,000 keys", "XLSX, 3,600,000 shared strings")


def queue_checks(files):
    """Store each file as an ImportJob of the axes' table and queue its check, as the
    admin's upload does (``CuratorImportExportMixin._queue_check``); returns the jobs."""
    from exchange import tasks
    from exchange.models import ImportJob

    jobs = {}
    for label, (name, data) in files.items():
        job = ImportJob.objects.create(
            file_name=name,
            file_format=name.rsplit(".", 1)[1],
            table="areas.thematicaxis",
            language="en",
            data=data,
        )
        tasks.check_import.enqueue(job.pk)
        jobs[label] = job
    return jobs


def wait_for(jobs, timeout):
    from exchange.models import ImportJob

    deadline = time.monotonic() + timeout
    pending = [job.pk for job in jobs.values()]
    while time.monotonic() < deadline:
        settled = (*ImportJob.OVER, ImportJob.State.CHECKED)
        if not ImportJob.objects.filter(pk__in=pending).exclude(state__in=settled).exists():
            break
        time.sleep(0.5)
    return {label: ImportJob.objects.get(pk=job.pk) for label, job in jobs.items()}


def refusal(job):
    problems = (job.result or {}).get("problems") or []
    return problems[0]["message"] if problems else f"NOT REFUSED ({job.state})"


def while_serving(seconds):
    from bench.run import wrk
    from bench.servers import (
        PYTHON,
        REDIS_URL,
        AppServer,
        forget_cache_prefix,
        prepare_database,
        production_env,
        throwaway_postgres,
    )

    files = {label: file for label, file in hostile_files().items() if label in SERVED_FILES}
    prefix = f"hostile{os.getpid()}"
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(
            throwaway_postgres(PG_SERVER, f"celac_bench_hostile_{os.getpid()}")
        )
        env = production_env(database_url, redis_url=REDIS_URL, cache_prefix=prefix)
        stack.callback(forget_cache_prefix, REDIS_URL, prefix)
        prepare_database(env)
        server = stack.enter_context(AppServer(env))
        url_dashboard = server.url + "/es/"
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "run_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def stop_worker():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, 15)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, 9)
                worker.wait()

        stack.callback(stop_worker)
        # This process writes the jobs as the admin would: the same settings and database.
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celac_ppt.settings")
        import django

        django.setup()
        headers = {"Accept-Encoding": "gzip, br"}
        wrk(url_dashboard, "2s", headers)  # warm-up: every gunicorn worker's first pages
        baseline = wrk(url_dashboard, f"{seconds}s", headers)
        jobs = queue_checks(files)
        loaded = wrk(url_dashboard, f"{seconds}s", headers)
        jobs = wait_for(jobs, timeout=120)

    print(f"Refusing hostile files in the worker while gunicorn serves {url_dashboard}:")
    for label, job in jobs.items():
        took = (
            f"{(job.finished_at - job.started_at).total_seconds():5.2f} s"
            if job.started_at and job.finished_at
            else "not finished"
        )
        print(f"  {label}: {took} from start to refusal\n    {refusal(job)}")
    busy = sum(
        (job.finished_at - job.started_at).total_seconds()
        for job in jobs.values()
        if job.started_at and job.finished_at
    )
    print(
        f"Dashboard /es/, wrk {seconds} s at 16 connections (the worker busy {busy:.1f} s of it):"
    )
    for name, result in (("without imports", baseline), ("while refusing", loaded)):
        print(
            f"  {name:16} {result['rps']:8.1f} req/s, p99 {result['p99']:7.1f} ms, "
            f"{result['errors']} errors"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--while-serving",
        action="store_true",
        help="refuse two files in the task worker while gunicorn serves the dashboard",
    )
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run's duration")
    arguments = parser.parse_args()
    if arguments.while_serving:
        while_serving(arguments.seconds)
    else:
        main()
