"""Following by e-mail without an account: double opt-in, digests of published reports only,
one-click unsubscribe (RFC 8058), deleting the address; officials' reminders."""

import datetime
import re
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from commitments.models import CurrentProgress, ReviewState
from follow.emails import send_digests, send_reminders
from follow.models import Subscription
from outbox.models import OutgoingEmail
from tests.reporting_helpers import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_at_once(django_capture_on_commit_callbacks):
    """E-mails are queued after commit: run those callbacks (the worker sends at once)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def address(name, *args, language="es"):
    with translation.override(language):
        return reverse(name, args=args)


def link_in(body, name):
    path = re.escape(address(name, "TOKEN").split("TOKEN")[0]).replace("/es/", "/[a-z]{2}/")
    found = re.search(rf"http://127\.0\.0\.1:8000({path}[^/\s]+/)", body)
    assert found, body
    return found.group(1)


def subscribe(client, send_at_once, what="state:AR", frequency="daily", email="ana@example.org"):
    return send_at_once(
        client.post,
        address("follow:follow"),
        {"email": email, "what": what, "frequency": frequency},
    )


def confirmed_subscription(client, send_at_once, mailoutbox, **kwargs):
    subscribe(client, send_at_once, **kwargs)
    confirm = link_in(mailoutbox[-1].body, "follow:confirm")
    client.post(confirm)
    return Subscription.objects.latest("pk")


def test_the_walk_from_subscribing_to_unsubscribing(
    plan, official_ar, official_mx, curator, mailoutbox, send_at_once
):
    client = Client(enforce_csrf_checks=True)
    page = client.get(address("follow:follow") + "?what=state:AR")
    assert page.status_code == 200
    assert '<option value="state:AR" selected>' in page.content.decode()
    token = page.cookies["csrftoken"].value

    response = send_at_once(
        client.post,
        address("follow:follow"),
        {"email": "Ana@Example.org", "what": "state:AR", "frequency": "daily"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.target, subscription.language) == (
        "ana@example.org",
        "state:AR",
        "es",
    )
    assert not subscription.is_confirmed
    (confirmation,) = mailoutbox
    assert confirmation.to == ["ana@example.org"]
    assert "Argentina" in confirmation.subject
    assert OutgoingEmail.objects.filter(key__startswith="follow-confirm:").count() == 1

    confirm = link_in(confirmation.body, "follow:confirm")
    assert "Confirmar" in client.get(confirm).content.decode()  # a GET only shows the button
    subscription.refresh_from_db()
    assert not subscription.is_confirmed
    assert client.post(confirm, {"csrfmiddlewaretoken": token}).status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_confirmed

    # Nothing published yet: no digest.
    send_at_once(call_command, "send_digests", "--frequency", "daily")
    assert len(mailoutbox) == 1

    draft = make_report(official_ar, ReviewState.SUBMITTED, reference="2.1")
    published = make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="1.1")
    mexico = make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reference="1.1")
    send_at_once(call_command, "send_digests", "--frequency", "weekly")
    assert len(mailoutbox) == 1  # a daily subscriber gets no weekly digest
    send_at_once(call_command, "send_digests", "--frequency", "daily")
    assert len(mailoutbox) == 2
    digest = mailoutbox[-1]
    assert digest.to == ["ana@example.org"]
    assert f"/es/reports/{published.pk}/" in digest.body
    assert f"/es/reports/{draft.pk}/" not in digest.body
    assert f"/es/reports/{mexico.pk}/" not in digest.body and "- México ·" not in digest.body
    assert "Argentina · 1.1" in digest.body and "En curso" in digest.body
    unsubscribe = link_in(digest.body, "follow:unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As sent: the address whole, never folded into encoded words mail clients cannot read.
    sent = digest.message().as_bytes().decode()
    assert f"List-Unsubscribe: <http://127.0.0.1:8000{unsubscribe}>\n" in sent

    # The same period again: nothing more.
    send_at_once(call_command, "send_digests", "--frequency", "daily")
    assert len(mailoutbox) == 2

    # The mail client's one-click POST: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not OutgoingEmail.objects.filter(to=["ana@example.org"]).exists()

    make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="2.2")
    send_at_once(call_command, "send_digests", "--frequency", "daily")
    assert len(mailoutbox) == 2


def test_a_draft_report_never_reaches_a_digest(
    client, plan, official_ar, curator, mailoutbox, send_at_once
):
    confirmed_subscription(client, send_at_once, mailoutbox, what="plan")
    # One open report per commitment × state: each unpublished state on its own commitment.
    for state, reference in (
        (ReviewState.DRAFT, "2.1"),
        (ReviewState.SUBMITTED, "2.2"),
        (ReviewState.RETURNED, "2.3"),
    ):
        make_report(official_ar, state, curator=curator, reference=reference)
    send_at_once(call_command, "send_digests", "--frequency", "daily")
    assert len(mailoutbox) == 1


def test_a_digest_is_written_in_the_language_of_the_subscription(
    client, plan, official_ar, curator, mailoutbox, send_at_once
):
    send_at_once(
        client.post,
        address("follow:follow", language="fr"),
        {"email": "luc@example.org", "what": "commitment:3.1", "frequency": "weekly"},
    )
    assert Subscription.objects.get().language == "fr"
    client.post(link_in(mailoutbox[0].body, "follow:confirm"))
    make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="3.1.1")
    make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="2.1")
    send_at_once(call_command, "send_digests", "--frequency", "weekly")
    digest = mailoutbox[-1]
    assert "/fr/reports/" in digest.body and "3.1.1" in digest.body and " 2.1 " not in digest.body
    assert "En cours" in digest.body
    assert "/fr/follow/unsubscribe/" in digest.extra_headers["List-Unsubscribe"]


def test_bad_input_is_refused_with_a_message_and_writes_nothing(client, plan, mailoutbox):
    for data, message in (
        ({"email": "no-es-un-correo", "what": "plan", "frequency": "daily"}, "correo"),
        ({"email": "a@example.org", "what": "state:ZZ", "frequency": "daily"}, "opción válida"),
        ({"email": "a@example.org", "what": "plan", "frequency": "hourly"}, "opción válida"),
    ):
        response = client.post(address("follow:follow"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Subscription.objects.exists()
    assert not mailoutbox


def test_subscribing_twice_sends_one_confirmation_a_day(client, plan, mailoutbox, send_at_once):
    subscribe(client, send_at_once)
    subscribe(client, send_at_once)
    assert Subscription.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_forged_or_expired_link_does_nothing(client, plan, mailoutbox, send_at_once):
    subscribe(client, send_at_once)
    confirm = link_in(mailoutbox[0].body, "follow:confirm")
    forged = confirm[:-3] + "xx/"
    assert client.post(forged).status_code == 400
    assert client.post(address("follow:manage", "nada")).status_code == 400
    assert client.post(address("follow:unsubscribe", "nada")).status_code == 400
    eight_days_later = time.time() + 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_later):
        assert client.post(confirm).status_code == 400
    assert not Subscription.objects.get().is_confirmed


def test_the_subscriber_changes_the_frequency_and_deletes_the_address(
    client, plan, mailoutbox, send_at_once
):
    confirmed_subscription(client, send_at_once, mailoutbox, what="state:AR")
    confirmed_subscription(client, send_at_once, mailoutbox, what="area:3")
    assert Subscription.objects.count() == 2
    confirm_page = client.get(link_in(mailoutbox[-1].body, "follow:confirm")).content.decode()
    manage = re.search(r'href="(/es/follow/manage/[^"]+)"', confirm_page).group(1)
    client.post(manage, {"frequency": "weekly"})
    assert Subscription.objects.get(target="area:3").frequency == "weekly"
    response = client.post(manage, {"delete_address": "1"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not OutgoingEmail.objects.filter(key__startswith="follow-").exists()


def test_public_pages_link_to_the_follow_page_and_carry_no_form(client, plan):
    for name, args, what in (
        ("public:dashboard", (), "plan"),
        ("public:state", ("AR",), "state:AR"),
        ("public:area", (3,), "area:3"),
        ("public:commitment", ("8.1",), "commitment:8.1"),
    ):
        response = client.get(address(name, *args))
        html = response.content.decode()
        assert f'href="/es/follow/?what={what.replace(":", "%3A")}"' in html
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies


def test_the_follow_page_offers_the_feed_and_calendar_of_what_is_followed(client, plan):
    """Whoever would rather not give an address gets the same thing as a feed and calendar."""
    for what, feed, calendar in (
        ("plan", "/es/feeds/reports.atom", "/es/calendar.ics"),
        ("state:AR", "/es/feeds/states/AR.atom", "/es/states/AR/calendar.ics"),
        ("area:3", "/es/feeds/areas/3.atom", "/es/areas/3/calendar.ics"),
        ("commitment:8.1", "/es/feeds/commitments/8.1.atom", "/es/areas/8/calendar.ics"),
        ("state:ZZ", "/es/feeds/reports.atom", "/es/calendar.ics"),
    ):
        html = client.get(address("follow:follow"), {"what": what}).content.decode()
        without_email = html.split("</form>", 1)[1]
        assert f'href="{feed}"' in without_email and f'href="{calendar}"' in without_email
        for link in (feed, calendar):
            assert client.get(link).status_code == 200
    refused = client.post(address("follow:follow"), {"email": "no", "what": "state:AR"})
    assert 'href="/es/feeds/states/AR.atom"' in refused.content.decode()


def test_an_official_is_reminded_once_before_the_report_turns_amber(
    plan, official_ar, official_mx, curator, mailoutbox, send_at_once
):
    today = timezone.localdate()
    make_report(
        official_ar,
        ReviewState.PUBLISHED,
        curator=curator,
        reference="1.1",
        reported_on=today - datetime.timedelta(days=350),
    )
    make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="2.1")
    make_report(
        official_mx,
        ReviewState.PUBLISHED,
        curator=curator,
        reference="1.1",
        reported_on=today - datetime.timedelta(days=200),
    )
    assert send_at_once(send_reminders, days=30) == 1
    (reminder,) = mailoutbox
    assert reminder.to == [official_ar.email]
    assert "1.1" in reminder.subject and "Argentina" in reminder.subject
    assert send_at_once(send_reminders, days=30) == 0
    send_at_once(call_command, "send_reminders")
    assert len(mailoutbox) == 1
    # A new report on 1.1 is a new crossing, a year later.
    assert CurrentProgress.objects.filter(member_state__iso_code="AR").count() == 2


def test_a_digest_tells_of_milestones_held_postponed_or_cancelled(
    client, plan, mailoutbox, send_at_once
):
    from commitments.models import Milestone, MilestoneStatus

    send_at_once(
        client.post,
        address("follow:follow", language="fr"),
        {"email": "luc@example.org", "what": "area:13", "frequency": "daily"},
    )
    client.post(link_in(mailoutbox[-1].body, "follow:confirm"))
    confirmed_subscription(client, send_at_once, mailoutbox, what="state:AR")
    confirmed_subscription(
        client, send_at_once, mailoutbox, what="area:2", email="otra@example.org"
    )
    sent = len(mailoutbox)

    forum = Milestone.objects.get(title_es="Foro regional sobre economía oceánica sostenible")
    forum.status = MilestoneStatus.HELD
    forum.actual_date = datetime.date(2020, 11, 26)
    forum.save()
    send_at_once(call_command, "send_digests", "--frequency", "daily")

    # Only the area's subscriber hears of it: a milestone belongs to no member state, and
    # the forum to area 13 alone.
    (digest,) = mailoutbox[sent:]
    assert digest.to == ["luc@example.org"]
    assert (
        digest.subject == "1 jalon ajouté, modifié ou supprimé — " + digest.subject.split("— ")[1]
    )
    body = digest.body
    assert "Jalon modifié: 13.1 · Forum régional sur l’économie océanique durable (Tenu)" in body
    assert "http://127.0.0.1:8000/fr/commitments/13.1/#milestones-heading" in body
    assert "Rapports d’avancement" not in body  # no report was published
    # The same period again: nothing more.
    send_at_once(call_command, "send_digests", "--frequency", "daily")
    assert len(mailoutbox) == sent + 1

    # The next day's digest names the fields a change altered.
    forum.place = "Ciudad de Panamá"
    forum.save()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    send_at_once(send_digests, "daily", now=tomorrow)
    assert len(mailoutbox) == sent + 2
    assert "Modifié : lieu" in mailoutbox[-1].body
    # And a day with nothing new sends nothing.
    send_at_once(send_digests, "daily", now=tomorrow + datetime.timedelta(days=1))
    assert len(mailoutbox) == sent + 2
