"""Reports published out of the order of their reporting dates, and reviews made on pages
loaded before someone else acted: the current state and "supersedes" stay true."""

import datetime
import itertools

import pytest
from django.utils import translation
from reporting_helpers import LEAF, OTHER_LEAF, make_report

from commitments.models import CurrentProgress, ProgressReport, ReviewState
from commitments.services import reports as report_service

pytestmark = pytest.mark.django_db

JANUARY, JUNE, NOVEMBER = (
    datetime.date(2026, 1, 15),
    datetime.date(2026, 6, 1),
    datetime.date(2026, 11, 25),
)


@pytest.fixture(autouse=True)
def english():
    """Pages and messages in English."""
    with translation.override("en"):
        yield


def report_page(client, report):
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def expected_chain(order):
    """What each date's report supersedes when published in ``order``: the one current
    then, if it is dated earlier; a report dated before the current one replaces nothing."""
    current, supersedes = None, {}
    for day in order:
        if current is None or day > current:
            supersedes[day], current = current, day
        else:
            supersedes[day] = None
    return supersedes


@pytest.mark.parametrize("order", list(itertools.permutations([JANUARY, JUNE, NOVEMBER])))
def test_reports_published_in_any_order_keep_the_latest_dated_current(
    client, official_mx, curator, order
):
    reports = {
        day: make_report(
            official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=day, percentage=10 + i
        )
        for i, day in enumerate(order)
    }
    for report in reports.values():
        report.refresh_from_db()

    current = CurrentProgress.objects.get()
    assert current.report == reports[NOVEMBER]
    by_pk = {report.pk: day for day, report in reports.items()}
    chain = {day: by_pk.get(report.supersedes_id) for day, report in reports.items()}
    assert chain == expected_chain(order)
    for day, report in reports.items():
        if report.supersedes_id is not None:
            assert by_pk[report.supersedes_id] < day  # only forward

    # Each page says what replaced what, and nothing else.
    for report in reports.values():
        page = report_page(client, report)
        superseder = next((r for r in reports.values() if r.supersedes_id == report.pk), None)
        if superseder is None:
            assert "Replaced by" not in page
        else:
            assert "Replaced by" in page and f"/en/reports/{superseder.pk}/" in page
        if report.supersedes_id is None:
            assert "Replaces" not in page
        else:
            assert "Replaces" in page and f"/en/reports/{report.supersedes_id}/" in page
    assert "Replaced by" not in report_page(client, reports[NOVEMBER])

    # The pair takes more reports, dated before or after everything.
    latest = make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=datetime.date(2026, 11, 30)
    )
    earliest = make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=datetime.date(2025, 1, 1)
    )
    latest.refresh_from_db()
    earliest.refresh_from_db()
    assert latest.supersedes == reports[NOVEMBER]
    assert earliest.supersedes is None
    assert CurrentProgress.objects.get().report == latest

    kept = list(CurrentProgress.objects.values_list("report_id", "percentage", "reported_on"))
    assert report_service.rebuild_current_progress() == 1
    assert (
        list(CurrentProgress.objects.values_list("report_id", "percentage", "reported_on")) == kept
    )


def test_a_backdated_report_leaves_the_current_one_unreplaced(client, official_mx, curator):
    november = make_report(
        official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=NOVEMBER
    )
    january = make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reported_on=JANUARY)
    january.refresh_from_db()
    assert january.supersedes is None
    assert CurrentProgress.objects.get().report == november
    assert "Replaced by" not in report_page(client, november)
    assert "Replaces" not in report_page(client, january)
    # Published in one bulk action with another state's report: both are published.
    again = make_report(official_mx, ReviewState.SUBMITTED, reported_on=JUNE)
    other = make_report(official_mx, ReviewState.SUBMITTED, reference=OTHER_LEAF)
    result = report_service.publish_many(
        ProgressReport.objects.filter(pk__in=[again.pk, other.pk]), by=curator
    )
    assert (len(result.done), result.left) == (2, [])
    assert CurrentProgress.objects.get(commitment__reference=LEAF).report == november


def test_a_report_loaded_before_another_curator_published_it_is_not_published_twice(
    official_mx, curator, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    loaded = ProgressReport.objects.get(pk=report.pk)
    report_service.publish(report, by=curator)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(report_service.ReviewError) as lost,
    ):
        report_service.publish(loaded, by=curator)
    assert lost.value.reason == "it is already published"
    assert mailoutbox == []
    assert ProgressReport.objects.get(pk=report.pk).version == report.version + 1


def test_a_report_returned_meanwhile_is_left_out_of_a_bulk_publication(
    official_mx, official_ar, curator, mailoutbox, django_capture_on_commit_callbacks
):
    mexico = make_report(official_mx, ReviewState.SUBMITTED)
    argentina = make_report(official_ar, ReviewState.SUBMITTED)
    # The batch as the curator's page loaded it, before a colleague returned one report.
    batch = list(ProgressReport.objects.filter(pk__in=[mexico.pk, argentina.pk]).order_by("pk"))
    report_service.return_report(argentina, by=curator, reason="Falta el acta.")
    with django_capture_on_commit_callbacks(execute=True):
        result = report_service.publish_many(batch, by=curator)
    assert [report.pk for report in result.done] == [mexico.pk]
    [(left, error)] = result.left
    assert left.pk == argentina.pk
    assert error.reason == "it has been returned to its state"
    argentina.refresh_from_db()
    assert (argentina.review_state, argentina.return_reason) == (
        ReviewState.RETURNED,
        "Falta el acta.",
    )
    assert [message.to for message in mailoutbox] == [["oficial-mx@example.org"]]


def test_a_report_published_meanwhile_cannot_be_returned(
    official_mx, curator, mailoutbox, django_capture_on_commit_callbacks
):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    loaded = ProgressReport.objects.get(pk=report.pk)
    report_service.publish(report, by=curator)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(report_service.ReviewError),
    ):
        report_service.return_report(loaded, by=curator, reason="Tarde.")
    report.refresh_from_db()
    assert (report.review_state, report.return_reason) == (ReviewState.PUBLISHED, "")
    assert mailoutbox == []


def test_a_second_open_report_on_a_pair_is_refused(official_mx):
    first = make_report(official_mx)
    with pytest.raises(report_service.OpenReportExists) as refused:
        make_report(official_mx)
    assert refused.value.existing == first
    assert ProgressReport.objects.count() == 1


def test_a_report_edited_since_the_curator_loaded_it_is_not_published(official_mx, curator):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    seen = report.version
    ProgressReport.objects.filter(pk=report.pk).update(version=seen + 1)  # edited in the admin
    with pytest.raises(report_service.ReviewError) as lost:
        report_service.publish(report, by=curator, expected_version=seen)
    assert lost.value.reason == "it was changed after the page was loaded"
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED
