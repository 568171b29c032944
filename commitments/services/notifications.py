"""E-mails of the review workflow: curators hear of submissions, officials of decisions.

Called after the transaction commits, so nobody is told about a change that was rolled
back. A mail server that fails is logged, never turned into a failed review.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _send(subject, body, recipients):
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return 0
    message = EmailMessage(subject=subject, body=body, to=recipients)
    try:
        return message.send()
    except OSError:
        logger.exception("Could not send %r to %s", subject, recipients)
        return 0


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


def _describe(report):
    return f"{report.commitment.reference} · {report.member_state.name} · {report.reported_on}"


def report_submitted(report):
    subject = gettext("Report submitted for review: %(report)s") % {"report": _describe(report)}
    body = "\n\n".join(
        [
            gettext("%(state)s submitted a progress report on commitment %(reference)s.")
            % {"state": report.member_state.name, "reference": report.commitment.reference},
            gettext("Review it here:"),
            _absolute(reverse("workspace:review_report", args=[report.pk])),
        ]
    )
    return _send(subject, body, curator_addresses())


def report_returned(report):
    subject = gettext("Report returned: %(report)s") % {"report": _describe(report)}
    body = "\n\n".join(
        [
            gettext("A curator returned your progress report on commitment %(reference)s.")
            % {"reference": report.commitment.reference},
            gettext("Reason:"),
            report.return_reason,
            gettext("Correct it and submit it again here:"),
            _absolute(reverse("workspace:report", args=[report.pk])),
        ]
    )
    return _send(subject, body, official_addresses(report))


def report_published(report):
    subject = gettext("Report published: %(report)s") % {"report": _describe(report)}
    body = "\n\n".join(
        [
            gettext("Your progress report on commitment %(reference)s is now public.")
            % {"reference": report.commitment.reference},
            _absolute(report.get_absolute_url()),
        ]
    )
    return _send(subject, body, official_addresses(report))
