"""Imported published reports follow the review workflow's rules: the ranking by
``CURRENT_ORDER``, the supersedes rule and the commitment locks of publishing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Commitment, CurrentProgress, ProgressReport
from commitments.services.reports import rebuild_current_progress
from exchange.imports import import_file
from tests.import_helpers import REPORT_HEADERS, csv_file

pytestmark = pytest.mark.django_db

PAIR = ["1.1", "MX"]


def row(day, percentage, narrative):
    return [*PAIR, day, "in_progress", percentage, narrative, 0]


def imported(rows):
    outcome = import_file("reports.csv", csv_file(REPORT_HEADERS, rows))
    assert outcome.ok, [str(p) for p in outcome.problems]
    return outcome


def current_states():
    return sorted(
        CurrentProgress.objects.values_list(
            "commitment_id", "member_state_id", "report_id", "percentage", "reported_on"
        )
    )


def test_a_backdated_correction_does_not_supersede_the_later_current_report(plan):
    january, march = row("2020-01-15", 10, "Enero."), row("2020-03-15", 30, "Marzo.")
    imported([january, march])
    earlier = ProgressReport.objects.get(narrative="Enero.")
    later = ProgressReport.objects.get(narrative="Marzo.")
    january[4] = 15
    imported([january, march])
    correction = ProgressReport.objects.get(percentage=15)
    assert correction.is_published and correction.reported_on == earlier.reported_on
    # The March report stays current and nothing replaces January's: the correction
    # takes its place in the timeline, as a backdated publish does.
    assert correction.supersedes is None
    assert not ProgressReport.objects.filter(supersedes=earlier).exists()
    current = CurrentProgress.objects.get(commitment__reference="1.1", member_state__iso_code="MX")
    assert current.report_id == later.pk and current.percentage == 30


def test_a_correction_of_the_current_report_supersedes_it(plan):
    january = row("2020-01-15", 10, "Enero.")
    imported([january])
    original = ProgressReport.objects.get(narrative="Enero.")
    january[4] = 12
    imported([january])
    correction = ProgressReport.objects.get(percentage=12)
    assert correction.supersedes_id == original.pk
    assert CurrentProgress.objects.get().report_id == correction.pk


def test_a_later_dated_imported_report_supersedes_the_current_one_as_a_publish_does(plan):
    imported([row("2020-01-15", 10, "Enero.")])
    january = ProgressReport.objects.get(narrative="Enero.")
    imported([row("2020-01-15", 10, "Enero."), row("2020-02-15", 20, "Febrero.")])
    february = ProgressReport.objects.get(narrative="Febrero.")
    assert february.supersedes_id == january.pk
    # An older report imported afterwards replaces nothing.
    imported([row("2020-01-01", 5, "Año nuevo.")])
    assert ProgressReport.objects.get(narrative="Año nuevo.").supersedes is None
    assert CurrentProgress.objects.get().report_id == february.pk


def test_after_an_import_the_current_states_are_the_latest_dated_reports(plan):
    rows = [
        row("2020-03-15", 30, "Marzo."),
        row("2020-01-15", 10, "Enero."),
        ["2.1", "MX", "2020-02-01", "in_progress", 20, "Otra.", 0],
        ["1.1", "AR", "2020-02-01", "in_progress", 25, "Argentina.", 0],
    ]
    imported(rows)
    rows[0][4], rows[1][4] = 35, 12
    imported(rows)
    after_import = current_states()
    rebuild_current_progress()
    assert current_states() == after_import
    latest = ProgressReport.objects.published().filter(
        commitment__reference="1.1", member_state__iso_code="MX"
    )
    assert (
        CurrentProgress.objects.get(
            commitment__reference="1.1", member_state__iso_code="MX"
        ).report_id
        == latest.order_by("-reported_on", "-published_at").first().pk
    )
    assert len(after_import) == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's write lock serializes every writer"
)
def test_an_import_locks_the_commitments_before_it_reads_any_report(plan):
    with CaptureQueriesContext(connection) as queries:
        imported([row("2020-01-15", 10, "Enero.")])
    sql = [q["sql"] for q in queries.captured_queries]
    commitments = connection.ops.quote_name(Commitment._meta.db_table)
    reports = connection.ops.quote_name(ProgressReport._meta.db_table)
    lock = next(
        i for i, s in enumerate(sql) if "FOR NO KEY UPDATE" in s and f"FROM {commitments}" in s
    )
    first_read = next(i for i, s in enumerate(sql) if s.startswith("SELECT") and reports in s)
    assert lock < first_read
    assert "ORDER BY" in sql[lock]
