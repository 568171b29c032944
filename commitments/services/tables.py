"""The rows, breakdowns and matrices that the public pages and the open-data downloads show.

Built from the plan and the rollup that ``commitments.services.current`` keeps, plus, where a
page needs reports, one query each. Only published reports are ever read here.
"""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from ..filters import CommitmentFilter
from ..models import Commitment, CurrentProgress, Evidence, MemberState, ProgressReport
from .current import current
from .progress import FRESHNESS_LABELS, Figure

LATEST_REPORTS = 10
# What the lists of reports (latest, a commitment's timeline) and their downloads show.
LATEST_REPORT_FIELDS = (
    "commitment",
    "member_state",
    "status",
    "percentage",
    "reported_on",
    "published_at",
    "is_demo",
)


def latest_published(plan, **filters):
    """The latest published reports, newest first, their commitment and member state taken
    from the plan (one query, index report_latest_idx)."""
    return with_plan_objects(
        plan,
        ProgressReport.objects.published()
        .filter(**filters)
        .only(*LATEST_REPORT_FIELDS)
        .order_by("-published_at", "-id")[:LATEST_REPORTS],
    )


def with_plan_objects(plan, reports):
    """``reports`` as a list, each with its commitment and member state taken from the plan
    rather than joined in or loaded one by one."""
    reports = list(reports)
    for report in reports:
        # A commitment or state newer than the plan this process read loads on its own.
        if commitment := plan.commitment_by_id.get(report.commitment_id):
            report.commitment = commitment
        if state := plan.state_by_id.get(report.member_state_id):
            report.member_state = state
    return reports


@dataclass
class Row:
    """One commitment as a list shows it, seen from the region or from one member state."""

    commitment: Commitment
    figure: Figure
    overdue: bool
    due_soon: bool
    freshness: str
    agencies: list
    # Seen from the region: the states' own statuses (a Distribution); None for one state.
    distribution: object = None

    @property
    def depth(self):
        return 0 if self.commitment.parent_id is None else 1

    @property
    def freshness_label(self):
        return FRESHNESS_LABELS[self.freshness]


def make_row(commitment, rollup, state_id=None, agencies=None):
    return Row(
        commitment=commitment,
        figure=rollup.figure(commitment.id, state_id),
        overdue=rollup.is_overdue(commitment.id, state_id),
        due_soon=rollup.is_due_soon(commitment.id, state_id),
        freshness=rollup.freshness(commitment.id, state_id),
        agencies=(agencies or {}).get(commitment.area_id, []),
        distribution=rollup.distribution([commitment.id]) if state_id is None else None,
    )


def _sort_value(row, name):
    if name == "progress":
        return row.figure.mean
    if name == "coverage":
        return row.figure.states_reported if row.figure.has_data else None
    if name == "due":
        return row.commitment.due_date
    if name == "last_report":
        return row.figure.last_reported
    return None


def sort_rows(rows, key):
    """Rows in the order ``key`` names; rows without a value keep plan order at the end."""
    if key == "plan":
        return rows
    name = key.lstrip("-")
    present = [row for row in rows if _sort_value(row, name) is not None]
    missing = [row for row in rows if _sort_value(row, name) is None]
    present.sort(key=lambda row: _sort_value(row, name), reverse=key.startswith("-"))
    return present + missing


def breakdowns(rollup, areas, axes):
    """Progress by work area, by thematic axis and by agency: {by: [(key, name, obj, fig)]},
    ``obj`` being the area, axis or agency."""
    agencies = {}
    areas_of_agency = {}
    for area in areas:
        for agency in area.agencies.all():
            agencies[agency.pk] = agency
            areas_of_agency.setdefault(agency.pk, []).append(area.id)
    areas_of_axis = {}
    for area in areas:
        areas_of_axis.setdefault(area.axis_id, []).append(area.id)
    group = rollup.group
    return {
        "area": [(area.number, area.name, area, rollup.area(area.id)) for area in areas],
        "axis": [
            (
                axis.number,
                axis.name,
                axis,
                group(rollup.top_level_of_areas(areas_of_axis.get(axis.id, []))),
            )
            for axis in axes
        ],
        "agency": [
            (
                agency.acronym,
                agency.name,
                agency,
                group(rollup.top_level_of_areas(areas_of_agency[agency.pk])),
            )
            for agency in sorted(agencies.values(), key=lambda agency: agency.acronym)
        ],
    }


def matrix(rollup, states, areas):
    """The member state × work area matrix: [(state, [(area, figure), ...]), ...]."""
    rollup.state_area_figures()
    return [
        (state, [(area, rollup.state_area(state.id, area.id)) for area in areas])
        for state in states
    ]


def filtered_rows(params):
    """The filter set for the query ``params`` and the rows it selects, sorted (all pages)."""
    plan, rollup = current()
    filterset = CommitmentFilter(params or None, queryset=Commitment.objects.all(), rollup=rollup)
    selected = set(filterset.qs.values_list("pk", flat=True))
    state = filterset.selected_state
    rows = [
        make_row(commitment, rollup, state.id if state else None, plan.agencies_by_area)
        for commitment in plan.commitments
        if commitment.pk in selected
    ]
    return filterset, sort_rows(rows, filterset.sort_key), state, plan


def commitment_page_data(reference):
    commitment = get_object_or_404(
        Commitment.objects.select_related("area__axis", "parent"), reference=reference
    )
    plan, rollup = current()
    states = MemberState.by_local_name(plan.states)
    child_ids = rollup.children.get(commitment.id, [])
    subtree = [commitment.id, *child_ids]
    current_rows = list(
        CurrentProgress.objects.filter(commitment_id__in=subtree).values(
            "commitment_id", "member_state_id", "report_id", "report__is_demo"
        )
    )
    evidence = {}
    # A subquery rather than a list of ids: one query whether or not anything was reported.
    current_reports = CurrentProgress.objects.filter(commitment=commitment).values("report_id")
    for item in Evidence.objects.filter(report_id__in=current_reports):
        evidence.setdefault(item.report_id, []).append(item)
    current_by_state = {
        row["member_state_id"]: row for row in current_rows if row["commitment_id"] == commitment.id
    }
    state_rows = []
    for state in states:
        row = current_by_state.get(state.id) if not child_ids else None
        state_rows.append(
            {
                "state": state,
                "figure": rollup.for_state(commitment.id, state.id),
                "report_id": row["report_id"] if row else None,
                "is_demo": row["report__is_demo"] if row else False,
                "evidence": evidence.get(row["report_id"], []) if row else [],
            }
        )
    return commitment, plan, rollup, child_ids, subtree, current_rows, state_rows


def state_page_data(iso_code):
    state = get_object_or_404(MemberState, iso_code=iso_code.upper())
    plan, rollup = current()
    rows = [
        make_row(commitment, rollup, state.id, plan.agencies_by_area)
        for commitment in plan.commitments
    ]
    return state, plan, rollup, rows
