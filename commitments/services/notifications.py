"""E-mails of the review workflow: curators hear of submissions, officials of decisions.

Each function queues one message for its event (the report's version names it), sent by the
task worker once the transaction commits. The review services call them inside the
transaction that made the change, so the message is recorded with it: a review is never
committed without its message, nor a message without its review. A failing mail server is
retried by the worker, never turned into a failed review, and a second call for the same
event sends nothing more.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext

from outbox import mail

from .links import absolute


def queue(kind, event, item, subject, paragraphs, recipients):
    """Queue the message of ``event`` on ``item`` (a report, an indicator value: ``kind``
    names which), its body the ``paragraphs`` one blank line apart; returns it (None:
    nobody to tell)."""
    key = f"{kind}-{event}:{item.pk}:v{item.version}"
    return mail.queue(key, recipients, subject=subject, body="\n\n".join(paragraphs))


def submitted(kind, item, subject, summary, review_url):
    """Tell the curators that ``item`` awaits them at ``review_url``."""
    paragraphs = [summary, gettext("Review it here:"), absolute(review_url)]
    return queue(kind, "submitted", item, subject, paragraphs, curator_addresses())


def returned(kind, item, subject, summary, edit_url):
    """Tell the official that ``item`` came back, why, and where to correct it."""
    paragraphs = [
        summary,
        gettext("Reason:"),
        item.return_reason,
        gettext("Correct it and submit it again here:"),
        absolute(edit_url),
    ]
    return queue(kind, "returned", item, subject, paragraphs, official_addresses(item))


def published(kind, item, subject, summary, public_url):
    """Tell the official that ``item`` is public at ``public_url``."""
    paragraphs = [summary, absolute(public_url)]
    return queue(kind, "published", item, subject, paragraphs, official_addresses(item))


def curator_addresses():
    """settings.CURATORS_EMAIL plus every active user who may review, with an address (one
    query)."""
    users = (
        get_user_model()
        .objects.with_perm(
            "commitments.review_progressreport",
            include_superusers=False,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
    )
    return [*settings.CURATORS_EMAIL, *users.values_list("email", flat=True)]


def official_addresses(report):
    """The report's author; the state's officials when the author has no address."""
    author = report.author
    if author is not None and author.is_active and author.email:
        return [author.email]
    users = (
        get_user_model()
        .objects.filter(official_profile__member_state_id=report.member_state_id, is_active=True)
        .exclude(email="")
    )
    return list(users.values_list("email", flat=True))


def report_submitted(report):
    return submitted(
        "report",
        report,
        gettext("Report submitted for review: %(report)s") % {"report": report.title},
        gettext("%(state)s submitted a progress report on commitment %(reference)s.")
        % {"state": report.member_state.name, "reference": report.commitment.reference},
        reverse("workspace:review_report", args=[report.pk]),
    )


def report_returned(report):
    return returned(
        "report",
        report,
        gettext("Report returned: %(report)s") % {"report": report.title},
        gettext("A curator returned your progress report on commitment %(reference)s.")
        % {"reference": report.commitment.reference},
        reverse("workspace:report", args=[report.pk]),
    )


def report_published(report):
    return published(
        "report",
        report,
        gettext("Report published: %(report)s") % {"report": report.title},
        gettext("Your progress report on commitment %(reference)s is now public.")
        % {"reference": report.commitment.reference},
        report.get_absolute_url(),
    )
