"""Reports in a given review state, built the way the workflow builds them."""

import datetime

from django.utils import timezone

from commitments.models import Commitment, MemberState, ProgressReport, ReviewState, Status
from commitments.services import reports as report_service

LEAF = "1.1"
OTHER_LEAF = "2.1"
PARENT = "3.1"


def make_report(official, review_state=ReviewState.DRAFT, reference=LEAF, curator=None, **fields):
    """A report by ``official`` walked through the workflow up to ``review_state``."""
    values = {
        "status": Status.IN_PROGRESS,
        "percentage": 40,
        "narrative": "Se firmó el acuerdo de cooperación.",
        "reported_on": timezone.localdate() - datetime.timedelta(days=3),
        **fields,
    }
    report = report_service.save_report(
        ProgressReport(
            commitment=Commitment.objects.get(reference=reference),
            member_state=official.official_profile.member_state,
            **values,
        ),
        by=official,
    )
    return advance(report, review_state, official, curator)


def advance(report, review_state, official, curator, reason="Falta la evidencia."):
    """Walk a draft ``report`` through the workflow up to ``review_state``."""
    if review_state == ReviewState.DRAFT:
        return report
    report = report_service.submit(report, by=official)
    if review_state == ReviewState.SUBMITTED:
        return report
    if review_state == ReviewState.PUBLISHED:
        return report_service.publish(report, by=curator)
    report = report_service.return_report(report, by=curator, reason=reason)
    if review_state == ReviewState.RETURNED:
        return report
    return report_service.submit(report, by=official)  # resubmitted


def bulk_published(count, iso_codes=("MX", "AR", "BR", "CL")):
    """``count`` published reports on every leaf, without the workflow, then the current
    progress rebuilt: the data sizes of the query-count tests."""
    leaves = list(Commitment.objects.reportable())
    states = list(MemberState.objects.filter(iso_code__in=iso_codes))
    now = timezone.now()
    reports = [
        ProgressReport(
            commitment=leaves[index % len(leaves)],
            member_state=states[index % len(states)],
            status=Status.IN_PROGRESS,
            percentage=1 + index % 99,
            reported_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=index % 2000),
            review_state=ReviewState.PUBLISHED,
            published_at=now,
            is_demo=True,
        )
        for index in range(count)
    ]
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    report_service.rebuild_current_progress()
