"""Files and database snapshots for the import/export tests and the import benchmark."""

import csv
import datetime
import io

from django.apps import apps
from django.utils import timezone, translation

from commitments.models import Commitment, MemberState, ProgressReport, ReviewState, Status

REPORT_HEADERS = [
    "commitment",
    "member_state",
    "reported_on",
    "status",
    "percentage",
    "narrative",
    "is_demo",
]


def row_counts():
    """Rows in every table of the project, history and admin log included."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


# What an upload through the admin leaves besides the data: its job and its tasks.
JOB_TABLES = {"exchange.ImportJob", "django_tasks_database.DBTaskResult"}


def without_jobs(counts):
    return {label: count for label, count in counts.items() if label not in JOB_TABLES}


def snapshot():
    """Every row of every table, by primary key: equal snapshots mean nothing changed.
    Read in Spanish: a plan text's field reads the active language's version."""
    with translation.override("es"):
        return {
            model._meta.label: list(model._base_manager.order_by("pk").values())
            for model in apps.get_models(include_auto_created=True)
        }


def report_rows(count, first_day=datetime.date(2020, 1, 1)):
    """``count`` valid progress-report rows, each with its own natural key."""
    leaves = list(Commitment.objects.reportable().values_list("reference", flat=True))
    states = list(MemberState.objects.order_by("iso_code").values_list("iso_code", flat=True))
    rows = []
    for index in range(count):
        leaf = leaves[index % len(leaves)]
        state = states[(index // len(leaves)) % len(states)]
        round_ = index // (len(leaves) * len(states))
        rows.append(
            [
                leaf,
                state,
                (first_day + datetime.timedelta(days=round_)).isoformat(),
                Status.IN_PROGRESS.value,
                1 + index % 99,
                f"Avance número {index + 1}.",
                0,
            ]
        )
    return rows


def published_reports(count):
    """``count`` published reports (bulk, no workflow) with distinct natural keys."""
    commitments = {c.reference: c for c in Commitment.objects.reportable()}
    states = {s.iso_code: s for s in MemberState.objects.all()}
    now = timezone.now()
    reports = [
        ProgressReport(
            commitment=commitments[row[0]],
            member_state=states[row[1]],
            reported_on=datetime.date.fromisoformat(row[2]),
            status=row[3],
            percentage=row[4],
            narrative=row[5],
            review_state=ReviewState.PUBLISHED,
            published_at=now - datetime.timedelta(minutes=index),
        )
        for index, row in enumerate(report_rows(count))
    ]
    ProgressReport.objects.bulk_create(reports)
    from commitments.services.reports import rebuild_current_progress

    rebuild_current_progress()
    return reports


def csv_file(headers, rows, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(headers, rows, title="Sheet"):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_xlsx_sheets(data):
    """{sheet title: [rows]} of an XLSX file, read back as a spreadsheet would."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def refused(name, data, *expected):
    """Import ``data`` as ``name``: it must fail with ``expected`` in its messages and
    leave every table with exactly the rows it had."""
    from django.utils import translation

    from exchange.imports import import_file

    counts = row_counts()
    with translation.override("en"):
        outcome = import_file(name, data)
        messages = [str(problem) for problem in outcome.problems]
    assert not outcome.ok
    for text in expected:
        assert any(text in message for message in messages), messages
    assert row_counts() == counts
    return messages
