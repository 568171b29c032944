"""What changed lately: the items of the public "what changed" page, newest first.

Each kind of change comes from a *source*: a function ``source(since, plan, rollup, state,
area)`` that returns the ``Change`` items published at or after ``since`` (a state or a
work area, when not None, narrows them), in a fixed number of queries whatever the history
holds; ``plan`` and ``rollup`` are the current ones (``commitments.services.current``).
``CHANGE_SOURCES`` lists them; ``recent_changes`` merges them. A new kind of change (the
plan's milestones, say) is a new source appended to the list, with its kinds in ``KINDS``
and its words in the page's template; the milestones' changes are one, read from their
history (``commitments.services.milestones``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import CURRENT_ORDER, CurrentProgress, Milestone, ProgressReport, Status
from . import milestones

WINDOW_DAYS = 30

# The kinds of change, as the page names them.
REPORT = "report"
STATUS_CHANGE = "status"
COMPLETED_BY_STATE = "completed_state"
COMPLETED_REGIONALLY = "completed_region"
MILESTONE_ADDED = "milestone_created"
MILESTONE_CHANGED = "milestone_changed"
MILESTONE_REMOVED = "milestone_deleted"
KINDS = {
    REPORT: _("New report"),
    STATUS_CHANGE: _("Status changed"),
    COMPLETED_BY_STATE: _("Completed by a state"),
    COMPLETED_REGIONALLY: _("Completed regionally"),
    MILESTONE_ADDED: _("New milestone"),
    MILESTONE_CHANGED: _("Milestone updated"),
    MILESTONE_REMOVED: _("Milestone removed"),
}
MILESTONE_KINDS = {
    milestones.CREATED: MILESTONE_ADDED,
    milestones.CHANGED: MILESTONE_CHANGED,
    milestones.DELETED: MILESTONE_REMOVED,
}


@dataclass(frozen=True, slots=True)
class Change:
    """One item. ``at``: when it was published. ``commitment``/``state``: the plan objects
    (``state`` None for a regional change). ``report_id``: the report it comes from, if
    any. ``status``/``previous_status``: the state's status after and before.
    ``milestone``: for a milestone's change, the milestone as the change left it (its
    historical record), and ``fields`` the names of what the change altered, in words."""

    kind: str
    at: datetime.datetime
    commitment: object
    state: object = None
    report_id: int | None = None
    status: str | None = None
    percentage: int | None = None
    previous_status: str | None = None
    reported_on: datetime.date | None = None
    is_demo: bool = False
    milestone: object = None
    fields: tuple = ()

    @property
    def label(self):
        return KINDS[self.kind]

    @property
    def is_milestone(self):
        return self.milestone is not None


def report_changes(since, plan, rollup, state, area):
    """Every report published since ``since``, one item each, as the most telling kind.

    What a report changed is read against the pair's report that was current when it was
    published (the first by ``CURRENT_ORDER`` among those published before it): it became
    the current one unless it is dated before that one; then "completed by a state" when
    it says completed and that one did not, "status changed" when the statuses differ, and
    otherwise (a state's first report, a correction, a backdated report) a new report. One
    query."""
    reports = ProgressReport.objects.published().filter(published_at__gte=since)
    if state is not None:
        reports = reports.filter(member_state_id=state.id)
    if area is not None:
        reports = reports.filter(commitment__area_id=area.id)
    before = (
        ProgressReport.objects.published()
        .filter(
            commitment_id=OuterRef("commitment_id"),
            member_state_id=OuterRef("member_state_id"),
            published_at__lt=OuterRef("published_at"),
        )
        .order_by(*[F(name).desc() for name in CURRENT_ORDER])
    )
    rows = reports.annotate(
        previous_status=Subquery(before.values("status")[:1]),
        previous_reported_on=Subquery(before.values("reported_on")[:1]),
    ).values_list(
        "id",
        "commitment_id",
        "member_state_id",
        "status",
        "percentage",
        "reported_on",
        "published_at",
        "is_demo",
        "previous_status",
        "previous_reported_on",
    )
    items = []
    for (
        pk,
        commitment_id,
        state_id,
        status,
        percentage,
        reported_on,
        published_at,
        is_demo,
        previous,
        previous_reported_on,
    ) in rows.order_by():
        commitment = plan.commitment_by_id.get(commitment_id)
        member_state = plan.state_by_id.get(state_id)
        if commitment is None or member_state is None:
            continue
        became_current = previous is None or reported_on >= previous_reported_on
        kind = REPORT
        if became_current and status == Status.COMPLETED and previous != Status.COMPLETED:
            kind = COMPLETED_BY_STATE
        elif became_current and previous is not None and previous != status:
            kind = STATUS_CHANGE
        items.append(
            Change(
                kind,
                published_at,
                commitment,
                member_state,
                pk,
                status,
                percentage,
                previous,
                reported_on,
                is_demo,
            )
        )
    return items


def regional_completions(since, plan, rollup, state, area):
    """Commitments completed regionally (every state that reported says 100 %) whose latest
    current report was published since ``since``: dated at that publication. A state
    narrows to the state's own changes, so it leaves none. One query."""
    if state is not None:
        return []
    latest = dict(
        CurrentProgress.objects.filter(published_at__gte=since)
        .values("commitment_id")
        .annotate(latest=Max("published_at"))
        .values_list("commitment_id", "latest")
        .order_by()
    )
    if not latest:
        return []
    items = []
    for commitment in plan.commitments:
        if area is not None and commitment.area_id != area.id:
            continue
        figure = rollup.commitment(commitment.id)
        if figure.status != Status.COMPLETED:
            continue
        leaves = [row[0] for row in rollup.leaf_rows(commitment.id)]
        dates = [latest[cid] for cid in set(leaves) | {commitment.id} if cid in latest]
        if dates:
            items.append(
                Change(COMPLETED_REGIONALLY, max(dates), commitment, status=Status.COMPLETED)
            )
    return items


def milestone_changes(since, plan, rollup, state, area):
    """Every milestone added, changed or removed since ``since``, dated at the change,
    with the fields a change altered. A milestone belongs to a commitment, not to a state,
    so a state leaves none. Two queries (``milestones.recent_milestone_changes``)."""
    if state is not None:
        return []
    items = []
    for change in milestones.recent_milestone_changes(since):
        record = change.milestone
        commitment = plan.commitment_by_id.get(record.commitment_id)
        if commitment is None or (area is not None and commitment.area_id != area.id):
            continue
        items.append(
            Change(
                MILESTONE_KINDS[change.kind],
                change.changed_at,
                commitment,
                status=record.status,
                milestone=record,
                fields=tuple(
                    Milestone._meta.get_field(name).verbose_name for name in change.fields
                ),
            )
        )
    return items


# Where the items come from, in the order they are merged.
CHANGE_SOURCES = [report_changes, regional_completions, milestone_changes]


def recent_changes(plan, rollup, state=None, area=None, now=None, days=WINDOW_DAYS):
    """Every change of the last ``days`` days from every source, newest first by
    publication."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    items = []
    for source in CHANGE_SOURCES:
        items.extend(source(since, plan, rollup, state, area))
    items.sort(key=lambda item: (item.at, item.report_id or 0), reverse=True)
    return items
