"""The e-mails of following: the confirmation of a subscription, the digests and the
officials' reminders. Queued through the outbox with one event key each (a subscriber ×
digest period, an official × commitment × report turning amber), so none is ever sent
twice; written when the worker sends them, in the language the subscriber chose, with
links signed then, so no usable link is kept in the database."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation

from commitments.models import CurrentProgress, Milestone, MilestoneStatus, ProgressReport
from commitments.services import milestones as milestone_service
from commitments.services.changes import KINDS as CHANGE_KINDS
from commitments.services.changes import MILESTONE_KINDS
from commitments.services.progress import FRESH, FRESH_MONTHS, freshness, months_before
from outbox import mail
from outbox.messages import Message
from outbox.models import OutgoingEmail

from . import subscriptions, targets, texts
from .models import Frequency, Subscription

# A digest lists at most this many reports, and links to the rest.
DIGEST_MAX_REPORTS = 100


def _render(name, context):
    subject = loader.render_to_string(f"follow/{name}_subject.txt", context).strip()
    body = loader.render_to_string(f"follow/{name}_email.txt", context)
    return " ".join(subject.split()), body


def _links(subscription):
    manage = subscriptions.token(subscription, subscriptions.MANAGE_SALT)
    return {
        "manage_url": texts.absolute(reverse("follow:manage", args=[manage])),
        "unsubscribe_url": texts.absolute(reverse("follow:unsubscribe", args=[manage])),
    }


def confirmation_message(subscription_id):
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.is_confirmed:
        return None
    confirm = subscriptions.token(subscription, subscriptions.CONFIRM_SALT)
    context = {
        "what": targets.of_subscription(subscription).label,
        "frequency": subscription.get_frequency_display(),
        "confirm_url": texts.absolute(reverse("follow:confirm", args=[confirm])),
        "days": subscriptions.CONFIRM_MAX_AGE.days,
    }
    subject, body = _render("confirm", context)
    return Message(subject=subject, body=body, to=[subscription.email])


def _milestone_lines(changes):
    """The digest's lines on milestones, in the active language, from the changes
    ``_queue_digest`` recorded: [{"history_id", "kind", "fields"}, ...]."""
    records = {
        record.history_id: record
        for record in Milestone.history.model.objects.filter(
            history_id__in=[change["history_id"] for change in changes]
        ).select_related("commitment")
    }
    language = translation.get_language()
    lines = []
    for change in changes:
        record = records.get(change["history_id"])
        if record is None:
            continue
        fields = [str(Milestone._meta.get_field(name).verbose_name) for name in change["fields"]]
        lines.append(
            {
                "what": str(CHANGE_KINDS[MILESTONE_KINDS[change["kind"]]]),
                "reference": record.commitment.reference,
                # The history keeps each language's title: the subscriber's, else the plan's.
                "title": getattr(record, f"title_{language}", None) or record.title,
                "status": str(MilestoneStatus(record.status).label),
                "fields": ", ".join(fields),
                "url": texts.absolute(
                    reverse("public:commitment", args=[record.commitment.reference])
                    + "#milestones-heading"
                ),
            }
        )
    return lines


def digest_message(subscription_id, report_ids, more=0, milestones=()):
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None or not subscription.is_confirmed:
        return None  # unsubscribed before the worker got to it: nothing is sent
    reports = (
        ProgressReport.objects.published()
        .filter(pk__in=report_ids)
        .select_related("commitment", "member_state")
        .order_by("-published_at", "-id")
    )
    target = targets.of_subscription(subscription)
    links = _links(subscription)
    context = {
        "what": target.label,
        "daily": subscription.frequency == Frequency.DAILY,
        "reports": [
            {
                "name": report.title,
                "commitment": texts.short(report.commitment.text, 100),
                "status": texts.status(report.status),
                "percentage": texts.pct(report.percentage),
                "reported_on": texts.day(report.reported_on),
                "url": texts.absolute(reverse("public:report", args=[report.pk])),
            }
            for report in reports
        ],
        "more": more,
        "milestones": _milestone_lines(milestones),
        "page_url": texts.absolute(target.page_path()),
        **links,
    }
    subject, body = _render("digest", context)
    return Message(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients offer one-click unsubscribe, which POSTs
            # "List-Unsubscribe=One-Click" to this address.
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def period_of(frequency, now):
    """The digest period ``now`` falls in: the day, or the ISO week."""
    day = timezone.localdate(now)
    if frequency == Frequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_digests(frequency, now=None):
    """Queue this period's digest for every confirmed subscription of ``frequency`` that
    has newly published reports, or milestones added, changed or removed, since its last.
    Returns how many were queued; run twice in a period, the second run queues none."""
    now = now or timezone.now()
    period = period_of(frequency, now)
    ids = Subscription.objects.confirmed().filter(frequency=frequency).values_list("pk", flat=True)
    return sum(_queue_digest(pk, period, now) for pk in list(ids))


def _queue_digest(subscription_id, period, now):
    key = f"follow-digest:{subscription_id}:{period}"
    with transaction.atomic():
        subscription = (
            Subscription.objects.confirmed()
            # Only the subscription's row is locked (its targets are nullable joins).
            .select_for_update(of=("self",))
            .select_related("member_state", "area", "commitment")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None or OutgoingEmail.objects.filter(key=key).exists():
            return 0
        since = subscription.digested_until or subscription.confirmed_at
        reports = ProgressReport.objects.published().filter(
            targets.of_subscription(subscription).report_filter(),
            published_at__gt=since,
            published_at__lte=now,
        )
        report_ids = list(
            reports.order_by("-published_at", "-id").values_list("pk", flat=True)[
                : DIGEST_MAX_REPORTS + 1
            ]
        )
        target = targets.of_subscription(subscription)
        milestones = [
            {
                "history_id": change.milestone.history_id,
                "kind": change.kind,
                "fields": change.fields,
            }
            for change in milestone_service.recent_milestone_changes(since)
            if since < change.changed_at <= now
            and target.covers_milestones_of(change.milestone.commitment)
        ][:DIGEST_MAX_REPORTS]
        if not report_ids and not milestones:
            return 0
        more = reports.count() - DIGEST_MAX_REPORTS if len(report_ids) > DIGEST_MAX_REPORTS else 0
        subscription.digested_until = now
        subscription.save(update_fields=["digested_until"])
        with translation.override(subscription.language):
            mail.queue(
                key,
                [subscription.email],
                builder="follow.emails.digest_message",
                params={
                    "subscription_id": subscription.pk,
                    "report_ids": report_ids[:DIGEST_MAX_REPORTS],
                    "more": more,
                    "milestones": milestones,
                },
            )
    return 1


# --- officials' reminders ------------------------------------------------------------------


def turns_amber_on(last_reported, today, horizon):
    """The first day from ``today`` to ``horizon`` on which a report of ``last_reported``
    is no longer green, by the one freshness rule; None if it stays green."""
    day = today
    while day <= horizon:
        if freshness(last_reported, day) != FRESH:
            return day
        day += datetime.timedelta(days=1)
    return None


def send_reminders(today=None, days=None):
    """Queue a reminder to each official of a state whose latest published report on a
    commitment turns amber within ``days`` (FOLLOW_REMINDER_DAYS): one per official ×
    commitment × report, so a crossing is announced once and a new report starts afresh.
    Returns how many were queued."""
    today = today or timezone.localdate()
    days = settings.FOLLOW_REMINDER_DAYS if days is None else days
    horizon = today + datetime.timedelta(days=days)
    # Green today and not green at the horizon: within the window, in the database.
    ageing = CurrentProgress.objects.filter(
        reported_on__gte=months_before(today, FRESH_MONTHS),
        reported_on__lt=months_before(horizon, FRESH_MONTHS),
    ).select_related("commitment", "member_state")
    rows = list(ageing.order_by("member_state_id", "commitment__reference_key"))
    if not rows:
        return 0
    officials = {}
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            official_profile__member_state_id__in={row.member_state_id for row in rows},
        )
        .exclude(email="")
        .values_list("pk", "email", "official_profile__member_state_id")
    )
    for user_id, email, state_id in users:
        officials.setdefault(state_id, []).append((user_id, email))
    queued = 0
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for row in rows:
            amber_on = turns_amber_on(row.reported_on, today, horizon)
            if amber_on is None:
                continue
            for user_id, email in officials.get(row.member_state_id, []):
                key = f"follow-reminder:{user_id}:{row.commitment_id}:{row.report_id}:amber"
                if OutgoingEmail.objects.filter(key=key).exists():
                    continue
                subject, body = _render(
                    "reminder",
                    {
                        "state": row.member_state.local_name,
                        "reference": row.commitment.reference,
                        "commitment": texts.short(row.commitment.text, 100),
                        "reported_on": texts.day(row.reported_on),
                        "amber_on": texts.day(amber_on),
                        "report_url": texts.absolute(
                            reverse("workspace:report_new", args=[row.commitment.reference])
                        ),
                    },
                )
                mail.queue(key, [email], subject=subject, body=body)
                queued += 1
    return queued
