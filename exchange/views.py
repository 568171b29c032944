"""The open-data downloads: CSV and JSON of what the public pages show, at stable addresses
that do not depend on the reader's language (their links point to the Spanish pages)."""

import functools

from django.http import Http404
from django.urls import reverse
from django.utils import translation

from commitments.services import columns
from commitments.services.current import current, current_plan
from commitments.services.links import absolute
from commitments.services.tables import (
    breakdowns,
    commitment_page_data,
    filtered_rows,
    latest_published,
    matrix,
    state_page_data,
)

from . import opendata


def spanish_links(view):
    """Downloads are the same whatever the reader's language: their links name the Spanish
    pages, the plan's authoritative language."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with translation.override("es"):
            return view(*args, **kwargs)

    return wrapper


def commitment_record(row, request, scope, parents):
    """A commitment row as the downloads write it (columns.COMMITMENT_COLUMNS).

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
        "url": absolute(commitment.get_absolute_url()),
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
            "url": absolute(report.get_absolute_url()),
        }
        for report in reports
    ]


@spanish_links
def breakdown_download(request, by, fmt):
    plan, rollup = current()
    if by == "status":
        records = [
            {"status": value, "label": str(label), "commitments": count}
            for value, label, count in rollup.status_counts()
        ]
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
                "report_url": absolute(reverse("public:report", args=[report_id]))
                if report_id
                else None,
                "evidence_urls": " ".join(
                    absolute(reverse("workspace:evidence", args=[e.pk])) if e.is_file else e.url
                    for e in item["evidence"]
                )
                or None,
            }
        )
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
