"""How fast the curators' import runs: 10,000 progress reports from XLSX and from CSV.

    .venv/bin/python bench/import.py [--rows 10000]

Runs on a scratch SQLite database in a temporary folder (migrated, plan loaded), through
the same code as the admin and ``import_plan``: file checks, validation of every row,
inserts with their history rows, current progress rebuilt, all in one transaction.
Prints rows per second (a run without memory tracing) and the peak of Python memory
allocated during the import (a second run under tracemalloc).
"""

import argparse
import csv
import datetime
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["commitment", "member_state", "reported_on", "status", "percentage", "narrative"]


def report_rows(count):
    from commitments.models import Commitment, MemberState

    leaves = list(Commitment.objects.reportable().values_list("reference", flat=True))
    states = list(MemberState.objects.values_list("iso_code", flat=True))
    pairs = [(leaf, state) for leaf in leaves for state in states]
    start = datetime.date(2020, 1, 1)
    return [
        [
            *pairs[index % len(pairs)],
            (start + datetime.timedelta(days=index // len(pairs))).isoformat(),
            "in_progress",
            1 + index % 99,
            f"Avance del compromiso, informe número {index + 1}, con su evidencia.",
        ]
        for index in range(count)
    ]


def as_csv(rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("progress_reports")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def reset():
    from commitments.models import CurrentProgress, ProgressReport

    CurrentProgress.objects.all().delete()
    ProgressReport.history.all().delete()
    ProgressReport.objects.all().delete()


def run(name, data, count):
    from exchange.imports import import_file

    started = time.perf_counter()
    outcome = import_file(name, data)
    elapsed = time.perf_counter() - started
    if not outcome.ok or outcome.totals["progress_reports"]["new"] != count:
        sys.exit(f"{name}: the import failed: {[str(p) for p in outcome.problems[:5]]}")
    reset()
    tracemalloc.start()
    import_file(name, data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    reset()
    return elapsed, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="celac-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celac_ppt.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "ppt2020", verbosity=0)

    rows = report_rows(args.rows)
    files = {"progress_reports.xlsx": as_xlsx(rows), "progress_reports.csv": as_csv(rows)}
    print(f"Importing {args.rows:,} progress reports (SQLite, one transaction each):")
    for name, data in files.items():
        elapsed, peak = run(name, data, args.rows)
        print(
            f"  {name.rsplit('.', 1)[1].upper():4} {len(data) / 1024:8.0f} KiB  "
            f"{elapsed:6.2f} s  {args.rows / elapsed:8,.0f} rows/s  "
            f"peak Python memory {peak / 1024 / 1024:6.1f} MiB"
        )


if __name__ == "__main__":
    main()
