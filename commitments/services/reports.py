"""Writes to progress reports that touch more than one row.

Every function here runs in one transaction: a report is never half-published, and the
current state of a commitment × member state always equals its latest published report.

The review workflow (Akvo RSR's): draft → submitted → returned → resubmitted → published.
Officials write drafts and submit; curators return with a reason or publish. Each
transition leaves a history row naming the user and the reason.
"""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_noop

from ..models import (
    AWAITING_REVIEW,
    CurrentProgress,
    DataVersion,
    Evidence,
    ProgressReport,
    ReviewState,
)
from . import notifications

# simple_history keeps change reasons in a 100-character column.
_REASON_LENGTH = 100


class ReviewError(Exception):
    """The report is not in a review state that allows this action."""


class StaleReport(Exception):
    """Someone saved the report after the form was loaded: saving would overwrite them."""

    def __init__(self, current):
        super().__init__("stale report")
        self.current = current


def _record(report, by, reason):
    # simple_history reads these on the next save(); outside a request (admin actions run
    # inside one, commands do not) the user would otherwise be lost. The reason is stored
    # as its English msgid and translated when shown, so the record reads in any language.
    report._history_user = by
    report._change_reason = Truncator(reason).chars(_REASON_LENGTH)


@transaction.atomic
def save_report(report, *, by, expected_version=None, links=(), files=(), submit=False):
    """Create or update an official's report and attach new evidence; submit it if asked.

    ``report`` carries the form's values. Raises ``StaleReport`` when the stored report's
    version is not ``expected_version`` (the version the form was loaded with) and
    ``ReviewError`` when it is no longer editable. Evidence files are written last and
    removed again if anything fails, so a failed save leaves nothing in storage.
    """
    creating = report.pk is None
    if not creating:
        stored = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if stored.version != expected_version:
            raise StaleReport(stored)
        if not stored.is_editable:
            raise ReviewError(stored.review_state)
        report.review_state = stored.review_state
        report.version = stored.version + 1
    report.author = by
    reason = gettext_noop("Created") if creating else gettext_noop("Edited")
    if submit:
        _mark_submitted(report)
        reason = gettext_noop("Submitted for review")
    _record(report, by, reason)
    report.save()

    stored_files = []
    try:
        for url in links:
            Evidence.objects.create(report=report, url=url, title=Truncator(url).chars(200))
        for upload in files:
            evidence = Evidence(
                report=report,
                title=Truncator(upload.name).chars(200),
                content_type=getattr(upload, "detected_type", "") or "",
                size=upload.size,
            )
            evidence.file.save(upload.name, upload, save=False)
            stored_files.append(evidence.file)
            evidence.save()
    except BaseException:
        for stored_file in stored_files:
            stored_file.delete(save=False)
        raise
    if submit:
        transaction.on_commit(lambda: notifications.report_submitted(report))
    return report


@transaction.atomic
def remove_evidence(evidence, *, by):
    """Delete one piece of evidence of an editable report; its file goes after the commit."""
    report = ProgressReport.objects.select_for_update().get(pk=evidence.report_id)
    if not report.is_editable:
        raise ReviewError(report.review_state)
    stored_file = evidence.file
    evidence._history_user = by
    evidence._change_reason = gettext_noop("Evidence removed")
    evidence.delete()
    if stored_file:
        name, storage = stored_file.name, stored_file.storage
        transaction.on_commit(lambda: storage.delete(name))


def _mark_submitted(report):
    if report.review_state == ReviewState.RETURNED:
        report.review_state = ReviewState.RESUBMITTED
    elif report.review_state == ReviewState.DRAFT:
        report.review_state = ReviewState.SUBMITTED
    else:
        raise ReviewError(report.review_state)
    report.submitted_at = timezone.now()


@transaction.atomic
def submit(report, *, by):
    """Send a draft or returned report to the curators."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ReviewError(report.review_state)
    _mark_submitted(report)
    report.version += 1
    _record(report, by, gettext_noop("Submitted for review"))
    report.save()
    transaction.on_commit(lambda: notifications.report_submitted(report))
    return report


@transaction.atomic
def return_report(report, *, by, reason):
    """Send a submitted report back to its state with the curator's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A report is returned with a reason.")
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.review_state not in AWAITING_REVIEW:
        raise ReviewError(report.review_state)
    report.review_state = ReviewState.RETURNED
    report.return_reason = reason
    report.reviewed_by = by
    report.version += 1
    _record(report, by, gettext_noop("Returned"))
    report.save()
    transaction.on_commit(lambda: notifications.report_returned(report))
    return report


@transaction.atomic
def publish(report, by=None, now=None):
    """Publish ``report``: it becomes immutable and, unless a newer one is already
    published, the state's current status for its commitment. Returns the report.

    A report published while another is current supersedes it: that is how a correction
    works, and the superseded report stays in the public timeline."""
    now = now or timezone.now()
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.review_state == ReviewState.PUBLISHED:
        return report
    previous = (
        CurrentProgress.objects.select_for_update()
        .filter(commitment_id=report.commitment_id, member_state_id=report.member_state_id)
        .first()
    )
    report.review_state = ReviewState.PUBLISHED
    report.published_at = now
    report.reviewed_by = by
    report.return_reason = ""
    if previous is not None and report.supersedes_id is None and previous.report_id != report.pk:
        report.supersedes_id = previous.report_id
    report.version += 1
    _record(report, by, gettext_noop("Published"))
    report.save()
    set_current(report)
    transaction.on_commit(lambda: notifications.report_published(report))
    return report


def publish_many(reports, *, by):
    """Publish each report awaiting review; returns (published, skipped) counts.

    One transaction per report: one report in an unexpected state does not undo the others.
    """
    published = skipped = 0
    for report in reports:
        if report.review_state in AWAITING_REVIEW:
            publish(report, by=by)
            published += 1
        else:
            skipped += 1
    return published, skipped


def return_many(reports, *, by, reason):
    """Return each report awaiting review with the same reason; returns (returned, skipped)."""
    returned = skipped = 0
    for report in reports:
        try:
            return_report(report, by=by, reason=reason)
        except ReviewError:
            skipped += 1
        else:
            returned += 1
    return returned, skipped


def set_current(report):
    """Make ``report`` the current state of its pair unless a later-dated report is."""
    current = CurrentProgress.objects.filter(
        commitment_id=report.commitment_id, member_state_id=report.member_state_id
    ).first()
    if current is not None and (current.reported_on, current.published_at) > (
        report.reported_on,
        report.published_at,
    ):
        return current
    values = {
        "report": report,
        "status": report.status,
        "percentage": report.percentage,
        "reported_on": report.reported_on,
        "published_at": report.published_at,
    }
    current, _created = CurrentProgress.objects.update_or_create(
        commitment_id=report.commitment_id,
        member_state_id=report.member_state_id,
        defaults=values,
    )
    return current


@transaction.atomic
def rebuild_current_progress():
    """Recompute every current state from the published reports. Returns the row count.

    One INSERT … SELECT with a window function: the database ranks each pair's published
    reports (latest reporting date, then latest publication, then highest id, as
    ``set_current`` decides) and keeps the first, so a million reports never pass through
    Python.
    """
    CurrentProgress.objects.all().delete()
    current = CurrentProgress._meta.db_table
    reports = ProgressReport._meta.db_table
    qn = connection.ops.quote_name
    sql = f"""
        INSERT INTO {qn(current)}
            (commitment_id, member_state_id, report_id, status, percentage,
             reported_on, published_at)
        SELECT commitment_id, member_state_id, id, status, percentage, reported_on, published_at
        FROM (
            SELECT commitment_id, member_state_id, id, status, percentage, reported_on,
                   published_at,
                   ROW_NUMBER() OVER (
                       PARTITION BY commitment_id, member_state_id
                       ORDER BY reported_on DESC, published_at DESC, id DESC
                   ) AS position
            FROM {qn(reports)}
            WHERE review_state = %s
        ) ranked
        WHERE position = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [ReviewState.PUBLISHED.value])
        count = cursor.rowcount
    # The INSERT sends no model signals: the pages and the kept figures learn of it here.
    DataVersion.bump(DataVersion.PROGRESS)
    return count
