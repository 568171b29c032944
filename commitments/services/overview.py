"""What a visitor asks of the plan as a whole: where it is stuck, which states stand where.

Pure Python over the plan and the rollup that ``commitments.services.current`` keeps: no
query of its own, so every page built from it costs what the rollup costs, whatever the
report history holds.
"""

from dataclasses import dataclass, field

from ..models import MemberState, Status
from .progress import FRESH, PERCENTAGE, REPORTED_ON, STATUS, months_before

# How many commitments the "lowest progress" list names.
LOWEST_COUNT = 5

# The kinds of "needs attention", in the order the pages show them.
OVERDUE = "overdue"
SUSPENDED = "suspended"
SILENT = "silent"
LOWEST = "lowest"
ATTENTION_KINDS = (OVERDUE, SUSPENDED, SILENT, LOWEST)


@dataclass
class AttentionItem:
    """One commitment that needs attention, and the member states concerned: for an overdue
    one, those that reported it not completed; suspended, those that suspended it; silent,
    those whose last report is over 12 months old; lowest, those that reported it, lowest
    first. ``unreported``: how many of the 33 have no report on it."""

    commitment: object
    figure: object
    states: list = field(default_factory=list)  # [(state, percentage or None)]
    unreported: int = 0


def _reports(rollup, commitment_id, states):
    """(state, current row) for every state that reported on one commitment, ``states``'
    order (by name in the reader's language)."""
    rows = rollup.rows.get(commitment_id, {})
    return [(state, rows[state.id]) for state in states if state.id in rows]


def needs_attention(plan, rollup):
    """{kind: [AttentionItem, ...]} over the top-level commitments and the sub-commitments
    (a parent is judged through its sub-commitments, so it is not listed twice)."""
    states = MemberState.by_local_name(plan.states)
    year_ago = months_before(rollup.today, 12)
    found = {kind: [] for kind in ATTENTION_KINDS}
    lowest = []
    for commitment in plan.commitments:
        cid = commitment.id
        if rollup.children.get(cid):
            continue
        figure = rollup.commitment(cid)
        reports = _reports(rollup, cid, states)

        unreported = rollup.states_total - len(reports)

        def item(rows, commitment=commitment, figure=figure, unreported=unreported):
            states = [(state, row[PERCENTAGE]) for state, row in rows]
            return AttentionItem(commitment, figure, states, unreported)

        if rollup.is_overdue(cid):
            found[OVERDUE].append(item([p for p in reports if p[1][STATUS] != Status.COMPLETED]))
        if suspended := [p for p in reports if p[1][STATUS] == Status.SUSPENDED]:
            found[SUSPENDED].append(item(suspended))
        if rollup.freshness(cid) != FRESH:
            found[SILENT].append(item([p for p in reports if p[1][REPORTED_ON] < year_ago]))
        if figure.has_data:
            lowest.append(item(sorted(reports, key=lambda pair: pair[1][PERCENTAGE])))
    # Those whose states fell silent first, oldest report first; then those never reported.
    found[SILENT].sort(
        key=lambda item: (not item.states, item.figure.last_reported or rollup.today)
    )
    lowest.sort(key=lambda found_item: found_item.figure.mean)
    found[LOWEST] = lowest[:LOWEST_COUNT]
    return found


@dataclass
class StateStanding:
    """One member state in the ranking: its own progress (rule 5), its coverage (of the
    commitments states report on, how many it reported on), its latest report and how many
    of those commitments are overdue for it (deadline passed, not completed by it)."""

    state: object
    figure: object
    reported: int
    reportable: int
    last_reported: object
    overdue: int
    # Its place among the states by name in the reader's language.
    order: int = 0

    @property
    def coverage(self):
        return int(round(100 * self.reported / self.reportable)) if self.reportable else None


def standings(plan, rollup):
    """Every member state's standing, by name in the reader's language."""
    leaves = rollup.leaf_ids
    overdue_leaves = [
        cid
        for cid in leaves
        if (due := rollup.by_id[cid].due_date) is not None and due < rollup.today
    ]
    found = []
    for order, state in enumerate(MemberState.by_local_name(plan.states)):
        sid = state.id
        rows = [row for cid in leaves if (row := rollup.row(cid, sid)) is not None]
        overdue = sum(
            1
            for cid in overdue_leaves
            if (row := rollup.row(cid, sid)) is None or row[STATUS] != Status.COMPLETED
        )
        found.append(
            StateStanding(
                state=state,
                figure=rollup.state_overall(sid),
                reported=len(rows),
                reportable=len(leaves),
                last_reported=max((row[REPORTED_ON] for row in rows), default=None),
                overdue=overdue,
                order=order,
            )
        )
    return found


# The orders of the ranking: ?sort= value -> (what is compared, highest first).
RANKING_SORTS = {
    "progress": (lambda s: s.figure.mean, True),
    "coverage": (lambda s: s.reported, True),
    "last_report": (lambda s: s.last_reported, True),
    "overdue": (lambda s: s.overdue, True),
    # By name in the reader's language: the standings come in that order already.
    "name": (lambda s: s.order, False),
}
DEFAULT_RANKING_SORT = "progress"


def ranking_sort(value):
    """The ranking order ``value`` names ("progress", "-progress", …), or None."""
    value = (value or "").strip()
    return value if value.lstrip("-") in RANKING_SORTS and value.count("-") <= 1 else None


def rank(found, sort):
    """``found`` in the order ``sort`` names: "progress" is highest first, "-progress"
    lowest first; states without a value keep their order, at the end."""
    key, descending = RANKING_SORTS[sort.lstrip("-")]
    if sort.startswith("-"):
        descending = not descending
    present = [s for s in found if key(s) is not None]
    missing = [s for s in found if key(s) is None]
    present.sort(key=key, reverse=descending)
    return present + missing


def comparison(plan, rollup, states):
    """The side-by-side table of ``states``: [(area, [figure per state])], the plan's
    areas in order, each state's own figure for the area (rule 5)."""
    rollup.state_area_figures()
    return [
        (area, [rollup.state_area(state.id, area.id) for state in states]) for area in plan.areas
    ]
