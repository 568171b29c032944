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


def _queue(event, report, subject, body, recipients):
    """Queue the message of ``event`` on ``report``; returns it (None: nobody to tell)."""
    key = f"report-{event}:{report.pk}:v{report.version}"
    return mail.queue(key, recipients, subject=subject, body=body)


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
    subject = gettext("Report submitted for review: %(report)s") % {"report": report.title}
    body = "\n\n".join(
        [
            gettext("%(state)s submitted a progress report on commitment %(reference)s.")
            % {"state": report.member_state.name, "reference": report.commitment.reference},
            gettext("Review it here:"),
            absolute(reverse("workspace:review_report", args=[report.pk])),
        ]
    )
    return _queue("submitted", report, subject, body, curator_addresses())


def report_returned(report):
    subject = gettext("Report returned: %(report)s") % {"report": report.title}
    body = "\n\n".join(
        [
            gettext("A curator returned your progress report on commitment %(reference)s.")
            % {"reference": report.commitment.reference},
            gettext("Reason:"),
            report.return_reason,
            gettext("Correct it and submit it again here:"),
            absolute(reverse("workspace:report", args=[report.pk])),
        ]
    )
    return _queue("returned", report, subject, body, official_addresses(report))


def report_published(report):
    subject = gettext("Report published: %(report)s") % {"report": report.title}
    body = "\n\n".join(
        [
            gettext("Your progress report on commitment %(reference)s is now public.")
            % {"reference": report.commitment.reference},
            absolute(report.get_absolute_url()),
        ]
    )
    return _queue("published", report, subject, body, official_addresses(report))
