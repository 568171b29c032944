"""The public dashboard: progress at a glance, with coverage, from published reports only."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Commitment, MemberState, ProgressReport, ReviewState, Status
from commitments.services.reports import publish
from tests.progress_data import make_published_reports

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    """Every request renders: these tests read what the views compute, not the cache."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def report(reference, iso_code, percentage, review_state=ReviewState.SUBMITTED, **extra):
    status = (
        Status.COMPLETED
        if percentage == 100
        else Status.NOT_STARTED
        if percentage == 0
        else Status.IN_PROGRESS
    )
    return ProgressReport.objects.create(
        commitment=Commitment.objects.get(reference=reference),
        member_state=MemberState.objects.get(iso_code=iso_code),
        status=extra.pop("status", status),
        percentage=percentage,
        reported_on=extra.pop("reported_on", datetime.date.today()),
        review_state=review_state,
        **extra,
    )


def published(reference, iso_code, percentage, **extra):
    return publish(report(reference, iso_code, percentage, **extra))


def text_of(response):
    """The page's visible text, tags removed and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def get(client, url="/", lang="en"):
    """The page at ``url`` (an address without its language) in ``lang``."""
    response = client.get(f"/{lang}{url}")
    assert response.status_code == 200
    return response


def test_dashboard_shows_overall_progress_with_its_coverage(client, plan):
    published("1.1", "MX", 40)
    published("1.1", "AR", 60)
    page = text_of(get(client))
    # Region: one top-level commitment with reports, mean 50, 2 states of 33.
    assert "50 % — 2 of 33 states reported · 1 of 29 top-level commitments with reports" in page
    assert "2 of 33" in page  # member states that have reported


def test_dashboard_without_reports_says_so_rather_than_zero(client, plan):
    page = text_of(get(client))
    assert "— no reports yet (0 of 33 states)" in page
    assert "0 of 33" in page
    assert "No report has been published yet." in page


def test_dashboard_counts_each_state_on_each_commitment_by_its_own_status(client, plan):
    published("1.1", "MX", 100)
    published("2.1", "MX", 0)
    published("2.2", "MX", 30)
    published("2.2", "AR", 20, status=Status.SUSPENDED)
    html = get(client).content.decode()
    stuck = html.split('id="stuck-heading"', 1)[1].split("</section>", 1)[0]
    whole = re.search(r"<tfoot><tr><th scope=\"row\">Whole plan</th>(.*?)</tr>", stuck).group(1)
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', whole)]
    # Completed, in progress, not started, suspended, no report: of 33 states × 32
    # commitments states report on.
    assert counts == [1, 1, 1, 1, 33 * 32 - 4]
    assert "Completed 1" in stuck and "Suspended 1" in stuck


def test_dashboard_shows_progress_by_area_axis_and_agency_with_tables(client, plan):
    published("14.1", "MX", 80)
    html = get(client).content.decode()
    for heading in (
        "Where it is stuck",
        "Progress by thematic axis",
        "Progress by responsible agency",
    ):
        assert heading in html
    # Each chart has its table equivalent and its downloads.
    assert html.count('class="table-equivalent"') >= 3
    for by in ("area", "axis", "agency"):
        assert reverse("opendata:breakdown", args=[by, "csv"]) in html
    # Area 14 (ST, SEMARNAT-free): 80 % from one state; its agency ST too.
    area_row = re.search(r'href="/en/areas/14/".*?</li>', html, flags=re.S).group(0)
    assert "80 %" in area_row and "In progress 1" in area_row
    agency_row = re.search(r'href="/en/agencies/ST/".*?</li>', html, flags=re.S).group(0)
    assert "80 %" in agency_row


def test_matrix_has_33_states_by_14_areas_with_values_and_coverage_in_text(client, plan):
    published("2.1", "AR", 40)
    published("2.2", "AR", 60)
    html = get(client).content.decode()
    matrix = html.split('class="matrix"', 1)[1].split("</table>", 1)[0]
    assert matrix.count('<th scope="row">') == 33
    assert matrix.count('class="cell ') == 33 * 14
    argentina = re.search(r"Argentina</a></th>(.*?)</tr>", matrix, flags=re.S).group(1)
    cells = re.findall(r'<td class="cell (cell-\w+)">(.*?)</td>', argentina, flags=re.S)
    assert len(cells) == 14
    css, body = cells[1]  # area 2: four commitments, Argentina reported on two
    assert css == "cell-p3"
    assert body == "50 %\n2/4"
    assert cells[0] == ("cell-none", "—")
    # The header names each area (abbreviated), the legend in full, in the reader's
    # language; the legend's plan texts are marked as translations beside the Spanish.
    assert ">2 Risks</a></th>" in matrix
    assert (
        '<strong>2 Risks</strong>: <span lang="en">Comprehensive disaster risk management</span>'
        ' <span class="tag-unofficial">unofficial translation</span>'
        ' <span class="plan-original" lang="es">Gestión integral de riesgos por desastres</span>'
    ) in html
    spanish = client.get("/es/").content.decode()
    assert ">2 Riesgos</a></th>" in spanish
    assert (
        '<strong>2 Riesgos</strong>: <span lang="es">Gestión integral de riesgos por desastres'
        in spanish
    )


def test_latest_published_reports_are_listed_newest_first(client, plan):
    first = published("1.1", "MX", 10)
    second = published("2.1", "CL", 20)
    html = get(client).content.decode()
    latest = html.split('id="latest-heading"', 1)[1]
    assert latest.index(second.get_absolute_url()) < latest.index(first.get_absolute_url())


def test_overdue_commitments_are_shown_honestly(client, plan):
    # Every deadline of the plan (2020–2021) has passed: all ten are overdue but 9.1.
    published("9.1", "MX", 100)
    published("13.1.2", "MX", 99)
    page = text_of(get(client, "/attention/"))
    # Counted as the list of overdue commitments counts them: the eight commitments states
    # report on that have a deadline (3.1 and 13.1 count through their sub-commitments).
    assert "7 of the 8 commitments states report on that have a deadline are overdue" in page
    assert "Overdue and not completed (7)" in page
    dashboard = text_of(get(client))
    assert "7 of the 8 commitments states report on that have a deadline are overdue." in dashboard
    assert "Overdue and not completed (7)" in dashboard
    assert "0 are due in the next 90 days" in page
    deadlines = get(client, "/attention/").content.decode().split('id="deadlines-heading"', 1)[1]
    deadlines = deadlines.split("</table>", 1)[0]
    assert deadlines.count("row-overdue") == 9


def test_every_commitment_has_a_freshness_light(client, plan):
    today = datetime.date.today()
    published("1.1", "MX", 50, reported_on=today - datetime.timedelta(days=30))
    published("2.1", "MX", 50, reported_on=today - datetime.timedelta(days=500))
    html = get(client, "/attention/").content.decode()
    grid = html.split('class="freshness-grid"', 1)[1].split("</dl>", 1)[0]
    assert grid.count('class="chip"') == 34
    assert re.search(r'light-green"[^>]*></span>1\.1<', grid)
    assert re.search(r'light-amber"[^>]*></span>2\.1<', grid)
    assert re.search(r'light-red"[^>]*></span>2\.2<', grid)


def test_unpublished_reports_are_invisible_on_the_dashboard(client, plan):
    # One open report per commitment × state: one on each of three commitments.
    for reference, state in zip(
        ("1.1", "2.1", "4.1"),
        (ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.RETURNED),
        strict=True,
    ):
        report(reference, "BR", 100, review_state=state, narrative=f"SECRETO-{state}")
    html = get(client).content.decode()
    assert "SECRETO" not in html
    assert "Brazil</a></th>" in html  # the matrix row exists …
    brasil = re.search(r"Brazil</a></th>(.*?)</tr>", html, flags=re.S).group(1)
    assert "cell-none" in brasil and "%" not in brasil.split("</td>", 1)[0]  # … but is empty
    assert "0 of 33" in html


def test_dashboard_is_in_the_visitors_language_with_the_plan_s_spanish_original(client, plan):
    html = get(client, "/", lang="fr").content.decode()
    assert '<html lang="fr">' in html
    assert '<span lang="fr">Achats groupés conjoints</span>' in html
    assert '<span class="plan-original" lang="es">Compras consolidadas en común</span>' in html


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/open-data/matrix.csv",
        "/open-data/progress-by-area.json",
        "/open-data/progress-by-status.csv",
        "/open-data/latest-reports.json",
    ],
)
def test_dashboard_and_its_downloads_cost_the_same_queries_at_10_and_1000_reports(
    client, plan, url, django_assert_max_num_queries
):
    assert client.get(url).status_code == 200  # the first page reads the plan itself
    # Each measured page is the first after reports were published: it reads them again.
    make_published_reports(10, seed=1)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    make_published_reports(990, seed=2)
    assert ProgressReport.objects.published().count() == 1000
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
