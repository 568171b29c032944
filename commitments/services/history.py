"""Progress over time: the figures as of the end of each month, kept as monthly snapshots.

The one definition: **progress at month M** is the figure the pages would have shown with
the reports published whose reporting date falls on or before the last day of M, computed
by the same rules (``commitments.services.progress.Rollup``) from each pair's state at that
date. A report published today with a reporting date in March 2021 therefore changes March
2021 and every month after it, up to the pair's next report.

Two derived tables keep it cheap to read and to maintain:

- ``MonthlyPairProgress``: for each commitment × state and each month with a published
  report dated in it, the report that ranks first by ``CURRENT_ORDER`` within the month. A
  pair's state at the end of M is its row of the latest month ≤ M.
- ``ProgressSnapshot``: for each month in which some pair's state changed, the figure of
  the plan, of each work area, commitment and member state, with its coverage. A chart
  reads one scope's rows, one query, as many rows as months whatever the number of
  reports; the months between snapshots keep the figures of the month before.

Publishing updates them in its transaction (``pair_changed``, called by ``set_current``),
for the months from the report's one up to the pair's next month with a report; the bulk
rebuild of current progress rebuilds them from the reports (``rebuild_history``), as does
``manage.py rebuild_progress``.

Every read here names its columns, so the data migration that fills the tables can call
this module whatever columns later migrations add.
"""

import datetime
from itertools import groupby
from types import SimpleNamespace
from typing import NamedTuple

from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from areas.models import WorkArea

from ..models import (
    CURRENT_ORDER,
    Commitment,
    DataVersion,
    MemberState,
    MonthlyPairProgress,
    ProgressReport,
    ProgressSnapshot,
    Scope,
)
from .progress import Rollup

# A pair's state, in the order of ``CurrentProgress.objects.for_dashboard()``'s rows.
STATE_FIELDS = ("commitment_id", "member_state_id", "status", "percentage", "reported_on")
SNAPSHOT_FIELDS = (
    "mean",
    "states_reported",
    "states_total",
    "parts_reported",
    "parts_total",
    "pairs_reported",
    "pairs_total",
)


def month_of(day):
    """The first day of ``day``'s month: how a month is stored."""
    return day.replace(day=1)


def next_month(month):
    return (month + datetime.timedelta(days=32)).replace(day=1)


def month_end(month):
    return next_month(month) - datetime.timedelta(days=1)


class MonthFigure(NamedTuple):
    """A figure as of the end of ``month`` (a ``datetime.date``, its first day), with its
    coverage: the ``ProgressSnapshot`` fields."""

    month: datetime.date
    mean: float | None
    states_reported: int
    states_total: int
    parts_reported: int | None
    parts_total: int | None
    pairs_reported: int
    pairs_total: int

    @property
    def percent(self):
        return None if self.mean is None else int(round(self.mean))

    @property
    def has_data(self):
        return self.mean is not None

    @property
    def mean_1dp(self):
        return None if self.mean is None else round(self.mean, 1)


# --- reading ------------------------------------------------------------------------------


def monthly_series(scope, scope_id=0, until=None):
    """[MonthFigure] of one scope, every month from its first snapshot to ``until``'s month
    (today's by default), oldest first. One query, as many rows as months with a change."""
    rows = (
        ProgressSnapshot.objects.filter(scope=scope, scope_id=scope_id)
        .order_by("month")
        .values_list("month", *SNAPSHOT_FIELDS)
    )
    return fill_months([MonthFigure(*row) for row in rows], until)


def fill_months(figures, until=None):
    """The figures with every month between them and up to ``until``'s month filled with
    the month before's: a month without a change keeps the figures it had."""
    if not figures:
        return []
    last = month_of(until or timezone.localdate())
    filled = []
    following = iter(figures[1:])
    upcoming = next(following, None)
    figure, month = figures[0], figures[0].month
    while month <= last:
        if upcoming is not None and upcoming.month <= month:
            figure, upcoming = upcoming, next(following, None)
        filled.append(figure._replace(month=month))
        month = next_month(month)
    return filled


# --- writing ------------------------------------------------------------------------------


def _pair_months(rows):
    """{month: (status, percentage, reported_on)} from a pair's published reports, as
    tuples (*CURRENT_ORDER, status, percentage, reported_on): each month's first report by
    ``CURRENT_ORDER``."""
    rank_length = len(CURRENT_ORDER)
    best = {}
    for row in rows:
        rank, state = row[:rank_length], row[rank_length:]
        month = month_of(state[2])
        if month not in best or rank > best[month][0]:
            best[month] = (rank, state)
    return {month: state for month, (_rank, state) in best.items()}


def pair_changed(commitment_id, member_state_id):
    """Bring the history up to date with one pair's published reports, in the caller's
    transaction (the pair's lock held, as ``set_current`` has it): its monthly rows, then
    the snapshots of the months from the first that changed up to the pair's next month
    with a report, which keeps its figures. A few queries, whatever the history holds."""
    # The snapshots are public figures: the pages learn of them through the progress token.
    # Replacing it first also makes any other writer of snapshots wait for this commit.
    DataVersion.bump(DataVersion.PROGRESS)
    pair = {"commitment_id": commitment_id, "member_state_id": member_state_id}
    reports = (
        ProgressReport.objects.published()
        .filter(**pair)
        .values_list(*CURRENT_ORDER, "status", "percentage", "reported_on")
    )
    new = _pair_months(reports)
    stored = MonthlyPairProgress.objects.filter(**pair)
    old = {
        month: (status, percentage, reported_on)
        for month, status, percentage, reported_on in stored.values_list(
            "month", "status", "percentage", "reported_on"
        )
    }
    changed = sorted(month for month in new.keys() | old.keys() if new.get(month) != old.get(month))
    if not changed:
        return
    stored.filter(month__in=changed).delete()
    MonthlyPairProgress.objects.bulk_create(
        MonthlyPairProgress(
            month=month,
            status=new[month][0],
            percentage=new[month][1],
            reported_on=new[month][2],
            **pair,
        )
        for month in changed
        if month in new
    )
    later = [month for month in new if month > changed[-1]]
    write_snapshots(changed[0], min(later) if later else None)


def rebuild_history():
    """Rebuild both tables from the published reports, in the caller's transaction (the
    commitments locked, as ``rebuild_current_progress`` has them): one INSERT … SELECT for
    the pairs' months, then the snapshots. Returns how many months have snapshots."""
    DataVersion.bump(DataVersion.PROGRESS)
    MonthlyPairProgress.objects.all().delete()
    columns = (*STATE_FIELDS, "month")
    ranked = (
        ProgressReport.objects.published()
        .annotate(
            report_month=TruncMonth("reported_on"),
            position=Window(
                RowNumber(),
                partition_by=[F("commitment_id"), F("member_state_id"), F("report_month")],
                order_by=[F(name).desc() for name in CURRENT_ORDER],
            ),
        )
        .filter(position=1)
        .order_by()
        .values_list(*STATE_FIELDS, "report_month")
    )
    select, params = ranked.query.sql_with_params()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(MonthlyPairProgress._meta.db_table)} "  # noqa: S608
            f"({', '.join(qn(name) for name in columns)}) {select}",
            params,
        )
    return write_snapshots(None, None)


def write_snapshots(start, end):
    """Compute again the snapshots of the months from ``start`` (None: the first) up to
    ``end`` (excluded; None: the last) from the pairs' monthly rows. Returns how many
    months were written. Four queries and the inserts, whatever the history holds."""
    commitments = [
        SimpleNamespace(id=pk, parent_id=parent_id, area_id=area_id)
        for pk, parent_id, area_id in Commitment.objects.order_by("reference_key").values_list(
            "id", "parent_id", "area_id"
        )
    ]
    state_ids = list(MemberState.objects.order_by("name").values_list("id", flat=True))
    area_ids = list(WorkArea.objects.order_by("number").values_list("id", flat=True))
    cells = MonthlyPairProgress.objects.order_by()
    states = {}
    if start is not None:
        before = (
            cells.filter(month__lt=start)
            .annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("commitment_id"), F("member_state_id")],
                    order_by=F("month").desc(),
                )
            )
            .filter(position=1)
            .values_list(*STATE_FIELDS)
        )
        states = {row[:2]: row for row in before}
        cells = cells.filter(month__gte=start)
    if end is not None:
        cells = cells.filter(month__lt=end)
    snapshots = []
    months = 0
    for month, rows in groupby(
        cells.order_by("month").values_list("month", *STATE_FIELDS).iterator(chunk_size=5000),
        key=lambda row: row[0],
    ):
        for row in rows:
            states[row[1:3]] = row[1:]
        rollup = Rollup(commitments, states.values(), state_ids, today=month_end(month))
        snapshots.extend(_snapshots(month, rollup, area_ids))
        months += 1
    stale = ProgressSnapshot.objects.all()
    if start is not None:
        stale = stale.filter(month__gte=start)
    if end is not None:
        stale = stale.filter(month__lt=end)
    stale.delete()
    ProgressSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    return months


def _leaves(rollup, commitment_id):
    kids = rollup.children.get(commitment_id)
    if not kids:
        return [commitment_id]
    return [leaf for kid in kids for leaf in _leaves(rollup, kid)]


def _snapshots(month, rollup, area_ids):
    """The month's ProgressSnapshot rows: the plan, each work area, commitment and state."""
    leaves_of = {cid: _leaves(rollup, cid) for cid in rollup.by_id}
    reported_of = {
        cid: sum(len(rollup.rows.get(leaf, ())) for leaf in leaves_of[cid]) for cid in leaves_of
    }
    states_total = rollup.states_total

    def snapshot(scope, scope_id, figure, pairs_reported, pairs_total):
        return ProgressSnapshot(
            month=month,
            scope=scope,
            scope_id=scope_id,
            mean=figure.mean,
            states_reported=figure.states_reported,
            states_total=figure.states_total,
            parts_reported=figure.parts_reported,
            parts_total=figure.parts_total,
            pairs_reported=pairs_reported,
            pairs_total=pairs_total,
        )

    def group(top_level_ids):
        leaves = sum(len(leaves_of[cid]) for cid in top_level_ids)
        reported = sum(reported_of[cid] for cid in top_level_ids)
        return reported, leaves * states_total

    rows = [snapshot(Scope.PLAN, 0, rollup.region(), *group(rollup.top_level_ids))]
    for area_id in area_ids:
        top_level = rollup.top_level_by_area.get(area_id, [])
        rows.append(snapshot(Scope.AREA, area_id, rollup.group(top_level), *group(top_level)))
    for cid in rollup.by_id:
        rows.append(
            snapshot(
                Scope.COMMITMENT,
                cid,
                rollup.commitment(cid),
                reported_of[cid],
                len(leaves_of[cid]) * states_total,
            )
        )
    all_leaves = [leaf for cid in rollup.top_level_ids for leaf in leaves_of[cid]]
    for state_id in rollup.state_ids:
        reported = sum(1 for leaf in all_leaves if state_id in rollup.rows.get(leaf, ()))
        rows.append(
            snapshot(
                Scope.STATE,
                state_id,
                rollup.state_overall(state_id),
                reported,
                len(all_leaves),
            )
        )
    return rows
