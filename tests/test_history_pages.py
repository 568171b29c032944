"""Progress over time on the pages (server-drawn charts with their tables) and the "what
changed" page: their content, filters, freshness and query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from commitments.models import (
    Commitment,
    MemberState,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ProgressSnapshot,
    ReviewState,
    Status,
)
from commitments.services.reports import publish, rebuild_current_progress
from public.charts import progress_chart
from tests.test_dashboard import published, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def months_ago(count):
    day = timezone.localdate().replace(day=15)
    for _ in range(count):
        day = (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    return day


def chart_of(html):
    """(points drawn, rows of the table equivalent) of the page's history chart."""
    section = html[html.index('class="panel history"') :]
    section = section[: section.index("</section>")]
    [declared] = re.findall(r'data-points="(\d+)"', section)
    drawn = sum(
        len(points.split()) for points in re.findall(r'<polyline points="([^"]+)"', section)
    )
    assert drawn == int(declared)
    rows = re.findall(r'<tr><th scope="row"><time datetime="([\d-]+)">', section)
    return drawn, rows, section


def test_the_dashboard_draws_the_plans_history_month_by_month(client, plan):
    published("1.1", "MX", 40, reported_on=months_ago(3))
    published("2.1", "AR", 100, reported_on=months_ago(1))
    html = client.get("/en/").content.decode()
    drawn, rows, section = chart_of(html)
    assert drawn == 4 and len(rows) == 4  # three months ago up to this month
    assert rows[0] == months_ago(3).strftime("%Y-%m")
    assert "<svg" in section and 'role="img"' in section
    assert "<title" in section and "<desc" in section
    assert "From 40 % in" in section and "to 70 % in" in section
    assert 'href="/en/changes/"' in section
    assert "/en/about/figures/#history" in section


@pytest.mark.parametrize(
    ("url", "points"),
    [("/es/states/MX/", 3), ("/en/areas/1/", 3), ("/pt/commitments/1.1/", 3), ("/fr/areas/2/", 0)],
)
def test_area_commitment_and_state_pages_have_their_chart(client, plan, url, points):
    published("1.1", "MX", 40, reported_on=months_ago(2))
    html = client.get(url).content.decode()
    if points:
        drawn, rows, _section = chart_of(html)
        assert drawn == points and len(rows) == points
    else:
        assert "data-points" not in html and 'class="panel history"' in html


def test_month_labels_are_in_the_pages_language(client, plan):
    published("1.1", "MX", 40, reported_on=datetime.date(2026, 3, 10))
    spanish = chart_of(client.get("/es/").content.decode())[2]
    english = chart_of(client.get("/en/").content.decode())[2]
    assert "marzo de 2026" in spanish and "March 2026" in english


def test_a_publish_changes_the_chart_on_the_next_request(client, plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600  # pages kept, as in production
    published("1.1", "MX", 40, reported_on=months_ago(1))
    first = client.get("/en/states/MX/")
    assert "From 40 % in" in first.content.decode()
    published("2.1", "MX", 100, reported_on=months_ago(2))
    second = client.get("/en/states/MX/", headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert "From 100 % in" in second.content.decode()


@translation.override("en")
def test_the_chart_geometry():
    from commitments.services.history import MonthFigure

    def month(m, mean):
        return MonthFigure(datetime.date(2026, m, 1), mean, 1, 33, 1, 29, 1, 957)

    chart = progress_chart([month(1, 0), month(2, None), month(3, 50), month(4, 100)], "T")
    assert len(chart.points) == 3 and len(chart.segments) == 2  # a month without data breaks it
    ys = [point.y for point in chart.points]
    assert ys[0] > ys[1] > ys[2]  # higher progress is drawn higher up
    assert chart.points[0].x == chart.left and chart.points[-1].x == chart.right
    assert [tick[1] for tick in chart.y_ticks] == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert chart.x_ticks[0][2] == "start" and chart.x_ticks[-1][2] == "end"
    assert [tick[1] for tick in chart.x_ticks] == ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]
    long = progress_chart(
        [
            MonthFigure(datetime.date(2020 + m // 12, 1 + m % 12, 1), 5, 1, 33, 1, 29, 1, 957)
            for m in range(2, 84)
        ],
        "T",
    )
    assert [tick[1] for tick in long.x_ticks] == ["2021", "2022", "2023", "2024", "2025", "2026"]
    assert [tick[1] for tick in long.x_ticks_narrow] == ["2021", "2023", "2025"]
    assert not progress_chart([], "T").has_data


# --- what changed -------------------------------------------------------------------------


def changes(client, query="", lang="en"):
    response = client.get(f"/{lang}/changes/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_changes_list_reports_status_changes_and_completions(client, plan):
    first = published("1.1", "MX", 40, reported_on=months_ago(1))
    published("1.1", "MX", 0, status=Status.SUSPENDED, reported_on=timezone.localdate())
    done = published("2.1", "AR", 100)
    old = published("3.1.1", "CL", 50)
    ProgressReport.objects.filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=40)
    )
    html = changes(client)
    # Three reports and 2.1 completed regionally; the report older than 30 days is not listed.
    assert "4 changes" in html
    assert "From “In progress” to “Suspended”" in html
    assert html.count("Completed by a state") == 1 and "Completed regionally" in html
    assert f'href="/en/reports/{first.pk}/"' in html and f'href="/en/reports/{done.pk}/"' in html
    assert 'href="/en/states/AR/"' in html and 'href="/en/commitments/2.1/"' in html
    # Newest first by publication.
    assert html.index("Completed regionally") < html.index("Status changed")


def test_a_backdated_report_is_a_new_report_not_a_status_change(client, plan):
    published("1.1", "MX", 40)
    published("1.1", "MX", 100, reported_on=months_ago(2))
    html = changes(client)
    assert "Status changed" not in html and "Completed by a state" not in html
    assert html.count('class="change change-report"') == 2


def test_changes_filter_by_state_and_area(client, plan):
    published("1.1", "MX", 40)
    published("2.1", "MX", 60)
    published("1.1", "AR", 20)
    assert "3 changes" in changes(client)
    assert "2 changes" in changes(client, "?state=MX")
    by_area = changes(client, "?area=1")
    assert "2 changes" in by_area and 'href="/en/commitments/2.1/"' not in by_area
    assert "1 change" in changes(client, "?state=MX&area=2")


@pytest.mark.parametrize("query", ["?state=ZZ", "?area=99", "?area=x&state=mx", "?page=banana"])
def test_a_bad_filter_is_explained_and_ignored(client, plan, query):
    published("1.1", "MX", 40)
    html = changes(client, query, lang="es")
    assert "1 cambio" in html
    if "page" not in query:
        assert (
            "no pudieron interpretarse" in html
            and "Escoja una opción válida" in html
            and 'role="alert"' in html
        )


def test_changes_are_paginated_newest_first(client, plan):
    now = timezone.now()
    states = list(MemberState.objects.order_by("iso_code")[:25])
    leaf = Commitment.objects.get(reference="1.1")
    for index, state in enumerate(states):
        item = report("1.1", state.iso_code, 40, review_state=ReviewState.SUBMITTED)
        publish(item, now=now - datetime.timedelta(hours=index))
    first = changes(client)
    second = changes(client, "?page=2")
    assert "25 changes" in first and "Page 1 of 2" in first
    assert first.count('<li class="change ') == 20 and second.count('<li class="change ') == 5
    assert f'href="/en/states/{states[0].iso_code}/"' in first
    assert f'href="/en/states/{states[-1].iso_code}/"' in second
    assert leaf.reference in second


def test_changes_name_plan_texts_and_states_in_the_readers_language(client, plan):
    published("1.1", "AR", 40)
    commitment = Commitment.objects.get(reference="1.1")
    html = changes(client, lang="fr")
    assert '<a href="/fr/states/AR/">Argentine</a>' in html
    assert '<span lang="fr">' in html and "traduction non officielle" in html
    assert 'class="plan-original" lang="es"' in html
    assert commitment.text_fr.split()[0] in html and commitment.text_es.split()[0] in html
    assert 'class="translation-notice' in html
    # The state filter names the states in French too.
    assert '<option value="AR">Argentine</option>' in html
    spanish = changes(client, lang="es")
    assert '<a href="/es/states/AR/">Argentina</a>' in spanish
    assert "tag-unofficial" not in spanish


def test_changes_list_the_milestones_added_changed_and_removed(client, plan):
    forum = Milestone.objects.get(commitment__reference="13.1")
    forum.save()  # its first record, as any change in the admin makes one
    forum.status, forum.place = MilestoneStatus.HELD, "Ciudad de México"
    forum.actual_date = datetime.date(2020, 11, 20)
    forum.save()
    Milestone.objects.create(
        commitment=Commitment.objects.get(reference="1.1"), title="Reunión preparatoria"
    )
    Milestone.objects.get(title_es="Cumbre Mundial de arqueología").delete()
    html = changes(client)
    assert html.count('class="change change-milestone_changed"') == 2  # the first, then this
    assert "Changed: date held, place, status" in html
    assert "no earlier version was kept" in html
    assert "New milestone" in html and "Reunión preparatoria" in html
    assert "Milestone removed" in html and 'href="/en/commitments/14.1/"' in html
    assert "Regional forum on the sustainable ocean economy" in html and ">Held<" in html
    assert "4 changes" in html
    # A milestone is no member state's: a state's filter leaves them out; an area keeps its own.
    assert "0 changes" in changes(client, "?state=MX")
    by_area = changes(client, f"?area={forum.commitment.area.number}")
    assert 'href="/en/commitments/1.1/"' not in by_area and "change-milestone_changed" in by_area


# --- query counts -------------------------------------------------------------------------

HISTORY_PAGES = ["/en/", "/en/areas/3/", "/en/commitments/3.1/", "/en/states/MX/"]


def bulk_history(count, start=0):
    """``count`` published reports over every pair, their reporting dates spread over six
    years, then the current progress and the history rebuilt."""
    leaves = list(Commitment.objects.reportable().values_list("pk", flat=True))
    states = list(MemberState.objects.values_list("pk", flat=True))
    now = timezone.now()
    first = datetime.date(2020, 1, 1)
    ProgressReport.objects.bulk_create(
        (
            ProgressReport(
                commitment_id=leaves[n % len(leaves)],
                member_state_id=states[(n // len(leaves)) % len(states)],
                status=Status.IN_PROGRESS,
                percentage=1 + n % 99,
                reported_on=first + datetime.timedelta(days=(n * 7) % (6 * 365)),
                review_state=ReviewState.PUBLISHED,
                published_at=now,
            )
            for n in range(start, start + count)
        ),
        batch_size=2000,
    )
    rebuild_current_progress()


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_history_pages_cost_the_same_queries_at_1000_and_100000_reports(client, plan):
    bulk_history(1000)
    months = ProgressSnapshot.objects.values("month").distinct().count()
    small = {url: queries(client, url) for url in HISTORY_PAGES}
    bulk_history(99_000, start=1000)
    assert ProgressReport.objects.count() == 100_000
    assert ProgressSnapshot.objects.values("month").distinct().count() >= months
    for url in HISTORY_PAGES:
        large = queries(client, url)
        assert len(large) == len(small[url]), url
        html = client.get(url).content.decode()
        assert int(re.search(r'data-points="(\d+)"', html).group(1)) >= 70, url
