"""Every e-mail is a task: recorded with its event, sent by the worker once the transaction
commits, retried when the mail server fails, and sent once however often its task runs."""

import datetime
import re
import smtplib

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from commitments.models import MemberState
from commitments.services import notifications
from outbox import mail
from outbox.models import OutgoingEmail
from outbox.tasks import send_email
from tests.test_import_jobs import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_mail_server(monkeypatch):
    """The test outbox, behind a mail server that refuses the next ``times`` messages."""
    refusals = {"left": 0}
    deliver = EmailBackend.send_messages

    def send_messages(self, messages):
        if refusals["left"]:
            refusals["left"] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    def fail(times):
        refusals["left"] = times

    return fail


def test_a_message_is_sent_once_even_if_its_task_runs_twice(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = mail.queue("test:1", ["a@example.org"], subject="Hola", body="Cuerpo.")
        # The same event queued again (a retried request, a second signal) is one message.
        assert mail.queue("test:1", ["a@example.org"], subject="Hola", body="Cuerpo.") == email
    assert len(mailoutbox) == 1
    send_email.enqueue(email.pk)
    assert mail.deliver(email.pk) == "skipped"
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutgoingEmail.State.SENT, 1)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        mail.queue("test:2", ["a@example.org"], subject="Hola", body="Cuerpo.")
        raise RuntimeError("the event failed")
    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()


def test_a_refused_message_is_retried_and_finally_sent(
    mailoutbox, flaky_mail_server, django_capture_on_commit_callbacks
):
    flaky_mail_server(2)
    with django_capture_on_commit_callbacks(execute=True):
        email = mail.queue("test:3", ["a@example.org"], subject="Hola", body="Cuerpo.")
    assert len(django_mail.outbox) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutgoingEmail.State.SENT, 3)
    assert "SMTPServerDisconnected" in email.last_error


def test_a_message_every_attempt_of_which_fails_stays_for_an_operator(
    mailoutbox, flaky_mail_server, django_capture_on_commit_callbacks, settings
):
    from django.core.management import call_command

    flaky_mail_server(settings.EMAIL_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        email = mail.queue("test:4", ["a@example.org"], subject="Hola", body="Cuerpo.")
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutgoingEmail.State.FAILED, 5)
    assert django_mail.outbox == []
    call_command("send_pending_emails", "--failed")
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_later_then_sends(db_tasks, flaky_mail_server, mailoutbox):
    flaky_mail_server(1)
    email = mail.queue("test:5", ["a@example.org"], subject="Hola", body="Cuerpo.")
    run_worker()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutgoingEmail.State.PENDING, 1)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after >= email.next_attempt_at
    assert django_mail.outbox == []
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=email.created_at)
    run_worker()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutgoingEmail.State.SENT, 2)
    assert len(django_mail.outbox) == 1


def test_a_review_notification_is_sent_once_per_event(
    official_mx, curator, mailoutbox, django_capture_on_commit_callbacks
):
    from commitments.models import Commitment, ProgressReport, ReviewState, Status

    report = ProgressReport.objects.create(
        commitment=Commitment.objects.reportable().first(),
        member_state=MemberState.objects.get(iso_code="MX"),
        status=Status.IN_PROGRESS,
        percentage=10,
        reported_on=datetime.date(2026, 1, 15),
        author=official_mx,
        review_state=ReviewState.RETURNED,
        return_reason="Sin fuentes.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.report_returned(report)
        notifications.report_returned(report)
    assert len(mailoutbox) == 1
    report.version += 1
    with django_capture_on_commit_callbacks(execute=True):
        notifications.report_returned(report)
    assert len(mailoutbox) == 2


def test_the_welcome_of_an_official_is_recorded_with_the_official(
    plan, mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from accounts.models import OfficialProfile

    user = get_user_model().objects.create_user("nuevo", "nuevo@example.org")
    chile = MemberState.objects.get(iso_code="CL")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        OfficialProfile.objects.create(user=user, member_state=chile)
        raise RuntimeError("rolled back")
    assert mailoutbox == [] and not OutgoingEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        OfficialProfile.objects.create(
            user=user, member_state=MemberState.objects.get(iso_code="CL")
        )
    assert len(mailoutbox) == 1
    email = OutgoingEmail.objects.get()
    # The link is written when the message is sent: no token is kept in the database.
    assert (email.body, email.params) == ("", {"user_id": user.pk})
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_the_password_reset_e_mail_is_queued_not_sent_in_the_request(
    client, official_mx, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("accounts:password_reset"), {"email": "oficial-mx@example.org"})
    assert mailoutbox == []
    email = OutgoingEmail.objects.get(key__startswith="password-reset:")
    assert email.to == ["oficial-mx@example.org"] and "token" not in str(email.params)
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert "/password/reset/" in mailoutbox[0].body


def test_a_message_whose_worker_stopped_mid_attempt_is_sent_by_the_next_run(mailoutbox, settings):

    from django.core.management import call_command
    from django.utils import timezone

    email = OutgoingEmail.objects.create(key="test:stuck", to=["a@example.org"], subject="Hola")
    recent = OutgoingEmail.objects.create(key="test:busy", to=["b@example.org"], subject="Hola")
    OutgoingEmail.objects.filter(pk__in=[email.pk, recent.pk]).update(
        state=OutgoingEmail.State.SENDING, attempts=1
    )
    # The first was taken longer ago than any attempt may last: its worker is gone.
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.TASK_TIME_LIMIT + 61)
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=long_ago)
    assert list(OutgoingEmail.objects.due()) == [email]
    call_command("send_pending_emails")
    email.refresh_from_db()
    recent.refresh_from_db()
    assert (email.state, email.attempts) == (OutgoingEmail.State.SENT, 2)
    # One still within its time belongs to a worker that may yet send it.
    assert recent.state == OutgoingEmail.State.SENDING
    assert [message.to for message in mailoutbox] == [["a@example.org"]]


def test_a_sent_message_is_recorded_as_sent_before_the_time_limit_may_strike(
    mailoutbox, monkeypatch
):
    import signal

    email = OutgoingEmail.objects.create(key="test:alarm", to=["a@example.org"], subject="Hola")
    held = []

    def send(message, fail_silently=False):
        held.append(signal.SIGALRM in signal.pthread_sigmask(signal.SIG_BLOCK, set()))
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", send)
    assert mail.deliver(email.pk) == "sent"
    assert held == [True]
    assert signal.SIGALRM not in signal.pthread_sigmask(signal.SIG_BLOCK, set())
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT


def test_a_review_and_its_e_mail_are_recorded_in_one_transaction(official_mx, curator):
    from commitments.models import Commitment, ProgressReport, ReviewState, Status
    from commitments.services import reports

    report = ProgressReport.objects.create(
        commitment=Commitment.objects.reportable().first(),
        member_state=MemberState.objects.get(iso_code="MX"),
        status=Status.IN_PROGRESS,
        percentage=10,
        reported_on=datetime.date(2026, 1, 15),
        narrative="Avance.",
        author=official_mx,
        review_state=ReviewState.SUBMITTED,
    )
    with transaction.atomic():
        reports.return_report(report, by=curator, reason="Sin fuentes.")
        # Before the commit, the message is already a row: a process dying now loses both.
        assert OutgoingEmail.objects.filter(key__startswith="report-returned:").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_reloading_on_code_changes_still_runs_its_tasks(db_tasks, mailoutbox, caplog):
    import threading

    email = mail.queue("test:thread", ["a@example.org"], subject="Hola", body="Cuerpo.")
    # The autoreloader runs the worker off the main thread, where no alarm can reach it.
    worker = threading.Thread(target=run_worker)
    worker.start()
    worker.join(30)
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT
    assert len(mailoutbox) == 1
    assert "--no-reload" in caplog.text


def test_every_e_mail_goes_out_with_its_links_whole(
    client, official_mx, mailoutbox, django_capture_on_commit_callbacks
):
    """A link longer than 78 characters is sent as written (8bit), not cut by the soft line
    breaks of quoted-printable, so it can be followed even where a message is read as it is
    (the development server prints e-mails to its console)."""
    from django.contrib.auth import get_user_model

    from accounts.models import OfficialProfile

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "oficial-mx@example.org"})
        user = get_user_model().objects.create_user("nueva", "nueva@example.org")
        OfficialProfile.objects.create(
            user=user, member_state=MemberState.objects.get(iso_code="CL")
        )
        client.post(
            reverse("follow:follow"),
            {"email": "ana@example.org", "what": "state:AR", "frequency": "daily"},
        )
    assert len(mailoutbox) == 3
    for message in mailoutbox:
        links = re.findall(r"https?://\S+", message.body)
        assert links and max(len(link) for link in links) > 78, message.subject
        sent = message.message().as_bytes().decode()  # as the SMTP and console backends
        assert "quoted-printable" not in sent, message.subject
        for link in links:
            assert link in sent, (message.subject, link)
