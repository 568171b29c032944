"""Every change to reports and to the plan is on the record: who, when, what, and why."""

import pytest
from django.urls import reverse
from django.utils import translation
from reporting_helpers import LEAF

from areas.models import Agency
from commitments.models import Commitment, ProgressReport, ReviewState

pytestmark = pytest.mark.django_db


def form(**overrides):
    return {
        "status": "in_progress",
        "percentage": "30",
        "reported_on": "2020-09-01",
        "narrative": "Primer informe.",
        "action": "save",
        **overrides,
    }


def test_each_step_of_the_workflow_leaves_a_history_row_with_user_and_reason(
    client_of, official_ar, curator
):
    official = client_of(official_ar)
    official.post(reverse("workspace:report_new", args=[LEAF]), form())
    report = ProgressReport.objects.get()
    url = reverse("workspace:report", args=[report.pk])
    official.post(url, form(narrative="Informe corregido.", version=report.version))
    report.refresh_from_db()
    official.post(
        url, form(narrative="Informe corregido.", version=report.version, action="submit")
    )

    reviewer = client_of(curator)
    review = reverse("workspace:review_report", args=[report.pk])
    reviewer.post(review, {"action": "return", "reason": "Cite la resolución."})

    official = client_of(official_ar)
    report.refresh_from_db()
    official.post(
        url, form(narrative="Con la resolución.", version=report.version, action="submit")
    )
    client_of(curator).post(review, {"action": "publish", "confirm": "yes"})

    rows = list(
        report.history.order_by("history_date", "history_id").values_list(
            "history_user__username", "history_change_reason", "review_state"
        )
    )
    assert rows == [
        ("oficial-ar", "Created", ReviewState.DRAFT),
        ("oficial-ar", "Edited", ReviewState.DRAFT),
        ("oficial-ar", "Submitted for review", ReviewState.SUBMITTED),
        ("curadora", "Returned", ReviewState.RETURNED),
        ("oficial-ar", "Submitted for review", ReviewState.RESUBMITTED),
        ("curadora", "Published", ReviewState.PUBLISHED),
    ]


def test_history_says_what_changed_in_an_edit(client_of, official_ar):
    client = client_of(official_ar)
    client.post(reverse("workspace:report_new", args=[LEAF]), form())
    report = ProgressReport.objects.get()
    client.post(
        reverse("workspace:report", args=[report.pk]),
        form(narrative="Otro texto.", percentage="35", version=report.version),
    )
    created, edited = report.history.order_by("history_date", "history_id")
    delta = edited.diff_against(created)
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    assert changed["narrative"] == ("Primer informe.", "Otro texto.")
    assert changed["percentage"] == (30, 35)


def test_officials_see_the_history_of_their_report(client_of, official_ar):
    client = client_of(official_ar)
    client.post(reverse("workspace:report_new", args=[LEAF]), form(action="submit"))
    report = ProgressReport.objects.get()
    with translation.override("en"):
        page = client.get(reverse("workspace:report", args=[report.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "History" in text
    assert "Submitted for review" in text


def test_curator_change_to_an_agency_is_recorded_with_the_curator(client_of, curator):
    agency = Agency.objects.get(acronym="SRE")
    client_of(curator).post(
        reverse("admin:areas_agency_change", args=[agency.pk]),
        {
            "acronym": "SRE",
            "name_es": "Secretaría de Relaciones Exteriores (SRE)",
            "name_en": agency.name_en,
            "note_es": "",
        },
    )
    latest = agency.history.latest("history_date")
    assert (latest.history_user, latest.history_type, latest.name) == (
        curator,
        "~",
        "Secretaría de Relaciones Exteriores (SRE)",
    )


def test_curator_change_to_a_commitment_is_recorded_with_the_curator(client_of, curator):
    commitment = Commitment.objects.get(reference="14.2")
    response = client_of(curator).post(
        reverse("admin:commitments_commitment_change", args=[commitment.pk]),
        {
            "reference": "14.2",
            "area": commitment.area_id,
            "parent": "",
            "order": commitment.order,
            "text_es": commitment.text_es,
            "text_en": commitment.text_en,
            "due_date": "2020-12-31",
            "due_label_es": commitment.due_label_es,
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "1000",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
            "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = commitment.history.latest("history_date")
    assert latest.history_user == curator
    assert str(latest.due_date) == "2020-12-31"


def test_evidence_added_to_a_report_is_recorded(client_of, official_ar):
    client_of(official_ar).post(
        reverse("workspace:report_new", args=[LEAF]), form(links="https://www.gob.ar/celac")
    )
    evidence = ProgressReport.objects.get().evidence.get()
    assert evidence.history.get().history_user == official_ar
