"""The read-only API, version 1: the figures and rows the public pages show, as JSON.

Every figure comes from ``commitments.services.current.current()`` and the rows from
``commitments.services.tables`` and ``records``, exactly as on the pages and in the
downloads; nothing is computed again here. Only published reports and their evidence are
ever read. Each view runs a fixed number of queries whatever the number of reports.

The URLconf is served through ``celac_ppt.http.public_pages``: every response carries a
strong ``ETag`` from the data versions, answers ``If-None-Match`` with 304, and is kept,
compressed, in the page cache.
"""

import functools

from django import forms
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse

from areas.plan_text import TRANSLATIONS
from commitments.filters import SORT_CHOICES, CommitmentFilter
from commitments.models import Evidence, Milestone, MilestoneStatus, ProgressReport
from commitments.services import milestones as milestone_service
from commitments.services.current import current, current_plan
from commitments.services.links import absolute
from commitments.services.progress import STATUS_CHOICES
from commitments.services.records import (
    commitment_record,
    commitment_state_records,
    evidence_url,
    matrix_records,
    milestone_records,
    report_records,
    spanish,
    translated,
)
from commitments.services.tables import (
    breakdowns,
    commitment_page_data,
    filtered_rows,
    make_row,
    matrix,
    with_plan_objects,
)
from indicators.models import Indicator
from indicators.services.figures import current_values, figures
from indicators.services.records import (
    current_published_values,
    indicator_record,
    indicator_records,
    value_records,
)

from . import serializers as s
from .history import monthly_history

NOT_FOUND = OpenApiResponse(
    s.ErrorSerializer,
    description="No such resource, or a page past the last.",
    examples=[OpenApiExample("Not found", value={"detail": "No encontrado."})],
)
THROTTLED = OpenApiResponse(
    s.ErrorSerializer,
    description="Too many requests from this address: wait the seconds `Retry-After` says.",
    examples=[
        OpenApiExample(
            "Throttled",
            value={
                "detail": "Pedido fue regulado (throttled). Se espera disponible en 30 segundos."
            },
        )
    ],
)
# Any operation: a parameter, the address or a cookie holding a NUL is refused before the
# API reads it (celac_ppt.middleware.RequestLimitsMiddleware), with the same body as a bad
# filter, keyed by the parameter's name ("address" or "cookie" for those).
REFUSED = OpenApiResponse(
    s.FilterErrorSerializer,
    description=(
        "A parameter, the address or a cookie holds a character that is not accepted (NUL): "
        "nothing is returned."
    ),
    examples=[
        OpenApiExample(
            "NUL in a parameter",
            value={"errors": {"q": ["Este valor contiene un carácter que no se acepta (NUL)."]}},
        )
    ],
)
BAD_FILTER = OpenApiResponse(
    s.FilterErrorSerializer,
    description=(
        "A filter's value is not valid, or a parameter, the address or a cookie holds a NUL: "
        "nothing is returned."
    ),
    examples=[
        OpenApiExample(
            "Unknown work area",
            value={"errors": {"area": ["Escoja una opción válida."]}},
        )
    ],
)
ERRORS = {400: REFUSED, 404: NOT_FOUND, 429: THROTTLED}

COMMITMENT_EXAMPLE = {
    "reference": "1.1",
    "parent_reference": None,
    "area_number": 1,
    "area_name": "Cooperación aeroespacial y aeronáutica",
    "axis_number": 3,
    "responsible_agencies": "AEM; SRE",
    "commitment": "Establecer el mecanismo regional de cooperación espacial.",
    "due_date": "2020-12-31",
    "due_label": "diciembre de 2020",
    "scope": "region",
    "status": "in_progress",
    "mean_percentage": 42.5,
    "states_reported": 4,
    "states_total": 33,
    "sub_commitments_reported": None,
    "sub_commitments_total": None,
    "last_report_date": "2020-09-30",
    "freshness": "green",
    "overdue": False,
    "url": "https://portal.example.org/es/commitments/1.1/",
}


def spanish_links(method):
    """The API is the same whatever the reader's language: links name the Spanish pages,
    as in the open-data downloads."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with translation.override("es"):
            return method(*args, **kwargs)

    return wrapper


class ApiView(GenericAPIView):
    """No sessions, no log-ins: every client is anonymous and sees the same data."""

    authentication_classes = []

    @spanish_links
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def paginated(self, items, serializer_class):
        page = self.paginate_queryset(items)
        return self.get_paginated_response(serializer_class(page, many=True).data)


def _progress(figure):
    return {
        "mean_percentage": figure.mean_1dp,
        "states_reported": figure.states_reported,
        "states_total": figure.states_total,
        "commitments_reported": figure.parts_reported,
        "commitments_total": figure.parts_total,
    }


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, as the API's own."""
    return JsonResponse({"detail": "No encontrado."}, status=404)


# --- the root ---------------------------------------------------------------------------


class Root(ApiView):
    @extend_schema(
        summary="The API's entry point",
        description="Links to every collection of the API, to its schema and documentation.",
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, description="{name: absolute address} of each collection."
            ),
            400: REFUSED,
            429: THROTTLED,
        },
    )
    def get(self, request):
        names = (
            "axes",
            "areas",
            "agencies",
            "commitments",
            "states",
            "reports",
            "matrix",
            "indicators",
            "indicator_values",
            "milestones",
        )
        links = {name: absolute(api_reverse(f"api:{name}")) for name in names}
        links["history"] = absolute(api_reverse("api:history"))
        links["schema"] = absolute(api_reverse("api:schema-json"))
        links["docs"] = absolute(api_reverse("api-docs"))
        return Response(links)


# --- the plan and its groups ------------------------------------------------------------


def _axis_data(request, axis, figure):
    return {
        "number": axis.number,
        "name": spanish(axis, "name"),
        "commitments_url": absolute(api_reverse("api:commitments")) + f"?axis={axis.number}",
        "progress": _progress(figure),
        **translated("name", axis, "name"),
    }


def _area_data(request, area, plan, figure):
    return {
        "number": area.number,
        "name": spanish(area, "name"),
        "axis_number": area.axis.number,
        "agencies": [agency.acronym for agency in plan.agencies_by_area.get(area.id, [])],
        "url": absolute(area.get_absolute_url()),
        "progress": _progress(figure),
        **translated("name", area, "name"),
    }


def _agency_data(request, agency, area_numbers, figure):
    return {
        "acronym": agency.acronym,
        "name": spanish(agency, "name"),
        "area_numbers": area_numbers,
        "url": absolute(agency.get_absolute_url()),
        "progress": _progress(figure),
        **translated("name", agency, "name"),
    }


def _agency_areas(plan):
    numbers = {}
    for area in plan.areas:
        for agency in plan.agencies_by_area.get(area.id, []):
            numbers.setdefault(agency.pk, []).append(area.number)
    return numbers


def _one(items, test):
    for item in items:
        if test(item):
            return item
    raise Http404


class AxisList(ApiView):
    @extend_schema(
        summary="Thematic axes",
        description="The plan's thematic axes by number, each with its regional figure.",
        responses={200: s.AxisSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        plan, rollup = current()
        items = [
            _axis_data(request, axis, fig) for _, _, axis, fig in _groups(plan, rollup, "axis")
        ]
        return self.paginated(items, s.AxisSerializer)


class AxisDetail(ApiView):
    @extend_schema(
        summary="A thematic axis",
        responses={200: s.AxisSerializer, **ERRORS},
    )
    def get(self, request, number):
        plan, rollup = current()
        _, _, axis, fig = _one(_groups(plan, rollup, "axis"), lambda item: item[2].number == number)
        return Response(s.AxisSerializer(_axis_data(request, axis, fig)).data)


def _groups(plan, rollup, by):
    return breakdowns(rollup, plan.areas, plan.axes)[by]


class AreaList(ApiView):
    @extend_schema(
        summary="Work areas",
        description="The plan's 14 work areas by number, each with its regional figure.",
        responses={200: s.AreaSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        plan, rollup = current()
        items = [
            _area_data(request, area, plan, fig)
            for _, _, area, fig in _groups(plan, rollup, "area")
        ]
        return self.paginated(items, s.AreaSerializer)


class AreaDetail(ApiView):
    @extend_schema(summary="A work area", responses={200: s.AreaSerializer, **ERRORS})
    def get(self, request, number):
        plan, rollup = current()
        _, _, area, fig = _one(_groups(plan, rollup, "area"), lambda item: item[2].number == number)
        return Response(s.AreaSerializer(_area_data(request, area, plan, fig)).data)


class AgencyList(ApiView):
    @extend_schema(
        summary="Responsible agencies",
        description="The agencies responsible for work areas, by acronym, each with the "
        "regional figure of its work areas.",
        responses={200: s.AgencySerializer(many=True), **ERRORS},
    )
    def get(self, request):
        plan, rollup = current()
        numbers = _agency_areas(plan)
        items = [
            _agency_data(request, agency, numbers[agency.pk], fig)
            for _, _, agency, fig in _groups(plan, rollup, "agency")
        ]
        return self.paginated(items, s.AgencySerializer)


class AgencyDetail(ApiView):
    @extend_schema(summary="A responsible agency", responses={200: s.AgencySerializer, **ERRORS})
    def get(self, request, acronym):
        plan, rollup = current()
        _, _, agency, fig = _one(
            _groups(plan, rollup, "agency"), lambda item: item[2].acronym == acronym
        )
        data = _agency_data(request, agency, _agency_areas(plan)[agency.pk], fig)
        return Response(s.AgencySerializer(data).data)


# --- commitments ------------------------------------------------------------------------


def _filter_parameters():
    """The commitment list's filters (commitments.filters.CommitmentFilter), as parameters."""
    kinds = {
        "q": (OpenApiTypes.STR, None, "Words of the commitment, its reference or its deadline."),
        "area": (OpenApiTypes.INT, None, "A work area's number (1 to 14)."),
        "axis": (OpenApiTypes.INT, None, "A thematic axis' number."),
        "agency": (OpenApiTypes.STR, None, "A responsible agency's acronym, e.g. SRE."),
        "state": (
            OpenApiTypes.STR,
            None,
            "A member state's ISO code: the figures, status and overdue test become that "
            "state's own (scope is then its code). It does not remove rows.",
        ),
        "status": (OpenApiTypes.STR, [value for value, _ in STATUS_CHOICES], "A status."),
        "due_after": (OpenApiTypes.DATE, None, "Due on or after this date (YYYY-MM-DD)."),
        "due_before": (OpenApiTypes.DATE, None, "Due on or before this date (YYYY-MM-DD)."),
        "overdue": (OpenApiTypes.BOOL, None, "true: only commitments that are overdue."),
        "sort": (
            OpenApiTypes.STR,
            [value for value, _ in SORT_CHOICES],
            "The order: plan (the default), -progress, progress, -coverage, due, -due, "
            "-last_report. Rows without a value keep plan order at the end.",
        ),
    }
    assert set(kinds) == set(CommitmentFilter.base_filters), "every filter is documented"
    return [
        OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=text, enum=enum)
        for name, (kind, enum, text) in kinds.items()
    ]


class CommitmentList(ApiView):
    @extend_schema(
        summary="Commitments",
        description="Every commitment with its figures and coverage, as the commitment list "
        "shows them, under the same filters. The rows are those of "
        "`/commitments/data.json` with the same query.",
        parameters=_filter_parameters(),
        responses={200: s.CommitmentSerializer(many=True), **ERRORS, 400: BAD_FILTER},
        examples=[OpenApiExample("A commitment", value=COMMITMENT_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        params = {k: v for k, v in request.GET.items() if k not in ("page", "page_size")}
        filterset, rows, state, plan = filtered_rows(params)
        if filterset.is_bound and not filterset.is_valid():
            return Response(
                {"errors": {name: list(errors) for name, errors in filterset.errors.items()}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        scope = state.iso_code if state else "region"
        items = [commitment_record(row, request, scope, plan.commitment_by_id) for row in rows]
        return self.paginated(items, s.CommitmentSerializer)


class CommitmentDetail(ApiView):
    @extend_schema(
        summary="A commitment",
        description="A commitment's regional figures with each member state's own.",
        parameters=[
            OpenApiParameter(
                "reference",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The commitment's reference, e.g. 1.1 or 13.2.4.",
                pattern=r"^[0-9]{1,3}(\.[0-9]{1,3}){0,4}$",
            )
        ],
        responses={200: s.CommitmentDetailSerializer, **ERRORS},
    )
    def get(self, request, reference):
        commitment, plan, rollup, _kids, subtree, _current, state_rows = commitment_page_data(
            reference
        )
        row = make_row(plan.commitment_by_id[commitment.id], rollup, None, plan.agencies_by_area)
        data = commitment_record(row, request, "region", plan.commitment_by_id)
        data["states"] = commitment_state_records(commitment, state_rows, request)
        data["milestones"] = milestone_records(milestone_service.of_commitments(plan, subtree))
        return Response(s.CommitmentDetailSerializer(data).data)


# --- member states, the matrix ----------------------------------------------------------


def _state_data(request, state, rollup):
    figure = rollup.state_overall(state.id)
    return {
        "iso_code": state.iso_code,
        "name": state.name,
        "url": absolute(state.get_absolute_url()),
        "mean_percentage": figure.mean_1dp,
        "commitments_reported": figure.parts_reported,
        "commitments_total": figure.parts_total,
        "last_report_date": figure.last_reported,
        **{f"name_{lang}": state.name_in(lang) for lang in TRANSLATIONS},
    }


class StateList(ApiView):
    @extend_schema(
        summary="Member states",
        description="The 33 member states by name, each with its own figure over the plan.",
        responses={200: s.MemberStateSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        plan, rollup = current()
        items = [_state_data(request, state, rollup) for state in plan.states]
        return self.paginated(items, s.MemberStateSerializer)


class StateDetail(ApiView):
    @extend_schema(
        summary="A member state",
        description="A member state's own figure over the plan and in each work area.",
        parameters=[
            OpenApiParameter(
                "iso_code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The member state's ISO 3166-1 alpha-2 code, e.g. MX.",
                pattern="^[A-Za-z]{2}$",
            )
        ],
        responses={200: s.MemberStateDetailSerializer, **ERRORS},
    )
    def get(self, request, iso_code):
        plan, rollup = current()
        state = _one(plan.states, lambda state: state.iso_code == iso_code.upper())
        data = _state_data(request, state, rollup)
        rollup.state_area_figures()
        data["areas"] = [
            {
                "area_number": area.number,
                "area_name": spanish(area, "name"),
                "mean_percentage": figure.mean_1dp,
                "commitments_reported": figure.parts_reported,
                "commitments_total": figure.parts_total,
                **translated("area_name", area, "name"),
            }
            for area in plan.areas
            for figure in [rollup.state_area(state.id, area.id)]
        ]
        return Response(s.MemberStateDetailSerializer(data).data)


class Matrix(ApiView):
    @extend_schema(
        summary="Member states × work areas",
        description="Each member state's own mean in each work area, one item per cell, "
        "states by name then areas by number (the rows of `/open-data/matrix.json`).",
        responses={200: s.MatrixCellSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        plan, rollup = current()
        items = matrix_records(matrix(rollup, plan.states, plan.areas))
        return self.paginated(items, s.MatrixCellSerializer)


# --- published reports and the history --------------------------------------------------


def published_evidence():
    # Reports are published ones already; their evidence is what the report page shows.
    return Prefetch("evidence", queryset=Evidence.objects.order_by("id"))


def _report_data(request, report, record):
    record["narrative"] = report.narrative
    record["evidence"] = [
        {
            "title": item.title or "",
            "kind": "file" if item.is_file else "link",
            "url": evidence_url(item, request),
            "content_type": (item.content_type or None) if item.is_file else None,
            "size": item.size if item.is_file else None,
        }
        for item in report.evidence.all()
    ]
    return record


def _reports_data(request, reports):
    return [
        _report_data(request, report, record)
        for report, record in zip(reports, report_records(reports, request), strict=True)
    ]


REPORT_FIELDS = ("commitment", "member_state", "status", "percentage", "narrative")


class ReportList(ApiView):
    @extend_schema(
        summary="Published reports",
        description="Every published progress report, newest publication first, with its "
        "evidence. Drafts and reports under review or returned are never listed.",
        parameters=[
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                description="Only this member state's reports (ISO code, e.g. MX).",
            ),
            OpenApiParameter(
                "commitment",
                OpenApiTypes.STR,
                description="Only reports on this commitment (its reference, e.g. 1.1).",
            ),
        ],
        responses={200: s.ReportSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        plan = current_plan()
        reports = ProgressReport.objects.published().order_by("-published_at", "-id")
        if code := request.GET.get("state"):
            ids = [state.id for state in plan.states if state.iso_code == code.upper()]
            reports = reports.filter(member_state_id__in=ids)
        if reference := request.GET.get("commitment"):
            ids = [c.id for c in plan.commitments if c.reference == reference]
            reports = reports.filter(commitment_id__in=ids)
        page = self.paginate_queryset(reports.prefetch_related(published_evidence()))
        data = _reports_data(request, with_plan_objects(plan, page))
        return self.get_paginated_response(s.ReportSerializer(data, many=True).data)


class ReportDetail(ApiView):
    @extend_schema(
        summary="A published report",
        responses={200: s.ReportSerializer, **ERRORS},
    )
    def get(self, request, pk):
        plan = current_plan()
        report = get_object_or_404(
            ProgressReport.objects.published().prefetch_related(published_evidence()), pk=pk
        )
        [data] = _reports_data(request, with_plan_objects(plan, [report]))
        return Response(s.ReportSerializer(data).data)


class MilestoneFilter(forms.Form):
    """The milestone list's filters: a value that is not valid is a 400 with its message."""

    commitment = forms.CharField(required=False)
    area = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(required=False, choices=MilestoneStatus.choices)


class MilestoneList(ApiView):
    @extend_schema(
        summary="Milestones",
        description="The commitments' events (meetings, forums, summits) in date order: when "
        "the plan places them, in its own words and as a date range, and whether they were "
        "held, postponed or cancelled, with the place and the outcome document.",
        parameters=[
            OpenApiParameter(
                "commitment",
                OpenApiTypes.STR,
                description="Only this commitment's milestones (its reference, e.g. 13.1); "
                "a parent's include its sub-commitments'.",
            ),
            OpenApiParameter(
                "area", OpenApiTypes.INT, description="Only this work area's (its number)."
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=list(MilestoneStatus.values),
                description="Only milestones in this status.",
            ),
        ],
        responses={200: s.MilestoneSerializer(many=True), **ERRORS, 400: BAD_FILTER},
    )
    def get(self, request):
        form = MilestoneFilter(request.GET)
        if not form.is_valid():
            return Response(
                {"errors": {name: list(errors) for name, errors in form.errors.items()}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        plan = current_plan()
        milestones = Milestone.objects.all()
        wanted = form.cleaned_data
        if reference := wanted["commitment"]:
            ids = {c.id for c in plan.commitments if c.reference == reference}
            ids |= {c.id for c in plan.commitments if c.parent_id in ids}
            milestones = milestones.filter(commitment_id__in=ids)
        if (number := wanted["area"]) is not None:
            ids = [c.id for c in plan.commitments if c.area.number == number]
            milestones = milestones.filter(commitment_id__in=ids)
        if wanted["status"]:
            milestones = milestones.filter(status=wanted["status"])
        page = self.paginate_queryset(milestones)
        data = milestone_records(milestone_service.with_commitments(plan, page))
        return self.get_paginated_response(s.MilestoneSerializer(data, many=True).data)


class History(ApiView):
    pagination_class = None

    @extend_schema(
        summary="Monthly progress history",
        description="The whole plan's progress as of the end of each month, from the month of "
        "the earliest reporting date to the current month, with its coverage: the figure the "
        "portal would have shown with the reports published whose reporting date falls on or "
        "before the month's last day (a report published later with an earlier reporting date "
        "changes the months from its date on). The same monthly snapshots as the pages' "
        "charts of progress over time.",
        responses={200: s.HistoryMonthSerializer(many=True), 400: REFUSED, 429: THROTTLED},
    )
    def get(self, request):
        return Response(s.HistoryMonthSerializer(monthly_history(), many=True).data)


# --- indicators ---------------------------------------------------------------------------


class IndicatorList(ApiView):
    @extend_schema(
        summary="Indicators",
        description="Every indicator in plan order, with its baseline, its target and the "
        "region's value for the latest period any state published a value for, with its "
        "coverage (the rows of `/open-data/indicators.json`).",
        responses={200: s.IndicatorSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return self.paginated(indicator_records(), s.IndicatorSerializer)


class IndicatorDetail(ApiView):
    @extend_schema(
        summary="An indicator",
        description="An indicator with the region's value for each period and each member "
        "state's latest published value. Only published values are counted.",
        responses={200: s.IndicatorDetailSerializer, **ERRORS},
    )
    def get(self, request, pk):
        plan = current_plan()
        indicator = get_object_or_404(Indicator.objects.with_place(), pk=pk)
        found = figures([indicator], current_values([indicator.pk]), len(plan.states))
        found = found[indicator.pk]
        data = indicator_record(indicator, found)
        data["series"] = [
            {
                "period": regional.period,
                "value": None if regional.value is None else float(regional.value),
                "states_reported": regional.reported,
                "states_total": regional.total,
            }
            for regional in found.series
        ]
        data["states"] = [
            {
                "member_state_iso": state.iso_code,
                "member_state": state.name,
                "period": found.latest_by_state[state.id][0],
                "value": float(found.latest_by_state[state.id][1]),
            }
            for state in plan.states
            if state.id in found.latest_by_state
        ]
        return Response(s.IndicatorDetailSerializer(data).data)


class IndicatorValueList(ApiView):
    @extend_schema(
        summary="Published indicator values",
        description="Each member state's current published value of each indicator for each "
        "period, by indicator, state and period, with its evidence's addresses (the rows of "
        "`/open-data/indicator-values.json`). Drafts, values under review or returned and "
        "values replaced by a correction are never listed.",
        parameters=[
            OpenApiParameter(
                "indicator", OpenApiTypes.INT, description="Only this indicator's values."
            ),
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                description="Only this member state's values (ISO code, e.g. MX).",
            ),
        ],
        responses={200: s.IndicatorValueSerializer(many=True), **ERRORS, 400: BAD_FILTER},
    )
    def get(self, request):
        values = current_published_values()
        indicator = request.GET.get("indicator", "")
        if indicator:
            if not indicator.isdigit():
                return Response(
                    {"errors": {"indicator": [gettext("Enter a whole number.")]}},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            values = values.filter(indicator_id=int(indicator))
        if code := request.GET.get("state"):
            values = values.filter(member_state__iso_code=code.upper())
        page = self.paginate_queryset(values)
        return self.get_paginated_response(
            s.IndicatorValueSerializer(value_records(page), many=True).data
        )
