"""The rows of the open-data tables as dicts under ``columns``' names: the downloads write
them as CSV and JSON, the data package as CSV, and the API returns them.

Built from the rows, figures and reports of ``commitments.services.tables``; nothing is
computed again here. Only published reports and their evidence ever reach these records.
"""

from django.urls import reverse

from areas.plan_text import ORIGINAL, TRANSLATIONS

from .links import absolute


def spanish(obj, field):
    """The Spanish original of a plan text: the columns without a suffix hold it."""
    return getattr(obj, f"{field}_{ORIGINAL}")


def translated(name, obj, field):
    """``{name_en: …, name_pt: …, name_fr: …}``: the translations of ``obj.field`` (None
    where there is none yet)."""
    return {f"{name}_{lang}": getattr(obj, f"{field}_{lang}") or None for lang in TRANSLATIONS}


def state_names(state):
    """``{member_state_en: …, …}``: the state's name in each other language."""
    return {f"member_state_{lang}": state.name_in(lang) for lang in TRANSLATIONS}


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
        "area_name": spanish(commitment.area, "name"),
        "axis_number": commitment.area.axis.number,
        "responsible_agencies": "; ".join(agency.acronym for agency in row.agencies),
        "commitment": spanish(commitment, "text"),
        "due_date": commitment.due_date,
        "due_label": spanish(commitment, "due_label") or None,
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
        **translated("area_name", commitment.area, "name"),
        **translated("commitment", commitment, "text"),
        **translated("due_label", commitment, "due_label"),
    }


def breakdown_records(by, items):
    return [
        {
            "group": by,
            "key": key,
            "name": spanish(obj, "name"),
            "mean_percentage": figure.mean_1dp,
            "states_reported": figure.states_reported,
            "states_total": figure.states_total,
            "commitments_reported": figure.parts_reported,
            "commitments_total": figure.parts_total,
            **translated("name", obj, "name"),
        }
        for key, _name, obj, figure in items
    ]


def status_records(rollup):
    """How many commitments are in each status (columns.STATUS_COLUMNS)."""
    return [
        {"status": value, "label": str(label), "commitments": count}
        for value, label, count in rollup.status_counts()
    ]


def matrix_records(cells):
    return [
        {
            "member_state_iso": state.iso_code,
            "member_state": state.name,
            "area_number": area.number,
            "area_name": spanish(area, "name"),
            "mean_percentage": figure.mean_1dp,
            "commitments_reported": figure.parts_reported,
            "commitments_total": figure.parts_total,
            **state_names(state),
            **translated("area_name", area, "name"),
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
            **state_names(report.member_state),
        }
        for report in reports
    ]


def evidence_url(evidence, request):
    """Where a published report's evidence is: its download for a file, else its link."""
    if evidence.is_file:
        return absolute(reverse("workspace:evidence", args=[evidence.pk]))
    return evidence.url


def commitment_state_records(commitment, state_rows, request):
    """One row per member state of a commitment (columns.COMMITMENT_STATE_COLUMNS), from
    ``tables.commitment_page_data``'s state rows."""
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
                "evidence_urls": " ".join(evidence_url(e, request) for e in item["evidence"])
                or None,
                **state_names(item["state"]),
            }
        )
    return records


def milestone_records(milestones):
    """Milestones, with their commitments from the plan (``milestones.with_commitments``),
    as the downloads and the API give them (columns.MILESTONE_COLUMNS)."""
    return [
        {
            "milestone_id": milestone.pk,
            "reference": milestone.commitment.reference,
            "area_number": milestone.commitment.area.number,
            "title": spanish(milestone, "title"),
            "planned_text": spanish(milestone, "planned_text") or None,
            "planned_start": milestone.planned_start,
            "planned_end": milestone.planned_end,
            "actual_date": milestone.actual_date,
            "place": spanish(milestone, "place") or None,
            "status": milestone.status,
            "document_url": absolute(milestone.document_link)
            if milestone.document_file
            else milestone.document_url or None,
            "note": milestone.note or None,
            "updated_at": milestone.updated_at,
            "url": absolute(milestone.commitment.get_absolute_url()),
            **translated("title", milestone, "title"),
            **translated("planned_text", milestone, "planned_text"),
            **translated("place", milestone, "place"),
        }
        for milestone in milestones
    ]
