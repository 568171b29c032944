"""E-mails of the review of indicator values, as of progress reports
(``commitments.services.notifications``): curators hear of submissions, the official of
decisions; one message per event (the value's version names it), queued in the
transaction that made the change."""

from django.urls import reverse
from django.utils.translation import gettext

from commitments.services.links import absolute
from commitments.services.notifications import curator_addresses, official_addresses
from outbox import mail


def _queue(event, value, subject, body, recipients):
    key = f"indicator-value-{event}:{value.pk}:v{value.version}"
    return mail.queue(key, recipients, subject=subject, body=body)


def _describe(value):
    return f"{value.indicator.title} · {value.member_state.local_name} · {value.period}"


def value_submitted(value):
    subject = gettext("Indicator value submitted for review: %(value)s") % {
        "value": _describe(value)
    }
    body = "\n\n".join(
        [
            gettext("%(state)s submitted a value of the indicator “%(indicator)s”.")
            % {"state": value.member_state.local_name, "indicator": value.indicator.title},
            gettext("Review it here:"),
            absolute(reverse("workspace:review_indicator_value", args=[value.pk])),
        ]
    )
    return _queue("submitted", value, subject, body, curator_addresses())


def value_returned(value):
    subject = gettext("Indicator value returned: %(value)s") % {"value": _describe(value)}
    body = "\n\n".join(
        [
            gettext("A curator returned your value of the indicator “%(indicator)s”.")
            % {"indicator": value.indicator.title},
            gettext("Reason:"),
            value.return_reason,
            gettext("Correct it and submit it again here:"),
            absolute(reverse("workspace:indicator_value", args=[value.pk])),
        ]
    )
    return _queue("returned", value, subject, body, official_addresses(value))


def value_published(value):
    subject = gettext("Indicator value published: %(value)s") % {"value": _describe(value)}
    body = "\n\n".join(
        [
            gettext("Your value of the indicator “%(indicator)s” is now public.")
            % {"indicator": value.indicator.title},
            absolute(value.indicator.get_absolute_url()),
        ]
    )
    return _queue("published", value, subject, body, official_addresses(value))
