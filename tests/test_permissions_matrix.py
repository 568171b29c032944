"""Who may do what to Argentina's report, in each review state.

Roles: anonymous, official of México (another state), official of Argentina (the owner),
curator. Actions: view the report (as its official, and on the curators' review page),
create, edit, submit, return, publish, download evidence.
Each cell says the response status and whether the database changed; the whole row for a
role × state is compared at once so that a failure shows the matrix.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from reporting_helpers import LEAF, OTHER_LEAF, advance, make_report

from commitments.models import Evidence, MemberState, ProgressReport, ReviewState

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"
STATES = [
    ReviewState.DRAFT,
    ReviewState.SUBMITTED,
    ReviewState.RETURNED,
    ReviewState.RESUBMITTED,
    ReviewState.PUBLISHED,
]
ROLES = ["anonymous", "official_mx", "official_ar", "curator"]
ACTIONS = ["view", "review_page", "create", "edit", "submit", "return", "publish", "download"]
LOGIN = "login"  # redirected to the log-in page
EDITABLE = {ReviewState.DRAFT, ReviewState.RETURNED}
AWAITING = {ReviewState.SUBMITTED, ReviewState.RESUBMITTED}


def expected(role, state):
    """(status, changed) for every action; the rules the portal promises."""
    if role == "anonymous":
        cells = {action: (LOGIN, False) for action in ACTIONS}
        cells["download"] = (200, False) if state == ReviewState.PUBLISHED else (404, False)
        return cells
    if role == "official_mx":
        return {
            "view": (404, False),
            "review_page": (403, False),
            "create": (302, True),  # creates México's own report, never Argentina's
            "edit": (404, False),
            "submit": (404, False),
            "return": (403, False),
            "publish": (403, False),
            "download": (200, False) if state == ReviewState.PUBLISHED else (404, False),
        }
    if role == "official_ar":
        editable = state in EDITABLE
        return {
            "view": (200, False),
            "review_page": (403, False),
            "create": (302, True),
            "edit": (302, True) if editable else (403, False),
            "submit": (302, True) if editable else (403, False),
            "return": (403, False),
            "publish": (403, False),
            "download": (200, False),
        }
    awaiting = state in AWAITING
    return {
        "view": (403, False),  # curators read reports on the review page, not as officials
        "review_page": (200, False),
        "create": (403, False),
        "edit": (403, False),
        "submit": (403, False),
        "return": (302, True) if awaiting else (409, False),
        "publish": (302, True) if awaiting else (409, False),
        "download": (200, False),
    }


def argentinas_report(official_ar, curator, state):
    report = make_report(official_ar)
    evidence = Evidence(report=report, content_type="application/pdf", size=len(PDF))
    evidence.file.save("acta.pdf", ContentFile(PDF), save=False)
    evidence.save()
    report = advance(report, state, official_ar, curator, reason="Revise las cifras.")
    return report, evidence


def snapshot(report):
    report = ProgressReport.objects.get(pk=report.pk)
    return (report.review_state, report.narrative, report.version)


def perform(client, action, report, evidence):
    mexico = MemberState.objects.get(iso_code="MX")
    form = {
        "status": "in_progress",
        "percentage": "55",
        "reported_on": "2020-07-01",
        "narrative": "Texto modificado.",
        "version": str(report.version),
        "action": "save",
        # A tampered form: these fields must be ignored.
        "member_state": str(mexico.pk),
        "commitment": LEAF,
    }
    if action == "view":
        return client.get(reverse("workspace:report", args=[report.pk]))
    if action == "review_page":
        return client.get(reverse("workspace:review_report", args=[report.pk]))
    if action == "create":
        return client.post(reverse("workspace:report_new", args=[OTHER_LEAF]), form)
    if action == "edit":
        return client.post(reverse("workspace:report", args=[report.pk]), form)
    if action == "submit":
        return client.post(reverse("workspace:submit", args=[report.pk]))
    review = reverse("workspace:review_report", args=[report.pk])
    if action == "return":
        return client.post(review, {"action": "return", "reason": "Faltan fuentes."})
    if action == "publish":
        return client.post(review, {"action": "publish", "confirm": "yes"})
    return client.get(reverse("workspace:evidence", args=[evidence.pk]))


def outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_role_action_state_matrix(
    role, state, client_of, official_mx, official_ar, curator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    users = {
        "anonymous": None,
        "official_mx": official_mx,
        "official_ar": official_ar,
        "curator": curator,
    }
    actual = {}
    for action in ACTIONS:
        report, evidence = argentinas_report(official_ar, curator, state)
        before_reports = ProgressReport.objects.count()
        before = snapshot(report)
        client = client_of(users[role])
        response = perform(client, action, report, evidence)
        if action == "create":
            changed = ProgressReport.objects.count() != before_reports
            if changed:
                created = ProgressReport.objects.latest("pk")
                # The state is always the official's own.
                assert created.member_state == users[role].official_profile.member_state
                assert created.commitment.reference == OTHER_LEAF
                created.delete()
        else:
            changed = snapshot(report) != before
        actual[action] = (outcome(response), changed)
        # Leave the next action a clean commitment.
        ProgressReport.objects.filter(member_state__iso_code="AR").update(supersedes=None)
        ProgressReport.objects.filter(member_state__iso_code="AR").delete()
    assert actual == expected(role, state)
