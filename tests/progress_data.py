"""Published progress reports made up for tests and screenshots, never shipped in the DB."""

import datetime
import random

from django.utils import timezone

from commitments.models import (
    Commitment,
    MemberState,
    ProgressReport,
    ReviewState,
    Status,
)
from commitments.services.reports import rebuild_current_progress


def random_status(rng):
    status = rng.choices(
        [Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED, Status.SUSPENDED],
        weights=[2, 6, 3, 1],
    )[0]
    low, high = status.percentage_range
    return status, rng.randint(low, high)


def make_published_reports(count, seed=7, states=None, today=None, demo=True):
    """``count`` published reports spread over the reportable commitments and ``states``
    (ISO codes; default: all), dated over the last three years, then the current states
    rebuilt. Bulk inserts: fast at any size. Returns the reports."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    commitments = list(Commitment.objects.reportable().order_by("reference_key"))
    member_states = list(MemberState.objects.order_by("iso_code"))
    if states is not None:
        member_states = [s for s in member_states if s.iso_code in states]
    pairs = [(c, s) for c in commitments for s in member_states]
    rng.shuffle(pairs)
    reports = []
    for index in range(count):
        commitment, state = pairs[index % len(pairs)]
        status, percentage = random_status(rng)
        reported_on = today - datetime.timedelta(days=rng.randint(0, 3 * 365))
        published = timezone.make_aware(
            datetime.datetime.combine(reported_on, datetime.time(12)) + datetime.timedelta(days=2)
        )
        reports.append(
            ProgressReport(
                commitment=commitment,
                member_state=state,
                status=status,
                percentage=percentage,
                narrative=f"Informe de prueba {index + 1}.",
                reported_on=reported_on,
                review_state=ReviewState.PUBLISHED,
                published_at=published,
                is_demo=demo,
            )
        )
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    rebuild_current_progress()
    return reports


PROFILES = {
    # status weights: not started, in progress, completed, suspended
    "early": [6, 3, 0, 1],
    "under way": [1, 7, 2, 0],
    "nearly done": [0, 3, 7, 0],
    "done": [0, 0, 1, 0],
}


def make_varied_reports(seed=2020, states=None, today=None, rounds=3):
    """A plausible picture for screenshots: each commitment gets a profile (some have no
    report at all, some are done), a random share of ``states`` reports on it, ``rounds``
    reports per pair over time, the latest being the current one. Returns the count."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED, Status.SUSPENDED]
    member_states = list(MemberState.objects.order_by("iso_code"))
    if states is not None:
        member_states = [s for s in member_states if s.iso_code in states]
    reports = []
    for commitment in Commitment.objects.reportable().order_by("reference_key"):
        profile = rng.choices([None, *PROFILES], weights=[1, 2, 4, 2, 1])[0]
        if profile is None:
            continue
        reporters = rng.sample(member_states, rng.randint(2, len(member_states)))
        for state in reporters:
            start = today - datetime.timedelta(days=rng.randint(30, 4 * 365))
            for step in range(rng.randint(1, rounds)):
                status = rng.choices(statuses, weights=PROFILES[profile])[0]
                low, high = status.percentage_range
                reported_on = start + datetime.timedelta(days=120 * step)
                if reported_on > today:
                    break
                published = timezone.make_aware(
                    datetime.datetime.combine(reported_on, datetime.time(12))
                )
                reports.append(
                    ProgressReport(
                        commitment=commitment,
                        member_state=state,
                        status=status,
                        percentage=rng.randint(low, high),
                        narrative="Datos de demostración.",
                        reported_on=reported_on,
                        review_state=ReviewState.PUBLISHED,
                        published_at=published,
                        is_demo=True,
                    )
                )
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    rebuild_current_progress()
    return len(reports)
