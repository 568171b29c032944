"""The public pages: dashboard, commitment list, commitment, member state, work area, agency,
report and the rules of the figures.

Every figure comes from the plan and the rollup that ``commitments.services.current`` keeps
per process until the data versions change; each page runs a fixed number of queries however
many reports history holds. Only published reports are ever read here.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from markupsafe import Markup

from areas.models import Agency, WorkArea
from areas.plan_text import versions as plan_versions
from celac_ppt.http import never_kept
from commitments.filters import ChangesFilter
from commitments.models import MemberState, Milestone, ProgressReport, Scope
from commitments.services import columns
from commitments.services import milestones as milestone_service
from commitments.services import search as plan_search
from commitments.services.changes import recent_changes
from commitments.services.current import current
from commitments.services.history import monthly_series
from commitments.services.links import absolute
from commitments.services.overview import (
    ATTENTION_KINDS,
    DEFAULT_RANKING_SORT,
    comparison,
    needs_attention,
    rank,
    ranking_sort,
    standings,
)
from commitments.services.progress import (
    AGEING,
    DUE_SOON_DAYS,
    FRESH,
    FRESHNESS_LABELS,
    STALE,
    bucket,
)
from commitments.services.reports import newest_first
from commitments.services.tables import (
    LATEST_REPORT_FIELDS,
    breakdowns,
    commitment_page_data,
    filtered_rows,
    latest_published,
    make_row,
    matrix,
    state_page_data,
    with_plan_objects,
)
from indicators.columns import PACKAGE_TABLES

from . import map as state_map
from . import share
from .charts import progress_chart
from .formatting import link, pct
from .forms import CompareForm
from .indicators import indicators_of

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 20
TIMELINE_PAGE_SIZE = 25


def linked_breakdowns(rollup, plan):
    """The breakdowns with the address each row links to: an area's or agency's page, or
    the commitment list filtered by the axis. Each row carries the area, axis or agency
    itself in place of its name, for the page to show the name in the reader's language."""
    list_url = reverse("public:commitments")
    return {
        by: [
            (key, obj, f"{list_url}?axis={obj.number}" if by == "axis" else link(obj), fig)
            for key, _name, obj, fig in items
        ]
        for by, items in breakdowns(rollup, plan.areas, plan.axes).items()
    }


# The work areas' short names in the matrix's header, in the reader's language (the legend
# under the matrix gives the full names).
AREA_ABBREVIATIONS = {
    1: pgettext_lazy("work area 1, short", "Aerospace"),
    2: pgettext_lazy("work area 2, short", "Risks"),
    3: pgettext_lazy("work area 3, short", "Science"),
    4: pgettext_lazy("work area 4, short", "Rectors"),
    5: pgettext_lazy("work area 5, short", "Procurement"),
    6: pgettext_lazy("work area 6, short", "Antimicrobials"),
    7: pgettext_lazy("work area 7, short", "Anti-corruption"),
    8: pgettext_lazy("work area 8, short", "China forum"),
    9: pgettext_lazy("work area 9, short", "UNGA"),
    10: pgettext_lazy("work area 10, short", "Governance"),
    11: pgettext_lazy("work area 11, short", "Prize"),
    12: pgettext_lazy("work area 12, short", "Coord."),
    13: pgettext_lazy("work area 13, short", "Oceans"),
    14: pgettext_lazy("work area 14, short", "Tourism"),
}
# How many items of each "needs attention" list, and states of each, the dashboard names;
# the attention page names them all.
ATTENTION_ON_DASHBOARD = 3
STATES_ON_DASHBOARD = 4


def abbreviated(area):
    short = AREA_ABBREVIATIONS.get(area.number)
    return str(short) if short else plan_versions(area, "name")[1].split()[0]


def matrix_rows(rollup, states, areas):
    """The matrix's rows: [(state, [(bucket, text), ...]), ...], ``text`` the value and
    "reported/total" on a second line, or "—" without a report.

    The dashboard shows several hundred cells but only a few dozen distinct figures, so each
    figure's words are made once."""
    kinds = {}
    rows = []
    for state, cells in matrix(rollup, states, areas):
        row = []
        for _area, fig in cells:
            key = (fig.percent, fig.parts_reported, fig.parts_total)
            kind = kinds.get(key)
            if kind is None:
                text = "—" if fig.percent is None else f"{pct(fig.percent)}\n{key[1]}/{key[2]}"
                kind = kinds[key] = (bucket(fig.percent), text)
            row.append(kind)
        rows.append((state, row))
    return rows


def area_rows(rollup, areas):
    """Each work area with its figure and the distribution of its pairs' statuses."""
    return [
        (area, rollup.area(area.id), rollup.distribution(rollup.top_level_by_area.get(area.id, [])))
        for area in areas
    ]


def history_chart(scope, title, scope_id=0):
    """The progress-over-time chart of one scope: one query, whatever the history holds."""
    return progress_chart(monthly_series(scope, scope_id), title)


def dashboard(request):
    plan, rollup = current()
    commitments, areas = plan.commitments, plan.areas
    states = MemberState.by_local_name(plan.states)
    rows = [make_row(commitment, rollup) for commitment in commitments]
    # The commitments states report on, as "needs attention" counts them: a parent's
    # deadline is its sub-commitments', so it is not counted twice.
    reportable = set(rollup.leaf_ids)
    with_deadline = [
        row for row in rows if row.commitment.due_date and row.commitment.id in reportable
    ]
    breakdown = linked_breakdowns(rollup, plan)
    context = {
        "history_chart": history_chart(Scope.PLAN, gettext("Progress of the whole plan over time")),
        "region": rollup.region(),
        "distribution": rollup.distribution(),
        "area_rows": area_rows(rollup, areas),
        "attention": needs_attention(plan, rollup),
        "attention_kinds": ATTENTION_KINDS,
        "attention_items": ATTENTION_ON_DASHBOARD,
        "attention_states": STATES_ON_DASHBOARD,
        "states_total": len(states),
        "reporting_states": len(rollup.reporting_state_ids),
        "commitments_total": len(commitments),
        "breakdowns": {by: breakdown[by] for by in ("axis", "agency")},
        "areas": [(area, abbreviated(area)) for area in areas],
        "matrix": matrix_rows(rollup, states, areas),
        "latest_reports": latest_published(plan),
        "overdue_count": sum(1 for row in with_deadline if row.overdue),
        "deadlines_total": len(with_deadline),
        "today": rollup.today,
        "share": share.plan_card(),
    }
    return render(request, "public/dashboard.html", context)


def attention(request):
    """Everything that needs attention, in full: the dashboard's section names the first."""
    plan, rollup = current()
    rows = [make_row(commitment, rollup) for commitment in plan.commitments]
    with_deadline = [row for row in rows if row.commitment.due_date]
    # Counted as the lists above count them: the commitments states report on.
    reportable = set(rollup.leaf_ids)
    counted = [row for row in with_deadline if row.commitment.id in reportable]
    rows_by_area = {}
    for row in rows:
        rows_by_area.setdefault(row.commitment.area_id, []).append(row)
    return render(
        request,
        "public/attention.html",
        {
            "attention": needs_attention(plan, rollup),
            "attention_kinds": ATTENTION_KINDS,
            "states_total": len(plan.states),
            "deadlines": sorted(with_deadline, key=lambda row: row.commitment.due_date),
            "overdue_count": sum(1 for row in counted if row.overdue),
            "due_soon_count": sum(1 for row in counted if row.due_soon),
            "deadlines_total": len(counted),
            "without_deadline": len(rows) - len(with_deadline),
            "due_soon_days": DUE_SOON_DAYS,
            "freshness_grid": [(area, rows_by_area.get(area.id, [])) for area in plan.areas],
            "freshness_counts": [
                (light, FRESHNESS_LABELS[light], sum(1 for row in rows if row.freshness == light))
                for light in (FRESH, AGEING, STALE)
            ],
            "share": share.plan_card(),
        },
    )


def state_list(request):
    """The 33 member states ranked: progress, coverage, latest report, overdue commitments.

    An unknown ``?sort=`` gives the default order and says so; it is never an error page,
    as a ranking link may be mistyped or come from an older release."""
    plan, rollup = current()
    asked = request.GET.get("sort")
    sort = ranking_sort(asked)
    return render(
        request,
        "public/state_list.html",
        {
            "standings": rank(standings(plan, rollup), sort or DEFAULT_RANKING_SORT),
            "sort": sort or DEFAULT_RANKING_SORT,
            "bad_sort": asked if asked is not None and sort is None else None,
            "region": rollup.region(),
            "reportable": len(rollup.leaf_ids),
            "share": share.plan_card(),
        },
    )


def state_compare(request):
    """Two to four member states side by side, by work area. Without ``?s=`` the page
    offers the choice; a wrong choice is a 400 with the form and its message."""
    plan, rollup = current()
    form = CompareForm(
        request.GET if "s" in request.GET else None,
        states=MemberState.by_local_name(plan.states),
    )
    chosen, status = [], 200
    if form.is_bound:
        if form.is_valid():
            chosen = form.cleaned_data["s"]
        else:
            status = 400
    by_area = comparison(plan, rollup, chosen) if chosen else []
    standing = {s.state.id: s for s in standings(plan, rollup)} if chosen else {}
    return render(
        request,
        "public/state_compare.html",
        {
            "form": form,
            "chosen": [
                (state, rollup.state_overall(state.id), standing[state.id]) for state in chosen
            ],
            "by_area": [(area, abbreviated(area), figures) for area, figures in by_area],
            "share": share.plan_card(),
        },
        status=status,
    )


def commitment_list(request):
    filterset, rows, state, _plan = filtered_rows(request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/commitment_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "rows": page.object_list,
            "total": len(rows),
            "state": state,
            "has_errors": filterset.is_bound and bool(filterset.errors),
            "download_query": query.urlencode(),
            "share": share.plan_card(),
        },
    )


def commitment_detail(request, reference):
    commitment, plan, rollup, child_ids, subtree, current_rows, state_rows = commitment_page_data(
        reference
    )
    agencies = plan.agencies_by_area.get(commitment.area_id, [])
    # Newest reporting date first, ties as CURRENT_ORDER breaks them: the order that says
    # which report is a state's current one, so a backdated report takes its place by date.
    timeline = (
        ProgressReport.objects.published()
        .filter(commitment_id__in=subtree)
        .only(*LATEST_REPORT_FIELDS)
        .order_by(*newest_first())
    )
    timeline_page = timeline_slice(timeline, request.GET.get("page"))
    timeline_page.reports = with_plan_objects(plan, timeline_page.reports)
    return render(
        request,
        "public/commitment_detail.html",
        {
            "commitment": commitment,
            "history_chart": history_chart(
                Scope.COMMITMENT, gettext("Progress of this commitment over time"), commitment.id
            ),
            "row": make_row(commitment, rollup),
            "distribution": rollup.distribution([commitment.id]),
            "children": [make_row(rollup.by_id[cid], rollup) for cid in child_ids],
            "agencies": agencies,
            "state_rows": state_rows,
            "timeline": timeline_page,
            "milestones": milestone_service.of_commitments(plan, subtree),
            "current_report_ids": {row["report_id"] for row in current_rows},
            # A parent's milestones say which sub-commitment each is on.
            "show_reference": bool(child_ids),
            "share": share.commitment_card(commitment, rollup),
            # The embed snippet's address is absolute: it is pasted into other sites.
            "site_url": settings.SITE_URL.rstrip("/"),
            "indicators": indicators_of(commitment=commitment),
        },
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


def state_detail(request, iso_code):
    state, plan, rollup, rows = state_page_data(iso_code)
    areas = plan.areas
    return render(
        request,
        "public/state_detail.html",
        {
            "state": state,
            "history_chart": history_chart(
                Scope.STATE, gettext("Progress reported by this state over time"), state.id
            ),
            "overall": rollup.state_overall(state.id),
            "distribution": rollup.distribution(state_ids=[state.id]),
            "region": rollup.region(),
            "by_area": [
                (
                    area.number,
                    area,
                    link(area),
                    rollup.state_area(state.id, area.id),
                )
                for area in areas
            ],
            "rows": rows,
            "latest_reports": latest_published(plan, member_state=state),
            "site_url": settings.SITE_URL.rstrip("/"),
            "share": share.state_card(state, rollup),
        },
    )


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
        "public/report_detail.html",
        {
            "report": report,
            "evidence": list(report.evidence.all()),
            "supersedes": supersedes,
            "superseded_by": newer,
            "share": share.plan_card(),
        },
    )


def milestone_document(request, pk):
    """A milestone's outcome document, when a curator uploaded it: public, as the
    milestone is."""
    milestone = get_object_or_404(Milestone.objects.exclude(document_file=""), pk=pk)
    return FileResponse(
        milestone.document_file.open("rb"),
        as_attachment=True,
        filename=milestone.document_file.name.rsplit("/", 1)[-1],
        content_type=milestone.document_content_type or "application/octet-stream",
    )


def changes(request):
    """What changed in the last 30 days, newest first: a fixed number of queries, whatever
    the history holds (``commitments.services.changes``)."""
    plan, rollup = current()
    form = ChangesFilter(request.GET or None, plan=plan)
    state, area = form.selected()
    items = recent_changes(plan, rollup, state, area)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/changes.html",
        {
            "form": form,
            "state": state,
            "area": area,
            "items": page.object_list,
            "page_obj": page,
            "total": len(items),
            "share": share.plan_card(),
        },
    )


def about_figures(request):
    return render(
        request,
        "public/about_figures.html",
        {
            "due_soon_days": DUE_SOON_DAYS,
            "columns": {
                "commitments": columns.COMMITMENT_COLUMNS,
                "matrix": columns.MATRIX_COLUMNS,
                "breakdown": columns.BREAKDOWN_COLUMNS,
                "status": columns.STATUS_COLUMNS,
                "states": columns.COMMITMENT_STATE_COLUMNS,
                "reports": columns.REPORT_COLUMNS,
                "milestones": columns.MILESTONE_COLUMNS,
            },
            "share": share.plan_card(),
        },
    )


def area_detail(request, number):
    area = get_object_or_404(WorkArea.objects.with_plan(), number=number)
    plan, rollup = current()
    rows = [make_row(c, rollup) for c in plan.commitments if c.area_id == area.id]
    return render(
        request,
        "public/area_detail.html",
        {
            "area": area,
            "history_chart": history_chart(
                Scope.AREA, gettext("Progress of this work area over time"), area.id
            ),
            "agencies": list(area.agencies.all()),
            "officials": list(area.officials.all()),
            "objectives": list(area.objectives.all()),
            "progress": rollup.area(area.id),
            "distribution": rollup.distribution(rollup.top_level_by_area.get(area.id, [])),
            "commitment_tree": _tree(rows),
            "milestones": milestone_service.of_area(plan, area),
            "download_query": urlencode({"area": area.number}),
            "indicators": indicators_of(area=area),
            "share": share.plan_card(),
        },
    )


def agency_detail(request, acronym):
    agency = get_object_or_404(Agency.objects.prefetch_related("officials"), acronym=acronym)
    areas = list(WorkArea.objects.select_related("axis").filter(agencies=agency))
    area_ids = {area.id for area in areas}
    plan, rollup = current()
    rows = [make_row(c, rollup) for c in plan.commitments if c.area_id in area_ids]
    return render(
        request,
        "public/agency_detail.html",
        {
            "agency": agency,
            "officials": list(agency.officials.all()),
            "progress": rollup.group(rollup.top_level_of_areas(area_ids)),
            "by_area": [(area.number, area, link(area), rollup.area(area.id)) for area in areas],
            "rows": rows,
            "download_query": urlencode({"agency": agency.acronym}),
            "share": share.plan_card(),
        },
    )


def _tree(rows):
    """Top-level rows, each with its ``child_nodes``, from one flat list in plan order."""
    by_parent = {}
    for row in rows:
        by_parent.setdefault(row.commitment.parent_id, []).append(row)
    for row in rows:
        row.child_nodes = by_parent.get(row.commitment.id, [])
    return by_parent.get(None, [])


# What each column type of commitments.services.columns is called on the open-data page.
COLUMN_TYPES = {
    "string": _("text"),
    "integer": _("whole number"),
    "number": _("number"),
    "boolean": _("true or false"),
    "date": _("date (YYYY-MM-DD)"),
    "datetime": _("date and time (ISO 8601)"),
    "uri": _("address (URL)"),
}
# JSON inside <script> must not close it or open a comment: the same escapes as Django's
# json_script.
JSON_IN_HTML = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def json_ld(data):
    """``data`` as JSON that a ``<script type="application/ld+json">`` can hold."""
    return Markup(json.dumps(data, ensure_ascii=False, indent=1).translate(JSON_IN_HTML))  # noqa: S704


def open_data_tables():
    """Every open-data table as the page lists it: its downloads and its columns."""
    tables = []
    for table in PACKAGE_TABLES:
        csv_url = "/" + table.path
        tables.append(
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "csv": csv_url,
                "json": csv_url.removesuffix(".csv") + ".json",
                "columns": table.columns,
            }
        )
    for name, title, pattern, table_columns in columns.PER_ITEM_TABLES:
        csv_url = "/" + pattern
        tables.append(
            {
                "name": name,
                "title": title,
                "description": None,
                "pattern": csv_url,
                "pattern_json": csv_url.removesuffix(".csv") + ".json",
                "columns": table_columns,
            }
        )
    return tables


def dataset_json_ld(request, tables, addresses):
    """The schema.org ``Dataset`` (with DCAT's fields) that search engines and data
    catalogues read from the open-data page."""
    distribution = []
    for table in tables:
        if "csv" not in table:
            continue
        for fmt, media_type in (("csv", "text/csv"), ("json", "application/json")):
            distribution.append(
                {
                    "@type": ["DataDownload", "dcat:Distribution"],
                    "name": f"{table['title']} ({fmt.upper()})",
                    "encodingFormat": media_type,
                    "contentUrl": absolute(table[fmt]),
                    "dcat:downloadURL": absolute(table[fmt]),
                    "dcat:mediaType": media_type,
                }
            )
    distribution += [
        {
            "@type": "DataDownload",
            "name": gettext("Data package (all tables)"),
            "encodingFormat": "application/zip",
            "contentUrl": absolute(addresses["zip"]),
        },
        {
            "@type": "DataDownload",
            "name": "datapackage.json",
            "encodingFormat": "application/json",
            "contentUrl": absolute(addresses["datapackage"]),
        },
    ]
    # When the data last changed: the latest publication (one query); none before the first.
    modified = ProgressReport.objects.published().aggregate(latest=Max("published_at"))["latest"]
    dates = {}
    if modified is not None:
        dates = {
            "dateModified": modified.isoformat(),
            "dct:modified": timezone.localdate(modified).isoformat(),
        }
    return {
        # schema.org for search engines; DCAT's and Dublin Core's terms for data catalogues
        # (DCAT-AP, the EU and national portals' profile).
        "@context": [
            "https://schema.org",
            {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        ],
        "@type": ["Dataset", "dcat:Dataset"],
        "dct:title": gettext("CELAC PPT 2020 work plan: commitments and progress"),
        "dct:publisher": "Secretaría de Relaciones Exteriores (SRE), México",
        "dct:license": LICENSE_URL,
        "dcat:landingPage": absolute(request.path),
        "dcat:keyword": ["CELAC", "PPT 2020", "open data"],
        **dates,
        "name": gettext("CELAC PPT 2020 work plan: commitments and progress"),
        "description": gettext(
            "The work plan of Mexico’s 2020 Pro Tempore Presidency of CELAC (work areas, "
            "thematic axes, agencies and commitments) and the progress the member states "
            "reported on it, as published after review."
        ),
        "url": absolute(request.path),
        "inLanguage": get_language(),
        "license": LICENSE_URL,
        "isAccessibleForFree": True,
        "keywords": ["CELAC", "PPT 2020", "open data"],
        "publisher": {
            "@type": "Organization",
            "name": "Secretaría de Relaciones Exteriores (SRE), México",
        },
        "isBasedOn": "Propuesta de áreas de trabajo para la PPT 2020 de la CELAC",
        "temporalCoverage": "2020",
        "spatialCoverage": {
            "@type": "Place",
            "name": gettext("Latin America and the Caribbean (the 33 CELAC member states)"),
        },
        "distribution": distribution,
    }


def open_data(request):
    tables = open_data_tables()
    addresses = {
        "datapackage": reverse("opendata:datapackage"),
        "zip": reverse("opendata:datapackage_zip"),
        "api": reverse("api:root"),
        "docs": reverse("api-docs"),
        "schema_json": reverse("api:schema-json"),
        "schema_yaml": reverse("api:schema-yaml"),
    }
    return render(
        request,
        "public/open_data.html",
        {
            "tables": tables,
            "column_types": COLUMN_TYPES,
            "addresses": addresses,
            "api_root": absolute(addresses["api"]),
            "endpoints": API_ENDPOINTS,
            "license_url": LICENSE_URL,
            "json_ld": json_ld(dataset_json_ld(request, tables, addresses)),
            "share": share.plan_card(),
        },
    )


# The API's collections, as the open-data page lists them (api/urls.py serves them).
API_ENDPOINTS = [
    ("commitments/", _("Commitments with their figures; the commitment list's filters apply.")),
    ("commitments/{reference}/", _("A commitment, with each member state's own figure.")),
    ("areas/", _("Work areas with their figures.")),
    ("axes/", _("Thematic axes with their figures.")),
    ("agencies/", _("Responsible agencies with the figures of their work areas.")),
    ("states/", _("Member states with their own figures; states/{iso_code}/ by work area.")),
    ("reports/", _("Published reports with their evidence, newest first.")),
    ("matrix/", _("Member states × work areas, one item per cell.")),
    ("history/", _("The whole plan’s progress at the end of each month, with its coverage.")),
    ("milestones/", _("The commitments' events, by commitment, work area or status.")),
]


# The colour classes of the map and its legend: (bucket, lowest, highest percentage).
MAP_BUCKETS = (
    ("p0", None, 0),
    ("p1", 1, 24),
    ("p2", 25, 49),
    ("p3", 50, 74),
    ("p4", 75, 99),
    ("p5", None, 100),
)


def state_map_page(request):
    plan, rollup = current()
    shapes, missing = state_map.shapes(plan, rollup)
    drawn = state_map.geometry()
    return render(
        request,
        "public/map.html",
        {
            "shapes": shapes,
            "missing": missing,
            "width": drawn["width"],
            "height": drawn["height"],
            "context_path": drawn["context"],
            "source": drawn["source"],
            "marker_radius": state_map.MARKER_RADIUS,
            "buckets": MAP_BUCKETS,
            "counts": {
                bucket: sum(1 for shape in shapes if shape.figure.bucket == bucket)
                for bucket in ["none", *(bucket for bucket, _low, _high in MAP_BUCKETS)]
            },
            "share": share.plan_card(),
        },
    )


def area_list(request):
    plan, rollup = current()
    counts = {}
    for commitment in plan.commitments:
        counts[commitment.area_id] = counts.get(commitment.area_id, 0) + 1
    return render(
        request,
        "public/area_list.html",
        {
            "rows": [
                (
                    area,
                    rollup.area(area.id),
                    counts.get(area.id, 0),
                    plan.agencies_by_area.get(area.id, []),
                )
                for area in plan.areas
            ],
            "share": share.plan_card(),
        },
    )


def agency_list(request):
    plan, rollup = current()
    areas_by_agency = {}
    for area in plan.areas:
        for agency in plan.agencies_by_area.get(area.id, []):
            areas_by_agency.setdefault(agency.id, []).append(area)
    agencies = Agency.objects.prefetch_related("officials").order_by("acronym")
    rows = []
    for agency in agencies:
        areas = areas_by_agency.get(agency.id, [])
        progress = rollup.group(rollup.top_level_of_areas({area.id for area in areas}))
        rows.append((agency, areas, list(agency.officials.all()), progress))
    return render(request, "public/agency_list.html", {"rows": rows, "share": share.plan_card()})


@never_kept
def search(request):
    query = request.GET.get("q", "")
    context = {"query": query, "asked": "q" in request.GET, "share": share.plan_card()}
    try:
        results = plan_search.search(query)
    except plan_search.SearchError as error:
        context["error"] = str(error) if context["asked"] else None
        return render(request, "public/search.html", context)
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    groups = []
    for hit in page.object_list:
        hit.pieces = plan_search.highlighted(
            hit.title or hit.text, results.words, limit=plan_search.EXCERPT_CHARS
        )
        if not groups or groups[-1][0] is not hit.kind:
            groups.append((hit.kind, []))
        groups[-1][1].append(hit)
    context.update(
        {
            "words": results.words,
            "page_obj": page,
            "total": results.count(),
            "groups": groups,
            "counts": [
                (kind, results.counts[kind.name])
                for kind in plan_search.KINDS
                if results.counts[kind.name]
            ],
        }
    )
    return render(request, "public/search.html", context)
