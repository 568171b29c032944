"""Writes to progress reports that touch more than one row.

Every function here runs in one transaction: a report is never half-published, and the
current state of a commitment × member state always equals its latest published report.
"""

from django.db import transaction
from django.utils import timezone

from ..models import CurrentProgress, ProgressReport, ReviewState


@transaction.atomic
def publish(report, by=None, now=None):
    """Publish ``report``: it becomes immutable and, unless a newer one is already
    published, the state's current status for its commitment. Returns the report."""
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
    report.save()
    set_current(report)
    return report


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
    """Recompute every current state from the published reports. Returns the row count."""
    CurrentProgress.objects.all().delete()
    latest = {}
    for report in ProgressReport.objects.published().order_by("reported_on", "published_at", "pk"):
        latest[(report.commitment_id, report.member_state_id)] = report
    CurrentProgress.objects.bulk_create(
        CurrentProgress(
            commitment_id=report.commitment_id,
            member_state_id=report.member_state_id,
            report=report,
            status=report.status,
            percentage=report.percentage,
            reported_on=report.reported_on,
            published_at=report.published_at,
        )
        for report in latest.values()
    )
    return len(latest)
