"""The public pages: dashboard, commitment list, commitment, member state, report.

Every figure comes from ``CurrentProgress.objects.for_dashboard()`` and the plan, rolled up
in Python by ``commitments.services.progress.Rollup`` and kept by each process until either
changes (``commitments.services.current``): each page runs a fixed number of queries however
many reports history holds. Only published reports are ever read here.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from . import opendata
from .filters import CommitmentFilter
from .models import Commitment, CurrentProgress, Evidence, MemberState, ProgressReport
from .services.current import current, current_plan
from .services.progress import (
    AGEING,
    DUE_SOON_DAYS,
    FRESH,
    FRESHNESS_LABELS,
    STALE,
    Figure,
)
from .templatetags.progress import (
    deadline_rows_html,
    evidence_file_url,
    freshness_grid_html,
    latest_reports_html,
    link,
    matrix_header_html,
    matrix_rows_html,
    state_rows_html,
    timeline_html,
)

PAGE_SIZE = 20
TIMELINE_PAGE_SIZE = 25
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


# --- loading ---------------------------------------------------------------------------------


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


# --- rows ------------------------------------------------------------------------------------


@dataclass
class Row:
    """One commitment as a list shows it, seen from the region or from one member state."""

    commitment: Commitment
    figure: Figure
    overdue: bool
    due_soon: bool
    freshness: str
    agencies: list

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


def commitment_record(row, request, scope, parents):
    """A commitment row as the downloads write it (opendata.COMMITMENT_COLUMNS).

    ``parents``: {id: commitment} holding its parent (the plan's, which never loads one)."""
    commitment, figure = row.commitment, row.figure
    return {
        "reference": commitment.reference,
        "parent_reference": parents[commitment.parent_id].reference
        if commitment.parent_id
        else None,
        "area_number": commitment.area.number,
        "area_name": commitment.area.name,
        "axis_number": commitment.area.axis.number,
        "responsible_agencies": "; ".join(agency.acronym for agency in row.agencies),
        "commitment": commitment.text,
        "due_date": commitment.due_date,
        "due_label": commitment.due_label or None,
        "scope": scope,
        "status": figure.status,
        "mean_percentage": figure.mean_1dp,
        "states_reported": figure.states_reported,
        "states_total": figure.states_total,
        "sub_commitments_reported": figure.parts_reported,
        "sub_commitments_total": figure.parts_total,
        "last_report_date": figure.last_reported,
        "freshness": row.freshness,
        "overdue": row.overdue,
        "url": request.build_absolute_uri(commitment.get_absolute_url()),
    }


def breakdowns(rollup, areas, axes):
    """Progress by work area, by thematic axis and by agency: {by: [(key, name, url, fig)]}."""
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
        "area": [(area.number, area.name, link(area), rollup.area(area.id)) for area in areas],
        "axis": [
            (
                axis.number,
                axis.name,
                reverse("commitments:list") + f"?axis={axis.number}",
                group(rollup.top_level_of_areas(areas_of_axis.get(axis.id, []))),
            )
            for axis in axes
        ],
        "agency": [
            (
                agency.acronym,
                agency.name,
                link(agency),
                group(rollup.top_level_of_areas(areas_of_agency[agency.pk])),
            )
            for agency in sorted(agencies.values(), key=lambda agency: agency.acronym)
        ],
    }


def breakdown_records(by, items):
    return [
        {
            "group": by,
            "key": key,
            "name": name,
            "mean_percentage": figure.mean_1dp,
            "states_reported": figure.states_reported,
            "states_total": figure.states_total,
            "commitments_reported": figure.parts_reported,
            "commitments_total": figure.parts_total,
        }
        for key, name, _url, figure in items
    ]


def matrix(rollup, states, areas):
    """The member state × work area matrix: [(state, [(area, figure), ...]), ...]."""
    rollup.state_area_figures()
    return [
        (state, [(area, rollup.state_area(state.id, area.id)) for area in areas])
        for state in states
    ]


def matrix_records(cells):
    return [
        {
            "member_state_iso": state.iso_code,
            "member_state": state.name,
            "area_number": area.number,
            "area_name": area.name,
            "mean_percentage": figure.mean_1dp,
            "commitments_reported": figure.parts_reported,
            "commitments_total": figure.parts_total,
        }
        for state, row in cells
        for area, figure in row
    ]


def report_records(reports, request):
    return [
        {
            "report_id": report.pk,
            "published_at": report.published_at,
            "reported_on": report.reported_on,
            "member_state_iso": report.member_state.iso_code,
            "member_state": report.member_state.name,
            "reference": report.commitment.reference,
            "status": report.status,
            "percentage": report.percentage,
            "demo": report.is_demo,
            "url": request.build_absolute_uri(report.get_absolute_url()),
        }
        for report in reports
    ]


# --- dashboard -------------------------------------------------------------------------------


def dashboard(request):
    plan, rollup = current()
    commitments, states, areas = plan.commitments, plan.states, plan.areas
    rows = [make_row(commitment, rollup) for commitment in commitments]
    with_deadline = [row for row in rows if row.commitment.due_date]
    rows_by_area = {}
    for row in rows:
        rows_by_area.setdefault(row.commitment.area_id, []).append(row)
    freshness_grid = freshness_grid_html([(area, rows_by_area.get(area.id, [])) for area in areas])
    deadlines = sorted(with_deadline, key=lambda row: row.commitment.due_date)
    latest_reports = latest_published(plan)
    context = {
        "region": rollup.region(),
        "states_total": len(states),
        "reporting_states": len(rollup.reporting_state_ids),
        "commitments_total": len(commitments),
        "status_counts": rollup.status_counts(),
        "breakdowns": breakdowns(rollup, areas, plan.axes),
        "matrix_header": matrix_header_html(areas),
        "matrix_rows": matrix_rows_html(matrix(rollup, states, areas)),
        "latest_reports": latest_reports,
        "latest_rows": latest_reports_html(latest_reports),
        "deadlines": deadlines,
        "deadline_rows": deadline_rows_html(deadlines),
        "overdue_count": sum(1 for row in with_deadline if row.overdue),
        "due_soon_count": sum(1 for row in with_deadline if row.due_soon),
        "without_deadline": len(rows) - len(with_deadline),
        "due_soon_days": DUE_SOON_DAYS,
        "today": rollup.today,
        "freshness_grid": freshness_grid,
        "freshness_counts": [
            (light, FRESHNESS_LABELS[light], sum(1 for row in rows if row.freshness == light))
            for light in (FRESH, AGEING, STALE)
        ],
    }
    return render(request, "commitments/dashboard.html", context)


def breakdown_download(request, by, fmt):
    plan, rollup = current()
    if by == "status":
        records = [
            {"status": value, "label": str(label), "commitments": count}
            for value, label, count in rollup.status_counts()
        ]
        return opendata.download(fmt, "commitments-by-status", opendata.STATUS_COLUMNS, records)
    items = breakdowns(rollup, plan.areas, plan.axes).get(by)
    if items is None:
        raise Http404
    return opendata.download(
        fmt, f"progress-by-{by}", opendata.BREAKDOWN_COLUMNS, breakdown_records(by, items)
    )


def matrix_download(request, fmt):
    plan, rollup = current()
    records = matrix_records(matrix(rollup, plan.states, plan.areas))
    return opendata.download(fmt, "state-by-area", opendata.MATRIX_COLUMNS, records)


def latest_reports_download(request, fmt):
    plan = current_plan()
    records = report_records(latest_published(plan), request)
    return opendata.download(fmt, "latest-reports", opendata.REPORT_COLUMNS, records)


# --- commitment list -------------------------------------------------------------------------


def filtered_rows(request):
    """The filter set and the rows it selects, sorted (all pages)."""
    plan, rollup = current()
    filterset = CommitmentFilter(
        request.GET or None, queryset=Commitment.objects.all(), rollup=rollup
    )
    selected = set(filterset.qs.values_list("pk", flat=True))
    state = filterset.selected_state
    rows = [
        make_row(commitment, rollup, state.id if state else None, plan.agencies_by_area)
        for commitment in plan.commitments
        if commitment.pk in selected
    ]
    return filterset, sort_rows(rows, filterset.sort_key), state, plan


def commitment_list(request):
    filterset, rows, state, _plan = filtered_rows(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/commitment_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "rows": page.object_list,
            "total": len(rows),
            "state": state,
            "has_errors": filterset.is_bound and bool(filterset.errors),
            "download_query": query.urlencode(),
        },
    )


def commitment_list_download(request, fmt):
    _filterset, rows, state, plan = filtered_rows(request)
    scope = state.iso_code if state else "region"
    records = [commitment_record(row, request, scope, plan.commitment_by_id) for row in rows]
    return opendata.download(fmt, "commitments", opendata.COMMITMENT_COLUMNS, records)


# --- one commitment --------------------------------------------------------------------------


def _commitment_page_data(reference):
    commitment = get_object_or_404(
        Commitment.objects.select_related("area__axis", "parent"), reference=reference
    )
    plan, rollup = current()
    states = plan.states
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


def commitment_detail(request, reference):
    commitment, plan, rollup, child_ids, subtree, current_rows, state_rows = _commitment_page_data(
        reference
    )
    agencies = plan.agencies_by_area.get(commitment.area_id, [])
    timeline = (
        ProgressReport.objects.published()
        .filter(commitment_id__in=subtree)
        .only(*LATEST_REPORT_FIELDS)
        .order_by("-published_at", "-id")
    )
    timeline_page = timeline_slice(timeline, request.GET.get("page"))
    timeline_page.reports = with_plan_objects(plan, timeline_page.reports)
    return render(
        request,
        "commitments/commitment_detail.html",
        {
            "commitment": commitment,
            "row": make_row(commitment, rollup),
            "children": [make_row(rollup.by_id[cid], rollup) for cid in child_ids],
            "agencies": agencies,
            "state_table_rows": state_rows_html(state_rows),
            "timeline": timeline_page,
            "timeline_items": timeline_html(
                timeline_page.reports,
                {row["report_id"] for row in current_rows},
                show_reference=bool(child_ids),
            ),
        },
    )


def commitment_states_download(request, reference, fmt):
    commitment, _plan, _rollup, _child_ids, _subtree, _current, state_rows = _commitment_page_data(
        reference
    )
    records = []
    for item in state_rows:
        figure = item["figure"]
        report_id = item["report_id"]
        records.append(
            {
                "reference": commitment.reference,
                "member_state_iso": item["state"].iso_code,
                "member_state": item["state"].name,
                "status": figure.status,
                "percentage": figure.mean_1dp,
                "sub_commitments_reported": figure.parts_reported,
                "sub_commitments_total": figure.parts_total,
                "last_report_date": figure.last_reported,
                "report_url": request.build_absolute_uri(
                    reverse("commitments:report", args=[report_id])
                )
                if report_id
                else None,
                "evidence_urls": " ".join(
                    request.build_absolute_uri(evidence_file_url(e)) if e.is_file else e.url
                    for e in item["evidence"]
                )
                or None,
            }
        )
    return opendata.download(
        fmt,
        f"commitment-{commitment.reference}-states",
        opendata.COMMITMENT_STATE_COLUMNS,
        records,
    )


@dataclass
class TimelinePage:
    """One page of a timeline, fetched with a single query whatever the history holds (no
    count: "newer" and "older" links instead of page numbers)."""

    reports: list
    number: int
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1


def timeline_slice(queryset, page):
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * TIMELINE_PAGE_SIZE
    reports = list(queryset[start : start + TIMELINE_PAGE_SIZE + 1])
    return TimelinePage(reports[:TIMELINE_PAGE_SIZE], number, len(reports) > TIMELINE_PAGE_SIZE)


# --- one member state ------------------------------------------------------------------------


def _state_page_data(iso_code):
    state = get_object_or_404(MemberState, iso_code=iso_code.upper())
    plan, rollup = current()
    rows = [
        make_row(commitment, rollup, state.id, plan.agencies_by_area)
        for commitment in plan.commitments
    ]
    return state, plan, rollup, rows


def state_detail(request, iso_code):
    state, plan, rollup, rows = _state_page_data(iso_code)
    areas = plan.areas
    return render(
        request,
        "commitments/state_detail.html",
        {
            "state": state,
            "overall": rollup.state_overall(state.id),
            "region": rollup.region(),
            "by_area": [
                (
                    area.number,
                    area.name,
                    area.get_absolute_url(),
                    rollup.state_area(state.id, area.id),
                )
                for area in areas
            ],
            "rows": rows,
            "latest_reports": latest_published(plan, member_state=state),
        },
    )


def state_download(request, iso_code, fmt):
    state, plan, _rollup, rows = _state_page_data(iso_code)
    records = [
        commitment_record(row, request, state.iso_code, plan.commitment_by_id) for row in rows
    ]
    return opendata.download(
        fmt, f"state-{state.iso_code}-commitments", opendata.COMMITMENT_COLUMNS, records
    )


# --- one report, the rules -------------------------------------------------------------------


def report_detail(request, pk):
    report = get_object_or_404(
        ProgressReport.objects.published().select_related(
            "commitment__area", "member_state", "supersedes"
        ),
        pk=pk,
    )
    newer = ProgressReport.objects.published().filter(supersedes=report).first()
    supersedes = report.supersedes if report.supersedes and report.supersedes.is_published else None
    return render(
        request,
        "commitments/report_detail.html",
        {
            "report": report,
            "evidence": list(report.evidence.all()),
            "supersedes": supersedes,
            "superseded_by": newer,
        },
    )


def about_figures(request):
    return render(
        request,
        "commitments/about_figures.html",
        {
            "due_soon_days": DUE_SOON_DAYS,
            "columns": {
                "commitments": opendata.COMMITMENT_COLUMNS,
                "matrix": opendata.MATRIX_COLUMNS,
                "breakdown": opendata.BREAKDOWN_COLUMNS,
                "status": opendata.STATUS_COLUMNS,
                "states": opendata.COMMITMENT_STATE_COLUMNS,
                "reports": opendata.REPORT_COLUMNS,
            },
        },
    )
