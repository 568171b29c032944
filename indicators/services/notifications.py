"""E-mails of the review of indicator values, as of progress reports
(``commitments.services.notifications``): curators hear of submissions, the official of
decisions; one message per event (the value's version names it), queued in the
transaction that made the change."""

from django.urls import reverse
from django.utils.translation import gettext

from areas.plan_text import versions
from commitments.services.notifications import published, returned, submitted

KIND = "indicator-value"


def _title(value):
    """The indicator's title in the e-mail's language, or the Spanish original while it has
    no translation (``areas.plan_text.versions``, as the pages choose it)."""
    return versions(value.indicator, "title")[1]


def _describe(value):
    return f"{_title(value)} · {value.member_state.local_name} · {value.period}"


def value_submitted(value):
    return submitted(
        KIND,
        value,
        gettext("Indicator value submitted for review: %(value)s") % {"value": _describe(value)},
        gettext("%(state)s submitted a value of the indicator “%(indicator)s”.")
        % {"state": value.member_state.local_name, "indicator": _title(value)},
        reverse("workspace:review_indicator_value", args=[value.pk]),
    )


def value_returned(value):
    return returned(
        KIND,
        value,
        gettext("Indicator value returned: %(value)s") % {"value": _describe(value)},
        gettext("A curator returned your value of the indicator “%(indicator)s”.")
        % {"indicator": _title(value)},
        reverse("workspace:indicator_value", args=[value.pk]),
    )


def value_published(value):
    return published(
        KIND,
        value,
        gettext("Indicator value published: %(value)s") % {"value": _describe(value)},
        gettext("Your value of the indicator “%(indicator)s” is now public.")
        % {"indicator": _title(value)},
        value.indicator.get_absolute_url(),
    )
