"""Officials report their own state's progress in the workspace."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from reporting_helpers import LEAF, OTHER_LEAF, PARENT, bulk_published, make_report

from accounts.models import OfficialProfile
from commitments.models import (
    Commitment,
    CurrentProgress,
    DataVersion,
    MemberState,
    ProgressReport,
    ReviewState,
)
from commitments.services import reports as report_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The workspace in English: every address reversed here is under /en/."""
    with translation.override("en"):
        yield


def new_url(reference=LEAF):
    return reverse("workspace:report_new", args=[reference])


def form_data(**overrides):
    return {
        "status": "in_progress",
        "percentage": "45",
        "reported_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "narrative": "Se realizó el primer taller regional.",
        "action": "save",
        **overrides,
    }


def test_official_lands_on_their_states_workspace(client_of, official_mx):
    client = client_of(official_mx)
    response = client.get(reverse("accounts:home"))
    assert response["Location"] == reverse("workspace:home")
    page = client.get(reverse("workspace:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "México" in text
    # Leaves are reportable; a commitment with children is not.
    assert new_url(LEAF) in text
    assert new_url(PARENT) not in text


def test_curator_lands_on_the_review_queue(client_of, curator):
    response = client_of(curator).get(reverse("accounts:home"))
    assert response["Location"] == reverse("workspace:review")


def test_official_saves_a_draft_for_their_own_state(client_of, official_mx):
    response = client_of(official_mx).post(new_url(), form_data())
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:report", args=[report.pk])
    assert report.member_state.iso_code == "MX"
    assert report.commitment.reference == LEAF
    assert (report.review_state, report.percentage, report.author) == (
        ReviewState.DRAFT,
        45,
        official_mx,
    )


def test_member_state_posted_in_the_form_is_ignored(client_of, official_mx):
    argentina = MemberState.objects.get(iso_code="AR")
    client_of(official_mx).post(
        new_url(), form_data(member_state=argentina.pk, commitment="2.1", author="1")
    )
    report = ProgressReport.objects.get()
    assert report.member_state.iso_code == "MX"
    assert report.commitment.reference == LEAF


def test_commitment_with_children_cannot_be_reported(client_of, official_mx):
    assert client_of(official_mx).get(new_url(PARENT)).status_code == 404
    assert client_of(official_mx).post(new_url(PARENT), form_data()).status_code == 404
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("status", "percentage"),
    [("not_started", "10"), ("in_progress", "100"), ("completed", "90"), ("suspended", "100")],
)
def test_percentage_outside_its_status_range_is_refused(client_of, official_mx, status, percentage):
    response = client_of(official_mx).post(
        new_url(), form_data(status=status, percentage=percentage)
    )
    assert response.status_code == 400
    assert "the percentage must be between" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_empty_percentage_takes_the_status_default(client_of, official_mx):
    client_of(official_mx).post(new_url(), form_data(status="in_progress", percentage=""))
    assert ProgressReport.objects.get().percentage == 50


def test_reporting_date_in_the_future_is_refused(client_of, official_mx):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_of(official_mx).post(new_url(), form_data(reported_on=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_missing_status_is_refused_with_a_message(client_of, official_mx):
    response = client_of(official_mx).post(new_url(), form_data(status=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_submitting_needs_a_narrative(client_of, official_mx):
    response = client_of(official_mx).post(new_url(), form_data(narrative="  ", action="submit"))
    assert response.status_code == 400
    assert "Describe the progress before submitting" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_submitting_tells_the_curators(
    client_of, official_mx, curator, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CURATORS_EMAIL = ["seguimiento@sre.example"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(official_mx).post(new_url(), form_data(action="submit"))
    report = ProgressReport.objects.get()
    assert response["Location"] == reverse("workspace:pending") + f"#report-{report.pk}"
    assert report.review_state == ReviewState.SUBMITTED
    assert report.submitted_at is not None
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {"seguimiento@sre.example", "curadora@example.org"}
    assert reverse("workspace:review_report", args=[report.pk]) in mailoutbox[0].body


def test_official_sees_the_return_reason_fixes_and_resubmits(client_of, official_ar, curator):
    report = make_report(official_ar, ReviewState.RETURNED, curator=curator)
    client = client_of(official_ar)
    assert "Falta la evidencia." in client.get(reverse("workspace:home")).content.decode()
    page = client.get(reverse("workspace:report", args=[report.pk]))
    assert "Returned by the curators" in page.content.decode()
    assert "Falta la evidencia." in page.content.decode()

    client.post(
        reverse("workspace:report", args=[report.pk]),
        form_data(
            action="submit",
            version=report.version,
            links="https://www.gob.ar/acuerdo-celac",
            narrative="Se adjunta el acuerdo firmado.",
        ),
    )
    report.refresh_from_db()
    assert report.review_state == ReviewState.RESUBMITTED
    assert report.narrative == "Se adjunta el acuerdo firmado."
    assert report.evidence.get().url == "https://www.gob.ar/acuerdo-celac"


def test_new_report_on_a_commitment_with_an_open_one_goes_to_it(client_of, official_mx):
    draft = make_report(official_mx)
    response = client_of(official_mx).get(new_url())
    assert response["Location"] == reverse("workspace:report", args=[draft.pk])


def test_second_save_of_a_stale_form_does_not_overwrite_and_keeps_the_text(
    client_of, official_mx, plan
):
    from conftest import make_official

    colleague = make_official("MX", "otra-oficial-mx")
    report = make_report(official_mx, narrative="Texto inicial.")
    loaded_version = report.version
    url = reverse("workspace:report", args=[report.pk])

    first = client_of(colleague).post(
        url, form_data(narrative="Texto de la colega.", version=loaded_version)
    )
    assert first.status_code == 302
    second = client_of(official_mx).post(
        url,
        form_data(narrative="Mi texto, escrito con cuidado.", version=loaded_version),
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved this report while you were editing it" in page
    assert "Mi texto, escrito con cuidado." in page  # kept in the form
    assert "Texto de la colega." in page  # the saved version, shown beside it
    report.refresh_from_db()
    assert report.narrative == "Texto de la colega."

    # Saving again, now knowingly, replaces it.
    third = client_of(official_mx).post(
        url, form_data(narrative="Mi texto, escrito con cuidado.", version=report.version)
    )
    assert third.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "Mi texto, escrito con cuidado."


def test_saving_a_report_a_colleague_submitted_meanwhile_keeps_the_text(
    client_of, official_mx, plan
):
    report = make_report(official_mx)
    loaded_version = report.version
    report_service.submit(report, by=official_mx)
    response = client_of(official_mx).post(
        reverse("workspace:report", args=[report.pk]),
        form_data(narrative="Cambios tardíos.", version=loaded_version),
    )
    assert response.status_code == 409
    assert "Cambios tardíos." in response.content.decode()
    report.refresh_from_db()
    assert report.narrative == "Se firmó el acuerdo de cooperación."
    assert report.review_state == ReviewState.SUBMITTED


def test_a_correction_supersedes_the_published_report_which_stays_published(
    client_of, official_mx, curator
):
    first = make_report(official_mx, ReviewState.PUBLISHED, curator=curator, percentage=30)
    client = client_of(official_mx)
    form = client.get(new_url())
    assert "supersedes it" in form.content.decode()
    client.post(new_url(), form_data(percentage="70", action="submit"))
    correction = ProgressReport.objects.exclude(pk=first.pk).get()
    report_service.publish(correction, by=curator)

    first.refresh_from_db()
    correction.refresh_from_db()
    assert first.review_state == ReviewState.PUBLISHED
    assert correction.supersedes == first
    current = CurrentProgress.objects.get(member_state__iso_code="MX", commitment=first.commitment)
    assert (current.report, current.percentage) == (correction, 70)


def test_rebuild_in_sql_matches_what_publishing_keeps(official_mx, official_ar, curator):
    make_report(official_mx, ReviewState.PUBLISHED, curator=curator, percentage=20)
    later = timezone.localdate() - datetime.timedelta(days=1)
    make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, percentage=60, reported_on=later
    )
    # An older-dated report published afterwards does not become current.
    make_report(
        official_mx,
        ReviewState.PUBLISHED,
        curator=curator,
        percentage=10,
        reported_on=datetime.date(2020, 5, 1),
    )
    make_report(official_ar, ReviewState.PUBLISHED, reference=OTHER_LEAF, curator=curator)
    make_report(official_ar, ReviewState.SUBMITTED)
    kept = set(CurrentProgress.objects.values_list("report_id", "percentage"))
    assert {percentage for _id, percentage in kept} == {60, 40}

    assert report_service.rebuild_current_progress() == 2
    assert set(CurrentProgress.objects.values_list("report_id", "percentage")) == kept


def test_rebuild_progress_command_reports_the_count(official_mx, curator, capsys):
    make_report(official_mx, ReviewState.PUBLISHED, curator=curator)
    CurrentProgress.objects.all().delete()
    call_command("rebuild_progress")
    assert "1 current states rebuilt" in capsys.readouterr().out
    assert CurrentProgress.objects.count() == 1


@pytest.mark.parametrize("count", [10, 1000])
def test_workspace_costs_the_same_queries_at_any_number_of_reports(
    client_of, official_mx, count, django_assert_max_num_queries
):
    bulk_published(count)
    make_report(official_mx, reference=OTHER_LEAF)
    client = client_of(official_mx)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    assert CurrentProgress.objects.filter(member_state__iso_code="MX").exists()


@pytest.mark.parametrize("count", [10, 1000])
def test_report_page_costs_the_same_queries_at_any_number_of_reports(
    client_of, official_mx, count, django_assert_max_num_queries
):
    bulk_published(count)
    report = make_report(official_mx, reference=OTHER_LEAF)
    client = client_of(official_mx)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("workspace:report", args=[report.pk]))
    assert response.status_code == 200


def test_new_official_gets_a_link_to_set_a_password(
    plan, mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nuevo-oficial", "nuevo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        OfficialProfile.objects.create(
            user=user, member_state=MemberState.objects.get(iso_code="CL")
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nuevo@example.org"]
    assert "/accounts/password/reset/" in mailoutbox[0].body
    assert user.groups.filter(name="Funcionarios de Estados miembros").exists()


def test_only_leaf_commitments_are_listed_in_the_workspace(client_of, official_mx):
    response = client_of(official_mx).get(reverse("workspace:home"))
    rows = response.text.count('<tr id="c-')
    assert rows == Commitment.objects.reportable().count() == 32


def test_official_resets_a_forgotten_password_by_email(
    client, official_mx, mailoutbox, django_capture_on_commit_callbacks
):
    # The e-mail is a task, queued once the request's work is committed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "oficial-mx@example.org"})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {
            "new_password1": "otra-clave-muy-larga-2020",
            "new_password2": "otra-clave-muy-larga-2020",
        },
    )
    official_mx.refresh_from_db()
    assert official_mx.check_password("otra-clave-muy-larga-2020")


def test_official_changes_their_password_and_logs_out(client_of, official_mx):
    from conftest import PASSWORD

    client = client_of(official_mx)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "nueva-clave-segura-2020",
            "new_password2": "nueva-clave-segura-2020",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    official_mx.refresh_from_db()
    assert official_mx.check_password("nueva-clave-segura-2020")
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("workspace:home"))["Location"].startswith(reverse("accounts:login"))


def test_an_edit_without_the_loaded_version_does_not_overwrite(client_of, official_mx):
    report = make_report(official_mx, narrative="Texto guardado.")
    response = client_of(official_mx).post(
        reverse("workspace:report", args=[report.pk]), form_data(narrative="Sin versión.")
    )
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.narrative == "Texto guardado."


def test_rebuilding_gives_the_public_pages_a_new_data_version(client, official_mx, curator):
    make_report(official_mx, ReviewState.PUBLISHED, curator=curator)
    # As after `seed_demo --reports`: reports inserted without signals, nothing current yet.
    CurrentProgress.objects.all().delete()
    before = DataVersion.read()
    page = client.get("/en/")
    assert page.status_code == 200
    assert "1 of 33" not in page.content.decode()
    assert report_service.rebuild_current_progress() == 1
    after = DataVersion.read()
    assert after[DataVersion.PROGRESS] != before[DataVersion.PROGRESS]
    assert after[DataVersion.PLAN] == before[DataVersion.PLAN]
    # A browser revalidating its copy gets the new page, not a 304.
    again = client.get("/en/", headers={"if-none-match": page["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != page["ETag"]
    assert "1 of 33" in again.content.decode()


# --- two officials of one state at once: 409, the text kept, one open report --------------


def test_a_report_a_colleague_opened_meanwhile_is_not_doubled_and_the_text_is_kept(
    client_of, official_mx
):
    from conftest import make_official

    colleague = make_official("MX", "otra-oficial-mx")
    client = client_of(official_mx)
    assert client.get(new_url()).status_code == 200
    opened = make_report(colleague, narrative="Texto de la colega.")
    response = client.post(new_url(), form_data(narrative="Mi informe, escrito con cuidado."))
    assert response.status_code == 409
    page = response.content.decode()
    assert "A colleague opened a report on this commitment for your state" in page
    assert "Mi informe, escrito con cuidado." in page
    assert reverse("workspace:report", args=[opened.pk]) in page
    assert list(ProgressReport.objects.values_list("pk", flat=True)) == [opened.pk]


def test_two_officials_creating_the_same_report_at_the_same_instant_make_one(
    client_of, official_mx, monkeypatch
):
    from conftest import make_official

    from workspace.forms import ReportForm

    colleague = make_official("MX", "otra-oficial-mx")
    clean = ReportForm.clean
    opened = []

    def colleague_saves_first(form):
        # After the page checked for an open report, before this one is inserted.
        if not opened:
            opened.append(make_report(colleague, narrative="Texto de la colega."))
        return clean(form)

    monkeypatch.setattr(ReportForm, "clean", colleague_saves_first)
    response = client_of(official_mx).post(new_url(), form_data(narrative="Mi informe."))
    assert response.status_code == 409
    assert "A colleague opened a report on this commitment" in response.content.decode()
    assert "Mi informe." in response.content.decode()
    assert list(ProgressReport.objects.values_list("pk", flat=True)) == [opened[0].pk]


def test_saving_while_a_colleague_submits_is_a_conflict_that_keeps_the_text(
    client_of, official_mx, monkeypatch
):
    from workspace.forms import ReportForm

    report = make_report(official_mx)
    clean = ReportForm.clean

    def colleague_submits_first(form):
        # After the page loaded the report as editable, before it is saved.
        if ProgressReport.objects.get(pk=report.pk).is_editable:
            report_service.submit(report, by=official_mx)
        return clean(form)

    monkeypatch.setattr(ReportForm, "clean", colleague_submits_first)
    response = client_of(official_mx).post(
        reverse("workspace:report", args=[report.pk]),
        form_data(narrative="Cambios de último momento.", version=report.version),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else submitted this report while you were editing it" in page
    assert "Cambios de último momento." in page
    report.refresh_from_db()
    assert (report.review_state, report.narrative) == (
        ReviewState.SUBMITTED,
        "Se firmó el acuerdo de cooperación.",
    )
