"""Writes to indicator values: the review workflow of progress reports, applied to values.

The transitions are the reports' own (``commitments.services.reports``): each starts with
the same conditional UPDATE (``claim``) that re-checks its precondition on the stored row,
and a caller that lost a race gets ``ReviewError`` (or ``StaleReport``, ``OpenReportExists``)
with nothing changed; the pages turn it into a 409. Each runs in one transaction, records
the user and the reason in the history and queues its e-mail in that transaction.

Publishing makes the value the current one of its indicator × state × period; the one it
replaces (a correction) stays published, kept in ``supersedes``.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from commitments.models import (
    AWAITING_REVIEW,
    EDITABLE_BY_OFFICIAL,
    OPEN_REVIEW_STATES,
    ReviewState,
)
from commitments.services.reports import (
    OpenReportExists,
    ReviewError,
    StaleReport,
    attach_evidence,
    claim,
    delete_evidence,
    mark_submitted,
    record,
)

from ..models import IndicatorEvidence, IndicatorValue
from . import notifications

__all__ = [
    "OpenReportExists",
    "ReviewError",
    "StaleReport",
    "publish",
    "remove_evidence",
    "return_value",
    "save_value",
    "submit",
]

# What an official's form changes on a value that already exists.
OFFICIAL_FIELDS = ("period", "value", "narrative")


def _claim(pk, allowed, expected_version=None, **conditions):
    return claim(IndicatorValue, pk, allowed, expected_version, **conditions)


def open_value(indicator_id, member_state_id, period):
    return IndicatorValue.objects.filter(
        indicator_id=indicator_id,
        member_state_id=member_state_id,
        period=period,
        review_state__in=OPEN_REVIEW_STATES,
    ).first()


@transaction.atomic
def save_value(value, *, by, expected_version=None, links=(), files=(), submit=False):
    """Create or update an official's value and attach new evidence; submit it if asked.

    As ``commitments.services.reports.save_report``: ``OpenReportExists`` when a new value
    meets one its state opened meanwhile for the same indicator and period, ``ReviewError``
    when the stored value is no longer editable, ``StaleReport`` when it was saved since
    the form was loaded. Returns the saved value.
    """
    if value.pk is None:
        value.author = by
        value.review_state = ReviewState.DRAFT
        value.version = 1
        if submit:
            mark_submitted(value)
        record(
            value, by, gettext_noop("Submitted for review") if submit else gettext_noop("Created")
        )
        try:
            with transaction.atomic():
                value.save()
        except IntegrityError:
            existing = open_value(value.indicator_id, value.member_state_id, value.period)
            if existing is None:
                raise
            raise OpenReportExists(existing) from None
    else:
        if expected_version is None:
            stored = IndicatorValue.objects.filter(pk=value.pk).first()
            if stored is None or not stored.is_editable:
                raise ReviewError(stored)
            raise StaleReport(stored)
        try:
            stored = _claim(value.pk, EDITABLE_BY_OFFICIAL, expected_version)
        except ReviewError as error:
            if error.changed:
                raise StaleReport(error.report) from None
            raise
        for name in OFFICIAL_FIELDS:
            setattr(stored, name, getattr(value, name))
        stored.author = by
        if submit:
            mark_submitted(stored)
        record(
            stored, by, gettext_noop("Submitted for review") if submit else gettext_noop("Edited")
        )
        try:
            with transaction.atomic():
                stored.save()
        except IntegrityError:
            # The period was changed to one the state already has an open value for.
            existing = open_value(stored.indicator_id, stored.member_state_id, stored.period)
            if existing is None:
                raise
            raise OpenReportExists(existing) from None
        value = stored

    attach_evidence(lambda **fields: IndicatorEvidence(value=value, **fields), links, files)
    if submit:
        notifications.value_submitted(value)
    return value


@transaction.atomic
def submit(value, *, by, expected_version=None):
    """Send a draft or returned value to the curators; ``ReviewError`` when it is no
    longer editable."""
    value = _claim(value.pk, EDITABLE_BY_OFFICIAL, expected_version)
    mark_submitted(value)
    record(value, by, gettext_noop("Submitted for review"))
    value.save()
    notifications.value_submitted(value)
    return value


@transaction.atomic
def return_value(value, *, by, reason, expected_version=None):
    """Send a submitted value back to its state with the curator's reason; ``ReviewError``
    when it is not awaiting review any more (or was saved since ``expected_version``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A value is returned with a reason.")
    value = _claim(value.pk, AWAITING_REVIEW, expected_version)
    value.review_state = ReviewState.RETURNED
    value.return_reason = reason
    value.reviewed_by = by
    record(value, by, gettext_noop("Returned"))
    value.save()
    notifications.value_returned(value)
    return value


@transaction.atomic
def publish(value, *, by=None, now=None, expected_version=None):
    """Publish ``value``: it becomes immutable and the current value of its indicator ×
    state × period, replacing (and keeping in ``supersedes``) the one that was. Raises
    ``ReviewError`` when it is not awaiting review any more."""
    value = _claim(value.pk, AWAITING_REVIEW, expected_version)
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
        # Before this one is marked current: one current value per period, always.
        IndicatorValue.objects.filter(pk=previous.pk).update(is_current=False)
    value.review_state = ReviewState.PUBLISHED
    value.published_at = now or timezone.now()
    value.reviewed_by = by
    value.return_reason = ""
    value.is_current = True
    value.supersedes = previous
    record(value, by, gettext_noop("Published"))
    value.save()
    notifications.value_published(value)
    return value


@transaction.atomic
def remove_evidence(evidence, *, by):
    """Delete one piece of evidence of an editable value; its file goes after the commit."""
    value = IndicatorValue.objects.select_for_update().get(pk=evidence.value_id)
    if not value.is_editable:
        raise ReviewError(value)
    delete_evidence(evidence, by)
