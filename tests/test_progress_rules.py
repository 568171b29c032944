"""The rollup rules, written down in commitments/services/progress.py, the README and the
"about the figures" page: each one here as a test."""

import datetime
from types import SimpleNamespace

import pytest

from commitments.models import CurrentProgress, ProgressReport, ReviewState, Status
from commitments.services.progress import (
    NO_REPORTS,
    Rollup,
    bucket,
    freshness,
    months_before,
    status_of,
)
from commitments.services.reports import publish

TODAY = datetime.date(2026, 6, 15)

# A tiny plan: area 1 holds a leaf (1) and a parent (2) with two children (3, 4); area 2
# holds one leaf (5). Three member states.
PLAN = [
    SimpleNamespace(id=1, parent_id=None, area_id=1, due_date=None),
    SimpleNamespace(id=2, parent_id=None, area_id=1, due_date=datetime.date(2020, 12, 31)),
    SimpleNamespace(id=3, parent_id=2, area_id=1, due_date=None),
    SimpleNamespace(id=4, parent_id=2, area_id=1, due_date=None),
    SimpleNamespace(id=5, parent_id=None, area_id=2, due_date=TODAY + datetime.timedelta(days=30)),
]
STATES = [10, 20, 30]


def row(commitment, state, percentage, status=None, reported_on=TODAY):
    if status is None:
        status = (
            Status.COMPLETED
            if percentage == 100
            else Status.NOT_STARTED
            if percentage == 0
            else Status.IN_PROGRESS
        )
    return (commitment, state, status, percentage, reported_on)


def rollup(*rows):
    return Rollup(PLAN, rows, STATES, today=TODAY)


def test_a_leaf_is_the_mean_over_the_states_that_reported_not_over_all_states():
    figure = rollup(row(1, 10, 40), row(1, 20, 80)).commitment(1)
    assert figure.mean == 60  # not (40 + 80 + 0) / 3
    assert (figure.states_reported, figure.states_total) == (2, 3)
    assert figure.parts_total is None


def test_a_commitment_nobody_reported_on_has_no_mean_and_zero_coverage():
    figure = rollup().commitment(1)
    assert figure.mean is None and figure.percent is None
    assert figure.states_reported == 0
    assert figure.status == NO_REPORTS


def test_a_parent_is_the_mean_of_its_children_not_of_all_their_reports():
    # Child 3: three states, mean 20. Child 4: one state at 100. Mean of children: 60.
    # (The mean of the four reports would be 40.)
    figures = rollup(row(3, 10, 10), row(3, 20, 20), row(3, 30, 30), row(4, 10, 100))
    parent = figures.commitment(2)
    assert parent.mean == 60
    assert (parent.parts_reported, parent.parts_total) == (2, 2)
    assert parent.states_reported == 3


def test_a_parent_ignores_children_without_reports_and_its_own_rows():
    figures = rollup(row(3, 10, 50), row(2, 20, 100))
    parent = figures.commitment(2)
    assert parent.mean == 50
    assert (parent.parts_reported, parent.parts_total) == (1, 2)
    assert parent.states_reported == 1


def test_an_area_is_the_mean_of_its_top_level_commitments():
    # Area 1: leaf 1 at 90; parent 2 = mean(child 3 at 10, child 4 at 50) = 30. Mean: 60.
    # (The mean over every commitment, children included, would differ: (90+10+50)/3 = 50.)
    figures = rollup(row(1, 10, 90), row(3, 10, 10), row(4, 20, 50))
    area = figures.area(1)
    assert area.mean == 60
    assert (area.parts_reported, area.parts_total) == (2, 2)
    assert (area.states_reported, area.states_total) == (2, 3)


def test_the_region_and_a_group_are_the_mean_of_top_level_commitments_with_reports():
    figures = rollup(row(1, 10, 90), row(5, 30, 30))
    region = figures.region()
    assert region.mean == 60  # commitment 2 has no report and is left out
    assert (region.parts_reported, region.parts_total) == (2, 3)
    assert region.states_reported == 2
    assert figures.group([5]).mean == 30
    assert figures.group([]).mean is None


def test_a_state_sees_its_own_percentage_and_means_over_what_it_reported():
    figures = rollup(row(1, 10, 90), row(3, 10, 20), row(4, 10, 40), row(1, 20, 10))
    assert figures.for_state(1, 10).mean == 90
    assert figures.for_state(2, 10).mean == 30
    assert figures.for_state(5, 10).mean is None
    cell = figures.state_area(10, 1)
    assert cell.mean == 60  # (90 + 30) / 2
    assert (cell.parts_reported, cell.parts_total) == (2, 2)
    overall = figures.state_overall(20)
    assert overall.mean == 10
    assert (overall.parts_reported, overall.parts_total) == (1, 3)


def test_status_follows_the_mean():
    assert status_of(None, []) == NO_REPORTS
    assert status_of(100, [Status.COMPLETED]) == Status.COMPLETED
    assert status_of(0, [Status.NOT_STARTED, Status.SUSPENDED]) == Status.NOT_STARTED
    assert status_of(30, [Status.SUSPENDED, Status.SUSPENDED]) == Status.SUSPENDED
    assert status_of(50, [Status.COMPLETED, Status.NOT_STARTED]) == Status.IN_PROGRESS


def test_status_counts_cover_every_status():
    figures = rollup(row(1, 10, 100), row(3, 10, 0), row(4, 10, 0))
    counts = {value: count for value, _label, count in figures.status_counts()}
    assert counts == {
        NO_REPORTS: 1,  # 5
        Status.NOT_STARTED: 3,  # 2, 3, 4
        Status.IN_PROGRESS: 0,
        Status.COMPLETED: 1,  # 1
        Status.SUSPENDED: 0,
    }


def test_overdue_means_past_its_deadline_and_not_completed():
    assert rollup().is_overdue(2)  # due 2020, no report: overdue, honestly
    assert rollup(row(3, 10, 50)).is_overdue(2)
    assert not rollup(row(3, 10, 100), row(4, 10, 100)).is_overdue(2)
    assert not rollup().is_overdue(1)  # no deadline
    assert not rollup().is_overdue(5)  # deadline ahead
    assert rollup().is_due_soon(5)
    assert not rollup(row(5, 10, 100)).is_due_soon(5)


def test_overdue_seen_from_one_state_uses_that_states_status():
    figures = rollup(row(3, 10, 100), row(4, 10, 100), row(3, 20, 10))
    assert not figures.is_overdue(2, state_id=10)
    assert figures.is_overdue(2, state_id=20)


@pytest.mark.parametrize(
    ("last", "light"),
    [
        (TODAY, "green"),
        (datetime.date(2025, 6, 15), "green"),  # exactly 12 months
        (datetime.date(2025, 6, 14), "amber"),
        (datetime.date(2024, 6, 15), "amber"),  # exactly 24 months
        (datetime.date(2024, 6, 14), "red"),
        (None, "red"),
    ],
)
def test_freshness_follows_the_un_registry_rule(last, light):
    assert freshness(last, TODAY) == light


def test_freshness_of_a_parent_is_its_childrens_latest_report():
    figures = rollup(
        row(3, 10, 50, reported_on=datetime.date(2023, 1, 1)),
        row(4, 20, 50, reported_on=datetime.date(2025, 1, 1)),
    )
    assert figures.commitment(2).last_reported == datetime.date(2025, 1, 1)
    assert figures.freshness(2) == "amber"
    assert figures.freshness(1) == "red"


def test_months_before_clamps_to_the_end_of_the_month():
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2024, 3, 31), 1) == datetime.date(2024, 2, 29)
    assert months_before(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)
    assert months_before(datetime.date(2026, 1, 15), 25) == datetime.date(2023, 12, 15)


def test_buckets_of_the_colour_scale():
    assert [bucket(v) for v in (None, 0, 1, 24, 25, 49, 50, 74, 75, 99, 100)] == [
        "none", "p0", "p1", "p1", "p2", "p2", "p3", "p3", "p4", "p4", "p5",
    ]  # fmt: skip


# --- on the database: only the latest published report counts -------------------------------


def make_report(commitment, state, percentage, status, review_state, reported_on):
    return ProgressReport.objects.create(
        commitment=commitment,
        member_state=state,
        status=status,
        percentage=percentage,
        reported_on=reported_on,
        review_state=review_state,
    )


@pytest.mark.django_db
def test_only_the_latest_published_report_counts(plan):
    from commitments.models import Commitment, MemberState

    commitment = Commitment.objects.get(reference="1.1")
    mexico = MemberState.objects.get(iso_code="MX")
    old = make_report(commitment, mexico, 20, Status.IN_PROGRESS, ReviewState.SUBMITTED, TODAY)
    publish(old)
    newer = make_report(
        commitment, mexico, 70, Status.IN_PROGRESS, ReviewState.SUBMITTED, TODAY.replace(day=20)
    )
    publish(newer)
    # A state has one open report per commitment: Mexico's and two other states'.
    for iso_code, state in (
        ("MX", ReviewState.DRAFT),
        ("AR", ReviewState.SUBMITTED),
        ("BR", ReviewState.RETURNED),
    ):
        member_state = MemberState.objects.get(iso_code=iso_code)
        make_report(commitment, member_state, 100, Status.COMPLETED, state, TODAY.replace(day=25))

    from commitments.services.current import current

    _plan, figures = current()
    figure = figures.commitment(commitment.id)
    assert figure.mean == 70
    assert figure.states_reported == 1
    assert CurrentProgress.objects.get(commitment=commitment, member_state=mexico).report == newer
