"""The monthly progress history: snapshots kept on publish equal the figures the pages would
have shown at each month's end, whatever the order reports arrive in, and a rebuild from the
reports gives the same rows."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from reporting_helpers import LEAF, OTHER_LEAF, make_report

from commitments.models import (
    Commitment,
    MemberState,
    MonthlyPairProgress,
    ProgressReport,
    ProgressSnapshot,
    ReviewState,
    Scope,
    Status,
)
from commitments.services import history
from commitments.services.current import Plan
from commitments.services.progress import Rollup
from commitments.services.reports import (
    lock_all_commitments,
    newest_first,
    rebuild_current_progress,
)

pytestmark = pytest.mark.django_db

MARCH, MAY, JULY = datetime.date(2026, 3, 10), datetime.date(2026, 5, 20), datetime.date(2026, 7, 1)


def month(day):
    return day.replace(day=1)


def series(scope=Scope.PLAN, scope_id=0, until=JULY):
    return {
        figure.month: figure.percent for figure in history.monthly_series(scope, scope_id, until)
    }


def expected_at(month_end):
    """What the pages would have shown at ``month_end``: a rollup of each pair's latest
    published report dated on or before it (the definition, computed from scratch)."""
    plan = Plan.read()
    best = {}
    for report in (
        ProgressReport.objects.published()
        .filter(reported_on__lte=month_end)
        .order_by(*newest_first())
    ):
        best.setdefault((report.commitment_id, report.member_state_id), report)
    rows = [
        (r.commitment_id, r.member_state_id, r.status, r.percentage, r.reported_on)
        for r in best.values()
    ]
    return Rollup(plan.commitments, rows, [s.id for s in plan.states], today=month_end)


def snapshot_rows():
    # Means to nine places: the same figures summed in another order differ in the last bit.
    return sorted(
        (*row[:3], None if row[3] is None else round(row[3], 9), *row[4:])
        for row in ProgressSnapshot.objects.values_list(
            "month", "scope", "scope_id", *history.SNAPSHOT_FIELDS
        )
    )


def test_publishing_in_several_months_gives_each_month_its_figure(official_mx, curator):
    make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=MARCH, percentage=20
    )
    make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=MAY, percentage=60)
    leaf = Commitment.objects.get(reference=LEAF)
    mx = MemberState.objects.get(iso_code="MX")
    assert series(Scope.COMMITMENT, leaf.id) == {
        month(MARCH): 20,
        datetime.date(2026, 4, 1): 20,
        month(MAY): 60,
        datetime.date(2026, 6, 1): 60,
        month(JULY): 60,
    }
    assert series(Scope.STATE, mx.id)[month(MAY)] == 60
    assert series(Scope.AREA, leaf.area_id)[datetime.date(2026, 4, 1)] == 20
    plan = history.monthly_series(Scope.PLAN, until=JULY)
    assert plan[0].month == month(MARCH) and plan[0].pairs_reported == 1
    assert plan[0].states_reported == 1 and plan[0].states_total == 33


def test_a_backdated_report_changes_the_months_from_its_date_on(official_mx, curator):
    make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=MAY, percentage=60)
    make_report(
        official_mx,
        ReviewState.PUBLISHED,
        curator=curator,
        reference=OTHER_LEAF,
        reported_on=JULY,
        percentage=90,
    )
    leaf = Commitment.objects.get(reference=LEAF)
    before = series(Scope.COMMITMENT, leaf.id)
    assert month(MARCH) not in before
    # Published last, dated first: March and April change, May (the later report) does not.
    make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=MARCH, percentage=10
    )
    after = series(Scope.COMMITMENT, leaf.id)
    assert after[month(MARCH)] == after[datetime.date(2026, 4, 1)] == 10
    assert after[month(MAY)] == 60 and after[month(JULY)] == 60
    for day in (MARCH, MAY, JULY):
        end = history.month_end(month(day))
        assert series()[month(day)] == expected_at(end).region().percent


def test_a_rebuild_gives_the_rows_publishing_kept(official_mx, official_ar, curator):
    make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=MAY, percentage=60)
    make_report(
        official_ar, ReviewState.PUBLISHED, curator=curator, reported_on=MARCH, percentage=30
    )
    make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=MARCH, percentage=5
    )
    kept = snapshot_rows()
    assert kept
    rebuild_current_progress()
    assert snapshot_rows() == kept
    ProgressSnapshot.objects.all().delete()
    MonthlyPairProgress.objects.all().delete()
    call_command("rebuild_history", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot_rows() == kept


def test_drafts_and_submissions_are_not_history(official_mx, curator):
    make_report(official_mx, ReviewState.SUBMITTED, reported_on=MARCH)
    assert not ProgressSnapshot.objects.exists()
    assert history.monthly_series(Scope.PLAN) == []


STATUSES = [(Status.NOT_STARTED, 0), (Status.IN_PROGRESS, 45), (Status.COMPLETED, 100)]
report_strategy = st.tuples(
    st.sampled_from(["1.1", "2.1", "3.1.1", "3.1.2"]),
    st.sampled_from(["MX", "AR"]),
    st.sampled_from(STATUSES),
    st.integers(min_value=0, max_value=200),  # days after 1 January 2026
)


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(report_strategy, min_size=1, max_size=8))
def test_published_in_any_order_the_history_is_the_one_from_scratch(plan, reports):
    with transaction.atomic():
        from commitments.services import reports as report_service

        commitments = {c.reference: c for c in Commitment.objects.all()}
        states = {s.iso_code: s for s in MemberState.objects.filter(iso_code__in=["MX", "AR"])}
        for reference, iso, (status, percentage), days in reports:
            report = ProgressReport.objects.create(
                commitment=commitments[reference],
                member_state=states[iso],
                status=status,
                percentage=percentage,
                narrative="x",
                reported_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=days),
                review_state=ReviewState.SUBMITTED,
                submitted_at=timezone.now(),
            )
            report_service.publish(report)
        kept = snapshot_rows()
        first = min(row[0] for row in kept)
        for figure in history.monthly_series(Scope.PLAN, until=datetime.date(2026, 8, 1)):
            expected = expected_at(history.month_end(figure.month))
            assert figure.mean == pytest.approx(expected.region().mean) or (
                figure.mean is None and expected.region().mean is None
            )
        assert first == min(month(r.reported_on) for r in ProgressReport.objects.published())
        with transaction.atomic():
            lock_all_commitments()
            history.rebuild_history()
        assert snapshot_rows() == kept
        transaction.set_rollback(True)
