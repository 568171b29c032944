"""Every page runs the same number of queries with 10 published reports as with 1,000.

A page whose query count grows with the report history is an N+1 waiting for the archive
to fill up: ten years of monthly reports are ~160,000 rows. To cover a new page, add its
URL to PAGES.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import (
    Commitment,
    MemberState,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReviewState,
    Status,
)
from commitments.services.reports import rebuild_current_progress

SMALL, LARGE = 10, 1000

# (who asks, URL). A URL may name {report}: a published report's id.
PAGES = [
    (None, "/"),
    (None, "/commitments/"),
    (None, "/commitments/?area=3&status=in_progress&state=MX"),
    (None, "/commitments/?q=red&sort=progress"),
    (None, "/commitments/3.1.1/"),
    (None, "/commitments/13.1/"),
    (None, "/states/MX/"),
    (None, "/areas/3/"),
    (None, "/agencies/SRE/"),
    (None, "/reports/{report}/"),
    (None, "/areas/"),
    (None, "/agencies/"),
    (None, "/map/"),
    (None, "/search/?q=oceanica"),
    (None, "/search/?q=informe+prueba"),
    (None, "/search/?q=informe&page=2"),
    (None, "/attention/"),
    (None, "/states/"),
    (None, "/states/?sort=-last_report"),
    (None, "/states/compare/?s=MX&s=AR&s=BR&s=CL"),
    (None, "/changes/"),
    (None, "/changes/?state=MX&area=3&page=2"),
    (None, "/share/dashboard.png"),
    (None, "/share/states/MX.png"),
    (None, "/share/commitments/13.1.png"),
    ("official_mx", "/accounts/"),
    ("official_mx", "/my-state/"),
    ("official_mx", "/my-state/pending/"),
    ("curator", "/review/"),
    ("curator", "/admin/commitments/progressreport/"),
    ("curator", "/admin/commitments/progressreport/?review_state__exact=published"),
    ("curator", "/admin/commitments/currentprogress/"),
    ("curator", "/admin/commitments/commitment/"),
    ("curator", "/admin/commitments/milestone/"),
]

FIRST_REPORTED = ["1.1", "3.1.1", "13.1.1"]

STATUSES = [
    (Status.NOT_STARTED, 0),
    (Status.IN_PROGRESS, 35),
    (Status.IN_PROGRESS, 80),
    (Status.COMPLETED, 100),
    (Status.SUSPENDED, 20),
]


def add_reports(count, start=0):
    """``count`` more reports spread over every commitment × state, newest last: nine in
    ten published, the rest drafts and submissions waiting in workspaces and the queue."""
    pairs = list(
        itertools.product(
            Commitment.objects.reportable().order_by("reference_key").values_list("pk", flat=True),
            MemberState.objects.order_by("iso_code").values_list("pk", flat=True),
        )
    )
    # México first, so that its official's workspace and the review queue fill up too, and
    # the commitments PAGES name first, so that each page has reports to show at 10 too.
    mexico = MemberState.objects.get(iso_code="MX").pk
    first = {
        pk: position
        for position, pk in enumerate(
            Commitment.objects.filter(reference__in=FIRST_REPORTED).values_list("pk", flat=True)
        )
    }
    pairs.sort(key=lambda pair: (pair[1] != mexico, first.get(pair[0], len(first))))
    now = timezone.now()
    reports = []
    for n in range(start, start + count):
        commitment, state = pairs[n % len(pairs)]
        status, percentage = STATUSES[n % len(STATUSES)]
        review_state = [ReviewState.DRAFT, ReviewState.SUBMITTED][n % 2] if n % 10 == 9 else None
        reports.append(
            ProgressReport(
                commitment_id=commitment,
                member_state_id=state,
                status=status,
                percentage=percentage,
                narrative=f"Avance {n}",
                reported_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n // len(pairs)),
                review_state=review_state or ReviewState.PUBLISHED,
                published_at=None if review_state else now,
                submitted_at=now,
            )
        )
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    rebuild_current_progress()


def queries_for(client, url):
    client.get(url, follow=True)  # one-off work (sessions, content types) happens here
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, follow=True)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(("actor", "url"), PAGES, ids=[f"{a or 'anonymous'} {u}" for a, u in PAGES])
def test_page_runs_the_same_queries_at_any_number_of_reports(
    actor, url, plan, official_mx, curator, client, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    if actor:
        client.force_login({"official_mx": official_mx, "curator": curator}[actor])

    add_reports(SMALL)
    report = ProgressReport.objects.published().order_by("pk").first()
    url = url.format(report=report.pk)
    small = queries_for(client, url)

    add_reports(LARGE - SMALL, start=SMALL)
    assert ProgressReport.objects.count() == LARGE
    large = queries_for(client, url)

    assert len(large) == len(small), "\n".join(
        ["queries at 10 reports:", *small, "", "queries at 1,000 reports:", *large]
    )


# --- Indicators: the same queries with 10 published values as with 1,000 -----------------

# (who asks, URL). {indicator}: the first demo indicator's id.
INDICATOR_PAGES = [
    (None, "/indicators/"),
    (None, "/indicators/{indicator}/"),
    (None, "/commitments/6.3/"),
    (None, "/areas/6/"),
    (None, "/api/v1/indicators/"),
    (None, "/api/v1/indicators/{indicator}/"),
    (None, "/api/v1/indicator-values/"),
    (None, "/open-data/indicator-values.csv"),
    ("official_mx", "/my-state/indicators/"),
    ("curator", "/review/indicator-values/"),
]


def add_indicator_values(count, start=0):
    """``count`` more values of the demo indicators, over every state and period: nine in
    ten published and current, the rest submitted and waiting in the queue."""
    from indicators.models import Indicator, IndicatorValue

    indicators = list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
    states = list(MemberState.objects.order_by("iso_code").values_list("pk", flat=True))
    periods = [p for year in range(2000, 2020) for p in (f"{year}", f"{year}-S1", f"{year}-S2")]
    triples = list(itertools.product(indicators, states, periods))
    now = timezone.now()
    values = []
    for n in range(start, start + count):
        indicator, state, period = triples[n]
        waiting = n % 10 == 9
        values.append(
            IndicatorValue(
                indicator_id=indicator,
                member_state_id=state,
                period=period,
                value=1,
                review_state=ReviewState.SUBMITTED if waiting else ReviewState.PUBLISHED,
                is_current=not waiting,
                published_at=None if waiting else now,
                submitted_at=now,
            )
        )
    IndicatorValue.objects.bulk_create(values, batch_size=500)


@pytest.mark.parametrize(
    ("actor", "url"), INDICATOR_PAGES, ids=[f"{a or 'anonymous'} {u}" for a, u in INDICATOR_PAGES]
)
def test_indicator_page_runs_the_same_queries_at_any_number_of_values(
    actor, url, plan, official_mx, curator, client, settings
):
    from indicators.demo import create_demo_indicators
    from indicators.models import Indicator, IndicatorValue

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    if actor:
        client.force_login({"official_mx": official_mx, "curator": curator}[actor])
    create_demo_indicators({}, None)
    IndicatorValue.objects.all().delete()
    url = url.format(indicator=Indicator.objects.order_by("pk").first().pk)

    add_indicator_values(SMALL)
    small = queries_for(client, url)
    add_indicator_values(LARGE - SMALL, start=SMALL)
    assert IndicatorValue.objects.count() == LARGE
    large = queries_for(client, url)

    assert len(large) == len(small), "\n".join(
        ["queries at 10 values:", *small, "", "queries at 1,000 values:", *large]
    )


# Pages that show milestones, measured with none and with many.
MILESTONE_PAGES = [
    (None, "/commitments/13.1/"),
    (None, "/areas/13/"),
    (None, "/calendar.ics"),
    (None, "/api/v1/milestones/"),
    (None, "/api/v1/commitments/13.1/"),
    (None, "/open-data/milestones.csv"),
    ("curator", "/admin/commitments/milestone/"),
]


PAGINATED = {"/api/v1/milestones/", "/admin/commitments/milestone/"}


def add_milestones(count):
    """``count`` more milestones on area 13's commitments, in every status."""
    commitments = list(Commitment.objects.filter(area__number=13))
    statuses = list(MilestoneStatus)
    start = Milestone.objects.count()
    Milestone.objects.bulk_create(
        Milestone(
            commitment=commitments[n % len(commitments)],
            title=f"Reunión {n}",
            planned_text="segundo semestre de 2020",
            planned_start=datetime.date(2020, 7, 1),
            planned_end=datetime.date(2020, 12, 31),
            status=statuses[n % len(statuses)],
            actual_date=datetime.date(2020, 9, 1)
            if statuses[n % len(statuses)] == MilestoneStatus.HELD
            else None,
            place="Ciudad de México",
        )
        for n in range(start, start + count)
    )


@pytest.mark.parametrize(
    ("actor", "url"), MILESTONE_PAGES, ids=[f"{a or 'anonymous'} {u}" for a, u in MILESTONE_PAGES]
)
def test_page_runs_the_same_queries_with_no_milestone_and_with_many(
    actor, url, plan, curator, client, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    if actor:
        client.force_login(curator)
    Milestone.objects.all().delete()
    none = queries_for(client, url)
    add_milestones(1)
    one = queries_for(client, url)
    add_milestones(59)
    many = queries_for(client, url)
    assert len(many) == len(one), "\n".join(
        ["queries with one milestone:", *one, "", "queries with 60 milestones:", *many]
    )
    # A paginated list reads no page of rows when it counts none.
    if url not in PAGINATED:
        assert len(none) == len(many), "\n".join(
            ["queries with no milestone:", *none, "", "queries with 60 milestones:", *many]
        )
