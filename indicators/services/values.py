"""Writes to indicator values: the review workflow of progress reports, applied to values.

The transitions are the reports' own (``commitments.services.reports``): each starts with
the same conditional UPDATE (``claim``) that re-checks its precondition on the stored row,
and a caller that lost a race gets ``ReviewError`` (or ``StaleReport``, ``OpenReportExists``)
with nothing changed; the pages turn it into a 409. Each runs in one transaction, records
the user and the reason in the history and queues its e-mail in that transaction.

Publishing makes the value the current one of its indicator × state × period; the one it
replaces (a correction) stays published, kept in ``supersedes``.
"""

from commitments.services import reports as workflow
from commitments.services.reports import OpenReportExists, ReviewError, StaleReport, Workflow

from ..models import IndicatorEvidence, IndicatorValue
from . import notifications

__all__ = [
    "OpenReportExists",
    "ReviewError",
    "StaleReport",
    "publish",
    "return_value",
    "save_value",
    "submit",
]

# What an official's form changes on a value that already exists.
OFFICIAL_FIELDS = ("period", "value", "narrative")


def save_value(value, **kwargs):
    """Create or update an official's value and attach new evidence; submit it if asked.

    As ``commitments.services.reports.save_report``: ``OpenReportExists`` when a new value
    (or one whose period was changed) meets one its state opened meanwhile for the same
    indicator and period, ``ReviewError`` when the stored value is no longer editable,
    ``StaleReport`` when it was saved since the form was loaded. Returns the saved value.
    """
    return workflow.save(VALUES, value, **kwargs)


def submit(value, *, by, expected_version=None):
    """Send a draft or returned value to the curators; ``ReviewError`` when it is no
    longer editable."""
    return workflow.submit_item(VALUES, value, by=by, expected_version=expected_version)


def return_value(value, *, by, reason, expected_version=None):
    """Send a submitted value back to its state with the curator's reason; ``ReviewError``
    when it is not awaiting review any more (or was saved since ``expected_version``)."""
    return workflow.return_item(
        VALUES, value, by=by, reason=reason, expected_version=expected_version
    )


def publish(value, *, by=None, now=None, expected_version=None):
    """Publish ``value``: it becomes immutable and the current value of its indicator ×
    state × period, replacing (and keeping in ``supersedes``) the one that was. Raises
    ``ReviewError`` when it is not awaiting review any more."""
    return workflow.publish_item(VALUES, value, by=by, now=now, expected_version=expected_version)


def _replaced_value(value):
    """The current value of ``value``'s indicator × state × period, which ``value``, being
    published, replaces: no longer current from now on, before ``value`` becomes it (one
    current value per period, always)."""
    previous = (
        IndicatorValue.objects.current()
        .select_for_update()
        .filter(
            indicator_id=value.indicator_id,
            member_state_id=value.member_state_id,
            period=value.period,
        )
        .first()
    )
    if previous is not None:
        IndicatorValue.objects.filter(pk=previous.pk).update(is_current=False)
    value.is_current = True
    return previous


VALUES = Workflow(
    IndicatorValue,
    official_fields=OFFICIAL_FIELDS,
    one_open_per=("indicator", "member_state", "period"),
    evidence=IndicatorEvidence,
    evidence_of="value",
    notify={
        "submitted": notifications.value_submitted,
        "returned": notifications.value_returned,
        "published": notifications.value_published,
    },
    replaces=_replaced_value,
)
