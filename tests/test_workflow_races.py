"""The review workflow holds when two people act on the same thing at the same instant.

Each trial starts two threads, each with its own database connection, at a barrier, and
hands each the report as its request would have loaded it before the other acted. Every
trial must end consistent: the pair's current state is its latest-dated published report,
"supersedes" only points forward, a pair has at most one open report, a returned report is
never published by the other racer, and the loser gets the workflow's conflict error, never
another exception.
"""

import datetime
import itertools
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone

from commitments.models import (
    OPEN_REVIEW_STATES,
    Commitment,
    CurrentProgress,
    MemberState,
    ProgressReport,
    ReviewState,
    Status,
)
from commitments.services import reports as report_service

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite's shared in-memory test database fails a second writer at once "
        "('database table is locked') instead of making it wait as the portal's SQLite file "
        "does, so no two threads can race on it; there every transaction takes the write "
        "lock when it begins (IMMEDIATE), which serializes them, and the conditional "
        "updates are tested with stale objects in tests/test_backdating.py.",
    ),
]

TRIALS = 50
BASE_DATE = datetime.date(2026, 6, 1)
CONFLICTS = (report_service.ReviewError, report_service.OpenReportExists)


def race(*actions):
    """Run ``actions`` in threads released together; each outcome is ("ok", value),
    ("conflict", error) or ("error", exception)."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", action())
        except CONFLICTS as error:
            outcomes[index] = ("conflict", error)
        except BaseException as error:  # noqa: BLE001 - any other exception is a failure
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def kinds(outcomes):
    return sorted(kind for kind, _value in outcomes)


@pytest.fixture
def people(plan):
    User = get_user_model()
    return {
        name: User.objects.create_user(name, email=f"{name}@example.org")
        for name in ("curator_a", "curator_b", "official_a", "official_b")
    }


@pytest.fixture
def pairs(plan):
    """A fresh commitment × member state for each trial."""
    leaves = Commitment.objects.reportable().order_by("pk")
    states = MemberState.objects.order_by("pk")
    return list(itertools.product(leaves, states))[:TRIALS]


def report_on(pair, review_state, reported_on, **fields):
    commitment, state = pair
    published = review_state == ReviewState.PUBLISHED
    return ProgressReport.objects.create(
        commitment=commitment,
        member_state=state,
        status=Status.IN_PROGRESS,
        percentage=fields.pop("percentage", 50),
        narrative="Informe.",
        reported_on=reported_on,
        review_state=review_state,
        submitted_at=timezone.now(),
        published_at=timezone.now() if published else None,
        **fields,
    )


def inconsistencies():
    """Every way the stored workflow contradicts its rules, as readable strings."""
    found = []
    published = {}
    for report in ProgressReport.objects.published():
        published.setdefault((report.commitment_id, report.member_state_id), []).append(report)
    current = {
        (row.commitment_id, row.member_state_id): row for row in CurrentProgress.objects.all()
    }
    for pair, reports in published.items():
        latest = max(reports, key=lambda r: (r.reported_on, r.published_at, r.pk))
        row = current.get(pair)
        if row is None or row.report_id != latest.pk or row.percentage != latest.percentage:
            found.append(f"{pair}: current is {row and row.report_id}, latest is {latest.pk}")
    for pair in set(current) - set(published):
        found.append(f"{pair}: current without a published report")
    by_pk = {report.pk: report for reports in published.values() for report in reports}
    for report in ProgressReport.objects.filter(supersedes__isnull=False):
        old = by_pk.get(report.supersedes_id)
        if (
            not report.is_published
            or old is None
            or (old.commitment_id, old.member_state_id)
            != (report.commitment_id, report.member_state_id)
            or (old.reported_on, old.published_at) > (report.reported_on, report.published_at)
        ):
            found.append(f"report {report.pk} supersedes {report.supersedes_id} backwards")
    open_pairs = ProgressReport.objects.filter(review_state__in=OPEN_REVIEW_STATES).values_list(
        "commitment_id", "member_state_id"
    )
    pairs = list(open_pairs)
    found.extend(f"{pair}: two open reports" for pair in set(pairs) if pairs.count(pair) > 1)
    return found


def test_two_curators_publishing_at_once_keep_the_latest_dated_report_current(people, pairs):
    unexpected = []
    for trial, pair in enumerate(pairs):
        earlier = trial % 2 == 0
        shown = report_on(pair, ReviewState.PUBLISHED, BASE_DATE, percentage=30)
        offset = datetime.timedelta(days=-30 if earlier else 30)
        pending = report_on(pair, ReviewState.SUBMITTED, BASE_DATE + offset, percentage=70)
        report_service.set_current(pending.commitment_id, pending.member_state_id)
        # Each curator's request loaded the report before either published it.
        first, second = (ProgressReport.objects.get(pk=pending.pk) for _twice in range(2))
        outcomes = race(
            lambda first=first: report_service.publish(first, by=people["curator_a"]),
            lambda second=second: report_service.publish(second, by=people["curator_b"]),
        )
        if kinds(outcomes) != ["conflict", "ok"]:
            unexpected.append((trial, outcomes))
        pending.refresh_from_db()
        expected_supersedes = None if earlier else shown.pk
        if pending.supersedes_id != expected_supersedes:
            unexpected.append((trial, "supersedes", pending.supersedes_id))
    assert unexpected == []
    assert inconsistencies() == []


def test_publishing_while_the_current_states_are_rebuilt_stays_consistent(people, pairs):
    unexpected = []
    for trial, pair in enumerate(pairs[:25]):
        report_on(pair, ReviewState.PUBLISHED, BASE_DATE)
        offset = datetime.timedelta(days=-5 if trial % 2 else 5)
        pending = report_on(pair, ReviewState.SUBMITTED, BASE_DATE + offset)
        outcomes = race(
            lambda pending=pending: report_service.publish(pending, by=people["curator_a"]),
            report_service.rebuild_current_progress,
        )
        if kinds(outcomes) != ["ok", "ok"]:
            unexpected.append((trial, outcomes))
    assert unexpected == []
    assert inconsistencies() == []


def test_a_report_returned_while_another_curator_publishes_it_is_never_both(
    people, pairs, mailoutbox
):
    unexpected = []
    for trial, pair in enumerate(pairs):
        pending = report_on(pair, ReviewState.SUBMITTED, BASE_DATE, author=people["official_a"])
        publishing, returning = (ProgressReport.objects.get(pk=pending.pk) for _twice in range(2))
        outcomes = race(
            lambda report=publishing: report_service.publish(report, by=people["curator_a"]),
            lambda report=returning: report_service.return_report(
                report, by=people["curator_b"], reason="Falta la fuente."
            ),
        )
        pending.refresh_from_db()
        (published, _), (returned, _) = outcomes
        if kinds(outcomes) != ["conflict", "ok"]:
            unexpected.append((trial, outcomes))
        elif returned == "ok" and (
            pending.review_state != ReviewState.RETURNED
            or pending.return_reason != "Falta la fuente."
        ):
            unexpected.append((trial, "the return was overridden"))
        elif published == "ok" and pending.review_state != ReviewState.PUBLISHED:
            unexpected.append((trial, "the publication was undone"))
    assert unexpected == []
    assert inconsistencies() == []
    # Each trial told the official exactly one decision: the winner's.
    assert len(mailoutbox) == TRIALS


def test_two_officials_opening_a_report_at_once_make_one(people, pairs):
    unexpected = []
    for trial, (commitment, state) in enumerate(pairs):

        def open_report(user, percentage, commitment=commitment, state=state):
            report = ProgressReport(
                commitment=commitment,
                member_state=state,
                status=Status.IN_PROGRESS,
                percentage=percentage,
                narrative="Borrador.",
                reported_on=BASE_DATE,
            )
            return report_service.save_report(report, by=user)

        outcomes = race(
            lambda: open_report(people["official_a"], 20),
            lambda: open_report(people["official_b"], 80),
        )
        if kinds(outcomes) != ["conflict", "ok"]:
            unexpected.append((trial, outcomes))
            continue
        created = next(value for kind, value in outcomes if kind == "ok")
        lost = next(value for kind, value in outcomes if kind == "conflict")
        if lost.existing.pk != created.pk:
            unexpected.append((trial, "the loser was not sent to the open report"))
    assert unexpected == []
    assert ProgressReport.objects.count() == TRIALS
    assert inconsistencies() == []


BATCH = 25


def test_a_report_returned_during_a_bulk_publication_stays_returned(people, mailoutbox):
    """Curator A publishes 25 reports at once while curator B returns one of them: either
    the return won, and the report stays returned with its reason while the other 24 are
    published, or the publication won, and the return is refused; never both."""
    unexpected = []
    trials = TRIALS // 5
    # A batch of pairs of its own for each trial: a returned report stays open on its pair.
    every_pair = itertools.product(
        Commitment.objects.reportable().order_by("pk"), MemberState.objects.order_by("pk")
    )
    for trial in range(trials):
        batch = [
            report_on(pair, ReviewState.SUBMITTED, BASE_DATE, author=people["official_a"])
            for pair in itertools.islice(every_pair, BATCH)
        ]
        assert len(batch) == BATCH
        # The first of the batch (the publication may reach it first) or its middle.
        target = batch[0] if trial % 2 else batch[BATCH // 2]
        # Both pages were loaded before either curator acted.
        publishing = list(
            ProgressReport.objects.filter(pk__in=[r.pk for r in batch]).order_by("pk")
        )
        returning = ProgressReport.objects.get(pk=target.pk)
        outcomes = race(
            lambda batch=publishing: report_service.publish_many(batch, by=people["curator_a"]),
            lambda report=returning: report_service.return_report(
                report, by=people["curator_b"], reason="Falta la fuente."
            ),
        )
        (published, result), (returned, _) = outcomes
        target.refresh_from_db()
        states = set(
            ProgressReport.objects.filter(pk__in=[r.pk for r in batch])
            .exclude(pk=target.pk)
            .values_list("review_state", flat=True)
        )
        if published != "ok" or returned not in ("ok", "conflict"):
            unexpected.append((trial, outcomes))
        elif states != {ReviewState.PUBLISHED}:
            unexpected.append((trial, "the rest of the batch", states))
        elif returned == "ok":
            left = [report.pk for report, _error in result.left]
            if (
                target.review_state != ReviewState.RETURNED
                or target.return_reason != "Falta la fuente."
                or len(result.done) != BATCH - 1
                or left != [target.pk]
            ):
                unexpected.append((trial, "the return was overridden", target.review_state, left))
        elif target.review_state != ReviewState.PUBLISHED or len(result.done) != BATCH:
            unexpected.append((trial, "the publication was undone", target.review_state))
    assert unexpected == []
    assert inconsistencies() == []
    # The official heard one decision per report: the winner's.
    assert len(mailoutbox) == trials * BATCH
