"""Curators publish or return submitted reports, one at a time or many at once."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from reporting_helpers import OTHER_LEAF, bulk_published, make_report

from commitments.models import CurrentProgress, ProgressReport, ReviewState
from commitments.services.reports import publish, return_report, submit

pytestmark = pytest.mark.django_db
# For the admin, whose addresses carry no language: the browser's language decides.
EN = {"accept-language": "en"}


def en(name, *args):
    """The English address of the page ``name``."""
    with translation.override("en"):
        return reverse(name, args=args)


QUEUE = en("workspace:review")


def named(report):
    """The report's name as the English pages write it."""
    with translation.override("en"):
        return report.title


def listed_reports(response):
    """The reports the queue lists: the ones it offers to select."""
    return {int(pk) for pk in re.findall(r'name="reports" value="(\d+)"', response.text)}


def test_queue_lists_reports_awaiting_review_only(client_of, official_mx, official_ar, curator):
    submitted = make_report(official_mx, ReviewState.SUBMITTED)
    resubmitted = make_report(
        official_ar, ReviewState.RESUBMITTED, reference=OTHER_LEAF, curator=curator
    )
    make_report(official_ar, ReviewState.DRAFT)
    make_report(official_mx, ReviewState.PUBLISHED, reference=OTHER_LEAF, curator=curator)
    response = client_of(curator).get(QUEUE)
    assert response.status_code == 200
    assert listed_reports(response) == {submitted.pk, resubmitted.pk}


def test_queue_filters_by_member_state(client_of, official_mx, official_ar, curator):
    make_report(official_mx, ReviewState.SUBMITTED)
    argentina = make_report(official_ar, ReviewState.SUBMITTED)
    response = client_of(curator).get(QUEUE, {"member_state": argentina.member_state_id})
    assert listed_reports(response) == {argentina.pk}


def test_curator_publishes_several_reports_at_once(
    client_of, official_mx, official_ar, curator, mailoutbox, django_capture_on_commit_callbacks
):
    mexico = make_report(official_mx, ReviewState.SUBMITTED, percentage=25)
    argentina = make_report(official_ar, ReviewState.SUBMITTED, percentage=75)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(curator).post(
            QUEUE, {"reports": [mexico.pk, argentina.pk], "action": "publish", "confirm": "yes"}
        )
    assert response.status_code == 302
    for report in (mexico, argentina):
        report.refresh_from_db()
        assert report.review_state == ReviewState.PUBLISHED
        assert report.reviewed_by == curator
    assert set(CurrentProgress.objects.values_list("member_state__iso_code", "percentage")) == {
        ("MX", 25),
        ("AR", 75),
    }
    assert sorted(message.to[0] for message in mailoutbox) == [
        "oficial-ar@example.org",
        "oficial-mx@example.org",
    ]


def test_returning_several_needs_a_reason_and_changes_nothing_without_one(
    client_of, official_mx, curator
):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    response = client_of(curator).post(
        QUEUE, {"reports": [report.pk], "action": "return", "reason": " "}
    )
    assert response.status_code == 400
    assert "Say why the reports are returned." in response.content.decode()
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED


def test_curator_returns_several_with_a_reason_the_officials_are_told(
    client_of, official_mx, official_ar, curator, mailoutbox, django_capture_on_commit_callbacks
):
    mexico = make_report(official_mx, ReviewState.SUBMITTED)
    argentina = make_report(official_ar, ReviewState.RESUBMITTED, curator=curator)
    with django_capture_on_commit_callbacks(execute=True):
        client_of(curator).post(
            QUEUE,
            {"reports": [mexico.pk, argentina.pk], "action": "return", "reason": "Sin fuentes."},
        )
    for report in (mexico, argentina):
        report.refresh_from_db()
        assert (report.review_state, report.return_reason) == (
            ReviewState.RETURNED,
            "Sin fuentes.",
        )
    assert len(mailoutbox) == 2
    assert all("Sin fuentes." in message.body for message in mailoutbox)
    assert not CurrentProgress.objects.exists()


def test_bulk_action_cannot_pick_a_draft(client_of, official_mx, curator):
    draft = make_report(official_mx)
    response = client_of(curator).post(
        QUEUE, {"reports": [draft.pk], "action": "publish", "confirm": "yes"}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.DRAFT


def test_curator_returns_one_report_from_its_page(client_of, official_ar, curator):
    report = make_report(official_ar, ReviewState.SUBMITTED)
    url = en("workspace:review_report", report.pk)
    client = client_of(curator)
    empty = client.post(url, {"action": "return", "reason": ""})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    client.post(url, {"action": "return", "reason": "Adjunte el acta."})
    report.refresh_from_db()
    assert (report.review_state, report.return_reason, report.reviewed_by) == (
        ReviewState.RETURNED,
        "Adjunte el acta.",
        curator,
    )


def test_curator_publishes_one_report_from_its_page(client_of, official_ar, curator):
    report = make_report(official_ar, ReviewState.SUBMITTED)
    client_of(curator).post(
        reverse("workspace:review_report", args=[report.pk]),
        {"action": "publish", "confirm": "yes"},
    )
    report.refresh_from_db()
    assert report.review_state == ReviewState.PUBLISHED
    assert CurrentProgress.objects.get().report == report


@pytest.mark.parametrize("review_state", [ReviewState.DRAFT, ReviewState.RETURNED])
def test_reports_not_awaiting_review_cannot_be_published(
    client_of, official_ar, curator, review_state
):
    report = make_report(official_ar, review_state, curator=curator)
    response = client_of(curator).post(
        reverse("workspace:review_report", args=[report.pk]),
        {"action": "publish", "confirm": "yes"},
    )
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.review_state == review_state


def test_unpublished_report_is_not_public_and_published_one_is(client, official_ar, curator):
    report = make_report(official_ar, ReviewState.SUBMITTED)
    assert client.get(reverse("public:report", args=[report.pk])).status_code == 404
    publish(report, by=curator)
    assert client.get(reverse("public:report", args=[report.pk])).status_code == 200


def test_published_report_cannot_be_changed_by_its_official(client_of, official_mx, curator):
    report = make_report(official_mx, ReviewState.PUBLISHED, curator=curator)
    response = client_of(official_mx).post(
        reverse("workspace:report", args=[report.pk]),
        {
            "status": "completed",
            "percentage": "100",
            "narrative": "x",
            "version": report.version,
            "reported_on": report.reported_on.isoformat(),
        },
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.percentage == 40


def test_published_report_is_read_only_in_the_admin(client_of, official_mx, curator):
    report = make_report(official_mx, ReviewState.PUBLISHED, curator=curator)
    url = reverse("admin:commitments_progressreport_change", args=[report.pk])
    client = client_of(curator)
    response = client.post(url, {"percentage": "90", "status": "in_progress"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.percentage == 40


def test_admin_action_publishes_selected_reports(client_of, official_mx, curator):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    draft = make_report(official_mx, reference=OTHER_LEAF)
    response = client_of(curator).post(
        reverse("admin:commitments_progressreport_changelist"),
        {"action": "publish_selected", ACTION_CHECKBOX_NAME: [report.pk, draft.pk]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    draft.refresh_from_db()
    assert report.review_state == ReviewState.PUBLISHED
    assert draft.review_state == ReviewState.DRAFT


def test_admin_action_returns_with_a_reason_asked_on_an_intermediate_page(
    client_of, official_mx, curator
):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    client = client_of(curator)
    changelist = reverse("admin:commitments_progressreport_changelist")
    ask = client.post(
        changelist, {"action": "return_selected", ACTION_CHECKBOX_NAME: [report.pk]}, headers=EN
    )
    assert ask.status_code == 200
    assert "Reason for return" in ask.content.decode()
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED

    done = client.post(
        changelist,
        {
            "action": "return_selected",
            ACTION_CHECKBOX_NAME: [report.pk],
            "confirm": "yes",
            "reason": "Falta el indicador.",
        },
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.review_state, report.return_reason) == (
        ReviewState.RETURNED,
        "Falta el indicador.",
    )


def test_officials_have_no_review_actions(client_of, official_mx):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    assert client_of(official_mx).get(QUEUE).status_code == 403
    client_of(official_mx).post(
        QUEUE, {"reports": [report.pk], "action": "publish", "confirm": "yes"}
    )
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED


@pytest.mark.parametrize("count", [10, 1000])
def test_queue_costs_the_same_queries_at_any_number_of_reports(
    client_of, official_mx, curator, count, django_assert_max_num_queries
):
    bulk_published(count)
    make_report(official_mx, ReviewState.SUBMITTED)
    make_report(official_mx, ReviewState.SUBMITTED, reference=OTHER_LEAF)
    client = client_of(curator)
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert len(listed_reports(response)) == 2
    assert ProgressReport.objects.published().count() == count


def test_admin_form_cannot_publish_around_the_workflow(client_of, official_mx, curator):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    response = client_of(curator).post(
        reverse("admin:commitments_progressreport_change", args=[report.pk]),
        {
            "commitment": report.commitment_id,
            "member_state": report.member_state_id,
            "status": "in_progress",
            "percentage": "41",
            "narrative": report.narrative,
            "reported_on": report.reported_on.isoformat(),
            "review_state": "published",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "evidence-MIN_NUM_FORMS": "0",
            "evidence-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.percentage, report.review_state) == (41, ReviewState.SUBMITTED)
    assert not CurrentProgress.objects.exists()


def test_roles_come_back_after_the_database_is_flushed(db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import CURATORS_GROUP, OFFICIALS_GROUP

    call_command("flush", interactive=False, verbosity=0)
    assert Group.objects.filter(name=CURATORS_GROUP).exists()
    curators = Group.objects.get(name=CURATORS_GROUP)
    assert curators.permissions.filter(codename="review_progressreport").exists()
    assert not curators.permissions.filter(codename="delete_progressreport").exists()
    assert Group.objects.filter(name=OFFICIALS_GROUP).exists()


# --- a curator acting on a page loaded before someone else acted: 409, nothing changed ------


def versions_of(response):
    """The hidden version of each report the queue lists, as the browser would post it."""
    return dict(re.findall(r'name="(version-\d+)" value="(\d+)"', response.text))


def test_bulk_publish_leaves_out_a_report_returned_meanwhile_and_says_why(
    client_of, official_mx, official_ar, curator, mailoutbox, django_capture_on_commit_callbacks
):
    mexico = make_report(official_mx, ReviewState.SUBMITTED)
    argentina = make_report(official_ar, ReviewState.SUBMITTED)
    client = client_of(curator)
    queue = client.get(QUEUE)
    # Another curator returns Argentina's report while this page is open.
    with django_capture_on_commit_callbacks(execute=True):
        return_report(argentina, by=curator, reason="Falta el acta.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {
                "reports": [mexico.pk, argentina.pk],
                "action": "publish",
                "confirm": "yes",
                **versions_of(queue),
            },
        )
    assert response.status_code == 409
    page = response.content.decode()
    assert "1 report(s) published." in page
    assert f"{named(argentina)} was not published: it has been returned to its state." in page
    mexico.refresh_from_db()
    argentina.refresh_from_db()
    assert mexico.review_state == ReviewState.PUBLISHED
    assert (argentina.review_state, argentina.return_reason) == (
        ReviewState.RETURNED,
        "Falta el acta.",
    )
    assert CurrentProgress.objects.get().report == mexico
    # Argentina heard of the return only; Mexico of its publication.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "oficial-ar@example.org",
        "oficial-mx@example.org",
    ]


def test_bulk_return_leaves_out_a_report_published_meanwhile(
    client_of, official_mx, official_ar, curator
):
    mexico = make_report(official_mx, ReviewState.SUBMITTED)
    argentina = make_report(official_ar, ReviewState.SUBMITTED)
    client = client_of(curator)
    queue = client.get(QUEUE)
    publish(mexico, by=curator)
    response = client.post(
        QUEUE,
        {
            "reports": [mexico.pk, argentina.pk],
            "action": "return",
            "reason": "Sin fuentes.",
            **versions_of(queue),
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert f"{named(mexico)} was not returned: it is already published." in page
    mexico.refresh_from_db()
    argentina.refresh_from_db()
    assert (mexico.review_state, mexico.return_reason) == (ReviewState.PUBLISHED, "")
    assert argentina.review_state == ReviewState.RETURNED


def test_bulk_publish_leaves_out_a_report_changed_since_the_queue_was_loaded(
    client_of, official_mx, curator
):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    client = client_of(curator)
    queue = client.get(QUEUE)
    # Returned and submitted again meanwhile: not what this curator read.
    return_report(report, by=curator, reason="Corrija la fecha.")
    submit(report, by=official_mx)
    response = client.post(
        QUEUE, {"reports": [report.pk], "action": "publish", "confirm": "yes", **versions_of(queue)}
    )
    assert response.status_code == 409
    assert "it was changed after the page was loaded" in response.content.decode()
    report.refresh_from_db()
    assert report.review_state == ReviewState.RESUBMITTED
    assert not CurrentProgress.objects.exists()


def test_returning_from_the_report_page_after_it_was_published_is_a_conflict(
    client_of, official_ar, curator, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(official_ar, ReviewState.SUBMITTED)
    url = en("workspace:review_report", report.pk)
    client = client_of(curator)
    version = re.search(r'name="version" value="(\d+)"', client.get(url).text).group(1)
    publish(report, by=curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "return", "reason": "Tarde.", "version": version})
    assert response.status_code == 409
    assert "The report was not returned: it is already published." in response.content.decode()
    report.refresh_from_db()
    assert (report.review_state, report.return_reason) == (ReviewState.PUBLISHED, "")
    assert mailoutbox == []


def test_publishing_from_the_report_page_a_version_changed_since_is_a_conflict(
    client_of, official_ar, curator
):
    report = make_report(official_ar, ReviewState.SUBMITTED)
    url = en("workspace:review_report", report.pk)
    client = client_of(curator)
    version = re.search(r'name="version" value="(\d+)"', client.get(url).text).group(1)
    # Returned, corrected and resubmitted while the page was open.
    return_report(report, by=curator, reason="Falta el indicador.")
    ProgressReport.objects.filter(pk=report.pk).update(percentage=45)
    submit(report, by=official_ar)
    response = client.post(url, {"action": "publish", "confirm": "yes", "version": version})
    assert response.status_code == 409
    assert "The report was not published: it was changed after the page was loaded." in (
        response.content.decode()
    )
    report.refresh_from_db()
    assert report.review_state == ReviewState.RESUBMITTED


def test_admin_actions_leave_out_reports_taken_meanwhile_and_say_why(
    client_of, official_mx, official_ar, curator
):
    mexico = make_report(official_mx, ReviewState.SUBMITTED)
    argentina = make_report(official_ar, ReviewState.SUBMITTED)
    return_report(argentina, by=curator, reason="Falta el acta.")  # after the list was loaded
    changelist = reverse("admin:commitments_progressreport_changelist")
    client = client_of(curator)
    response = client.post(
        changelist,
        {"action": "publish_selected", ACTION_CHECKBOX_NAME: [mexico.pk, argentina.pk]},
        headers=EN,
        follow=True,
    )
    page = response.content.decode()
    assert "1 report(s) published." in page
    assert f"{named(argentina)} was not published: it has been returned to its state." in page
    argentina.refresh_from_db()
    assert (argentina.review_state, argentina.return_reason) == (
        ReviewState.RETURNED,
        "Falta el acta.",
    )

    response = client.post(
        changelist,
        {
            "action": "return_selected",
            ACTION_CHECKBOX_NAME: [mexico.pk],
            "confirm": "yes",
            "reason": "Tarde.",
        },
        headers=EN,
        follow=True,
    )
    assert f"{named(mexico)} was not returned: it is already published." in (
        response.content.decode()
    )
    mexico.refresh_from_db()
    assert (mexico.review_state, mexico.return_reason) == (ReviewState.PUBLISHED, "")


def admin_form_data(report, **overrides):
    return {
        "commitment": report.commitment_id,
        "member_state": report.member_state_id,
        "status": "in_progress",
        "percentage": "41",
        "narrative": report.narrative,
        "reported_on": report.reported_on.isoformat(),
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def test_admin_cannot_add_a_second_open_report_on_a_pair(client_of, official_mx, curator):
    curator.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_progressreport", "change_progressreport"])
    )
    draft = make_report(official_mx)
    response = client_of(curator).post(
        reverse("admin:commitments_progressreport_add"), admin_form_data(draft), headers=EN
    )
    assert response.status_code == 200
    assert (
        f"México already has an open report on commitment 1.1 (report {draft.pk})"
        in response.content.decode()
    )
    assert ProgressReport.objects.count() == 1


def test_an_admin_edit_never_undoes_a_publication_made_meanwhile(
    client_of, official_mx, curator, monkeypatch
):
    from commitments.admin import ProgressReportAdmin

    report = make_report(official_mx, ReviewState.SUBMITTED)
    loaded = ProgressReport.objects.get(pk=report.pk)
    publish(report, by=curator)
    # The admin's request loaded the report just before another curator published it.
    monkeypatch.setattr(ProgressReportAdmin, "get_object", lambda *args, **kwargs: loaded)
    response = client_of(curator).post(
        reverse("admin:commitments_progressreport_change", args=[report.pk]),
        admin_form_data(report),
        headers=EN,
    )
    assert response.status_code == 409
    assert "Your changes were not saved: it is already published." in response.content.decode()
    report.refresh_from_db()
    assert (report.review_state, report.percentage) == (ReviewState.PUBLISHED, 40)
    assert CurrentProgress.objects.get().report == report
