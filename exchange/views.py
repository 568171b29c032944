"""The open-data downloads: CSV and JSON of what the public pages show, at stable addresses
that do not depend on the reader's language (their links point to the Spanish pages)."""

import functools

from django.http import Http404, HttpResponse
from django.utils import translation

from commitments.services import columns
from commitments.services import milestones as milestone_service
from commitments.services.current import current, current_plan
from commitments.services.links import absolute
from commitments.services.records import (
    breakdown_records,
    commitment_record,
    commitment_state_records,
    matrix_records,
    milestone_records,
    report_records,
    status_records,
)
from commitments.services.tables import (
    breakdowns,
    commitment_page_data,
    filtered_rows,
    latest_published,
    matrix,
    state_page_data,
)
from indicators import columns as indicator_columns
from indicators.services.records import indicator_records, value_records

from . import datapackage as datapackage_service
from . import opendata


def spanish_links(view):
    """Downloads are the same whatever the reader's language: their links name the Spanish
    pages, the plan's authoritative language."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with translation.override("es"):
            return view(*args, **kwargs)

    return wrapper


@spanish_links
def breakdown_download(request, by, fmt):
    plan, rollup = current()
    if by == "status":
        records = status_records(rollup)
        return opendata.download(fmt, "commitments-by-status", columns.STATUS_COLUMNS, records)
    items = breakdowns(rollup, plan.areas, plan.axes).get(by)
    if items is None:
        raise Http404
    return opendata.download(
        fmt, f"progress-by-{by}", columns.BREAKDOWN_COLUMNS, breakdown_records(by, items)
    )


@spanish_links
def matrix_download(request, fmt):
    plan, rollup = current()
    records = matrix_records(matrix(rollup, plan.states, plan.areas))
    return opendata.download(fmt, "state-by-area", columns.MATRIX_COLUMNS, records)


@spanish_links
def latest_reports_download(request, fmt):
    plan = current_plan()
    records = report_records(latest_published(plan), request)
    return opendata.download(fmt, "latest-reports", columns.REPORT_COLUMNS, records)


@spanish_links
def indicators_download(request, fmt):
    return opendata.download(
        fmt, "indicators", indicator_columns.INDICATOR_COLUMNS, indicator_records()
    )


@spanish_links
def indicator_values_download(request, fmt):
    return opendata.download(
        fmt, "indicator-values", indicator_columns.INDICATOR_VALUE_COLUMNS, value_records()
    )


@spanish_links
def milestones_download(request, fmt):
    records = milestone_records(milestone_service.of_plan(current_plan()))
    return opendata.download(fmt, "milestones", columns.MILESTONE_COLUMNS, records)


@spanish_links
def commitment_list_download(request, fmt):
    _filterset, rows, state, plan = filtered_rows(request.GET)
    scope = state.iso_code if state else "region"
    records = [commitment_record(row, request, scope, plan.commitment_by_id) for row in rows]
    return opendata.download(fmt, "commitments", columns.COMMITMENT_COLUMNS, records)


@spanish_links
def commitment_states_download(request, reference, fmt):
    commitment, _plan, _rollup, _child_ids, _subtree, _current, state_rows = commitment_page_data(
        reference
    )
    records = commitment_state_records(commitment, state_rows, request)
    return opendata.download(
        fmt,
        f"commitment-{commitment.reference}-states",
        columns.COMMITMENT_STATE_COLUMNS,
        records,
    )


@spanish_links
def state_download(request, iso_code, fmt):
    state, plan, _rollup, rows = state_page_data(iso_code)
    records = [
        commitment_record(row, request, state.iso_code, plan.commitment_by_id) for row in rows
    ]
    return opendata.download(
        fmt, f"state-{state.iso_code}-commitments", columns.COMMITMENT_COLUMNS, records
    )


def table_records(request):
    """{table name: its records} for every table of the data package, from one plan and
    rollup: what each table's own download holds."""
    _filterset, rows, _state, plan = filtered_rows({})
    _plan, rollup = current()
    items = breakdowns(rollup, plan.areas, plan.axes)
    return {
        "commitments": [
            commitment_record(row, request, "region", plan.commitment_by_id) for row in rows
        ],
        "state-by-area": matrix_records(matrix(rollup, plan.states, plan.areas)),
        **{
            f"progress-by-{by}": breakdown_records(by, items[by])
            for by in ("area", "axis", "agency")
        },
        "commitments-by-status": status_records(rollup),
        "latest-reports": report_records(latest_published(plan), request),
        "indicators": indicator_records(),
        "indicator-values": value_records(),
        "milestones": milestone_records(milestone_service.of_plan(plan)),
    }


def _base_url(request):
    return absolute("/").rstrip("/")


@spanish_links
def datapackage(request):
    response = HttpResponse(
        datapackage_service.to_json(datapackage_service.descriptor(_base_url(request))),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="datapackage.json"'
    return response


@spanish_links
def datapackage_zip(request):
    records = table_records(request)
    csv_by_table = {
        table.name: opendata.to_csv(columns.names(table.columns), records[table.name])
        for table in indicator_columns.PACKAGE_TABLES
    }
    response = HttpResponse(
        datapackage_service.to_zip(_base_url(request), csv_by_table),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{datapackage_service.NAME}.zip"'
    return response
