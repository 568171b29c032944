"""Milestones as the pages, the calendar, the API and the downloads read them, and what
changed in them since a date.

A page reads its milestones in one query and takes each one's commitment from the plan that
``current`` keeps, so its query count does not grow with the number of milestones.
"""

from dataclasses import dataclass

from ..models import Milestone

# The fields whose change a reader of "what changed" is told about.
WATCHED_FIELDS = (
    "title",
    "planned_text",
    "planned_start",
    "planned_end",
    "actual_date",
    "place",
    "status",
    "document_url",
    "document_file",
    "note",
)
CREATED, CHANGED, DELETED = "created", "changed", "deleted"
_KINDS = {"+": CREATED, "~": CHANGED, "-": DELETED}


def with_commitments(plan, milestones):
    """``milestones`` with each one's commitment taken from ``plan`` (no query)."""
    milestones = list(milestones)
    for milestone in milestones:
        milestone.commitment = plan.commitment_by_id[milestone.commitment_id]
    return milestones


def of_commitments(plan, commitment_ids):
    """The milestones of these commitments, in date order: one query."""
    return with_commitments(plan, Milestone.objects.filter(commitment_id__in=commitment_ids))


def of_area(plan, area):
    return of_commitments(plan, [c.id for c in plan.commitments if c.area_id == area.id])


def of_plan(plan):
    return with_commitments(plan, Milestone.objects.all())


@dataclass(frozen=True)
class MilestoneChange:
    """One change to a milestone. ``milestone``: its historical record, the milestone as the
    change left it (as it was before, for a deletion), with its ``commitment``. ``fields``:
    the names of the fields a change altered; empty for a creation, a deletion, and the
    first change kept of a milestone loaded from the fixture (loading keeps no history, so
    there is nothing to compare it with)."""

    milestone: object
    kind: str
    changed_at: object
    fields: tuple


def recent_milestone_changes(since):
    """Every change to a milestone at or after ``since`` (a datetime), newest first, read
    from the milestones' history: two queries, whatever the number of changes."""
    History = Milestone.history.model
    changed_ids = History.objects.filter(history_date__gte=since).values("id")
    records = list(
        History.objects.filter(id__in=changed_ids)
        .select_related("commitment")
        .order_by("id", "history_date", "history_id")
    )
    changes, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_date < since:
            continue
        kind = _KINDS[record.history_type]
        fields = ()
        if kind == CHANGED and before is not None:
            fields = tuple(
                name for name in WATCHED_FIELDS if getattr(record, name) != getattr(before, name)
            )
            if not fields:
                continue  # saved without a change a reader would see
        changes.append(MilestoneChange(record, kind, record.history_date, fields))
    changes.sort(key=lambda change: (change.changed_at, change.milestone.history_id), reverse=True)
    return changes
