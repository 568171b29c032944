"""The public pages behind the dashboard: the commitment list and its filters, a commitment,
a member state, an agency, a report, the rules page. Published reports only, constant
queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from commitments.models import Evidence, ProgressReport, ReviewState, Status
from tests.progress_data import make_published_reports
from tests.test_dashboard import get, published, report, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def references(response):
    """The commitment references listed, in order (of a response or its decoded body)."""
    body = getattr(response, "content", b"").decode() or response
    body = body.split('class="list-table', 1)
    if len(body) == 1:
        return []
    return re.findall(r'<th scope="row"><span class="ref">([\d.]+)</span>', body[1])


def list_refs(client, query):
    return references(get(client, "/commitments/?" + query))


# --- the list and its filters ----------------------------------------------------------------


def test_list_shows_every_commitment_in_plan_order_over_two_pages(client, plan):
    first = list_refs(client, "")
    second = list_refs(client, "page=2")
    assert first[:3] == ["1.1", "2.1", "2.2"]
    assert len(first) == 20 and len(first + second) == 34
    assert "Page 1 of 2" in text_of(get(client, "/commitments/"))


def test_list_filters_by_free_text_in_commitment_parent_or_reference(client, plan):
    assert list_refs(client, "q=diplomacia") == ["3.1.1"]
    assert list_refs(client, "q=13.1") == ["13.1", "13.1.1", "13.1.2", "13.1.3"]
    # A child is found by its parent's words.
    assert "3.1.2" in list_refs(client, "q=Red+CELAC")


@pytest.mark.parametrize("query", ["oceanica", "OCEÁNICA", "Oceánica sostenible"])
def test_list_search_ignores_accents_and_case(client, plan, query):
    found = list_refs(client, "q=" + query)
    # 13.1 and its sub-commitments speak of the "economía oceánica sostenible".
    assert {"13.1", "13.1.1"} <= set(found)
    assert found == list_refs(client, "q=oce%C3%A1nica")


def test_list_search_sees_a_plan_edit_at_once(client, plan):
    from commitments.models import Commitment

    assert list_refs(client, "q=zafiro") == []
    commitment = Commitment.objects.get(reference="2.1")
    commitment.text_es = commitment.text_es + " Zafiro."
    commitment.save()
    assert list_refs(client, "q=zafiro") == ["2.1"]


def test_list_filters_by_area_axis_and_agency(client, plan):
    assert list_refs(client, "area=3") == ["3.1", "3.1.1", "3.1.2"]
    assert set(list_refs(client, "axis=3")) >= {"2.1", "2.2", "2.3", "2.4"}
    assert "1.1" not in list_refs(client, "axis=3")
    assert list_refs(client, "agency=ST") == ["14.1", "14.2"]
    # Two filters combine.
    assert list_refs(client, "agency=SEMARNAT&area=14") == []


def test_list_filters_by_status_region_wide_or_for_one_state(client, plan):
    published("1.1", "MX", 100)
    published("2.1", "AR", 100)
    published("2.1", "MX", 20)
    assert list_refs(client, "status=completed") == ["1.1"]
    assert list_refs(client, "status=in_progress") == ["2.1"]
    assert list_refs(client, "state=MX&status=completed") == ["1.1"]
    assert list_refs(client, "state=AR&status=completed") == ["2.1"]
    assert "1.1" in list_refs(client, "state=AR&status=no_reports")
    page = text_of(get(client, "/commitments/?state=AR"))
    assert "figures of Argentina" in page


def test_list_filters_by_deadline_and_overdue(client, plan):
    assert list_refs(client, "due_after=2021-01-01") == ["13.1.3"]
    assert list_refs(client, "due_before=2020-03-31") == ["3.1", "3.1.1", "3.1.2"]
    published("9.1", "MX", 100)
    overdue = list_refs(client, "overdue=on")
    assert len(overdue) == 9 and "9.1" not in overdue


def test_list_sorts_by_progress_and_keeps_commitments_without_reports_last(client, plan):
    published("14.2", "MX", 90)
    published("1.1", "MX", 10)
    published("2.1", "MX", 50)
    refs = list_refs(client, "sort=-progress")
    assert refs[:3] == ["14.2", "2.1", "1.1"]
    assert list_refs(client, "sort=progress")[:3] == ["1.1", "2.1", "14.2"]
    assert list_refs(client, "sort=due")[0] == "3.1"


def test_filters_live_in_the_url_and_pagination_keeps_them(client, plan):
    html = get(client, "/commitments/?axis=2&sort=due").content.decode()
    assert 'name="axis"' in html
    assert re.search(r'<option value="2" selected>', html)
    assert 'href="/commitments/data.csv?axis=2&amp;sort=due"' in html


@pytest.mark.parametrize(
    "query",
    [
        "due_before=banana",
        "due_after=2020-13-45",
        "area=99",
        "axis=x",
        "agency=NOPE",
        "state=ZZ",
        "status=finished",
        "sort=random",
        "page=abc",
        "page=999",
        "q=" + "%00" * 3,
    ],
)
def test_invalid_filters_give_a_clear_message_never_an_error(client, plan, query):
    response = client.get("/en/commitments/?" + query)
    # A NUL, which PostgreSQL refuses, is a 400 before any page (tests/test_request_limits.py).
    assert response.status_code == (400 if "%00" in query else 200)
    if not query.startswith(("page", "q")):
        assert "Some filters could not be understood and were ignored" in text_of(response)
        assert 'class="errorlist"' in response.content.decode()


def test_an_invalid_filter_is_ignored_and_the_valid_ones_still_apply(client, plan):
    response = get(client, "/commitments/?area=3&due_before=banana")
    assert references(response) == ["3.1", "3.1.1", "3.1.2"]
    assert "Due on or before" in text_of(response)


def test_every_form_control_of_the_list_is_labelled(client, plan):
    html = get(client, "/commitments/").content.decode()
    form = html.split('class="filters-card"', 1)[1].split("</form>", 1)[0]
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form)
    assert len(ids) == 10
    for control in ids:
        assert f'for="{control}"' in form


# --- a commitment ----------------------------------------------------------------------------


def test_commitment_page_places_it_in_the_plan_and_lists_its_children(client, plan):
    published("13.1.1", "MX", 100)
    page = text_of(get(client, "/commitments/13.1/"))
    assert "Gestión sustentable de los recursos oceánicos" in page
    assert "Cooperación internacional" in page  # its axis
    assert "SEMARNAT" in page
    assert "Sub-commitments" in page
    for child in ("13.1.1", "13.1.2", "13.1.3"):
        assert child in page
    assert "100 % — 1 of 33 states reported · 1 of 3 sub-commitments with reports" in page


def test_commitment_page_has_a_row_per_state_with_status_date_and_evidence(client, plan):
    mexico = published("1.1", "MX", 60, reported_on=datetime.date(2026, 2, 3))
    Evidence.objects.create(
        report=mexico, title="Acta de la reunión", url="https://example.org/acta"
    )
    html = get(client, "/commitments/1.1/").content.decode()
    table = html.split('id="states-heading"', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row">') == 33
    # The English page names the states in English ("Mexico"; the data keeps "México").
    row = re.search(r"Mexico</a></th>(.*?)</tr>", table, flags=re.S).group(1)
    assert "In progress" in row and "60 %" in row
    assert "Feb. 3, 2026" in row
    assert 'href="https://example.org/acta"' in row and "Acta de la reunión" in row
    assert f'href="/en/reports/{mexico.pk}/"' in row
    argentina = re.search(r"Argentina</a></th>(.*?)</tr>", table, flags=re.S).group(1)
    assert "No reports yet" in argentina and "No report" in argentina


def test_commitment_timeline_keeps_superseded_reports(client, plan):
    old = published("1.1", "MX", 20, reported_on=datetime.date(2025, 1, 10))
    new = published("1.1", "MX", 80, reported_on=datetime.date(2026, 1, 10))
    new.refresh_from_db()
    assert new.supersedes_id == old.pk
    html = get(client, "/commitments/1.1/").content.decode()
    timeline = html.split('id="timeline-heading"', 1)[1]
    assert timeline.index(f"/en/reports/{new.pk}/") < timeline.index(f"/en/reports/{old.pk}/")
    assert "replaced by a later report" in timeline
    assert "80 % — 1 of 33 states reported" in text_of(get(client, "/commitments/1.1/"))


def test_unknown_commitment_is_404(client, plan):
    assert client.get("/en/commitments/99.9/").status_code == 404
    assert client.get("/commitments/99.9/states.csv").status_code == 404


# --- a member state, an agency, an area --------------------------------------------------------


def test_state_page_shows_its_own_progress_against_the_region(client, plan):
    published("1.1", "MX", 40)
    published("2.1", "MX", 80)
    published("1.1", "AR", 100)
    page = text_of(get(client, "/states/mx/"))
    assert "Mexico" in page
    assert "60 % — 2 of 29 top-level commitments reported" in page  # (40 + 80) / 2
    # Beside it, the coverage counts the commitments states report on (sub-commitments one
    # by one, not their parents): another figure, and it says so.
    assert "reported on 2 of the 32 commitments states report on" in page
    # The region: 1.1 is mean(40, 100) = 70, 2.1 is 80; the plan: mean(70, 80) = 75.
    assert "75 % — 2 of 33 states reported · 2 of 29 top-level commitments with reports" in page
    assert "Progress of Mexico by work area" in page
    assert client.get("/en/states/ZZ/").status_code == 404


def test_agency_page_shows_progress_of_its_areas(client, plan):
    published("14.1", "MX", 30)
    response = get(client, "/agencies/ST/")
    page = text_of(response)
    assert "Secretaría de Turismo" in page
    assert "30 % — 1 of 33 states reported · 1 of 2 top-level commitments with reports" in page
    assert "Acción Turística Común" in page
    assert 'href="/commitments/data.csv?agency=ST"' in response.content.decode()


def test_area_page_shows_each_commitment_with_progress_status_deadline_and_freshness(client, plan):
    published("3.1.1", "CU", 50)
    response = get(client, "/areas/3/")
    page, html = text_of(response), response.content.decode()
    assert "50 % — 1 of 33 states reported · 1 of 1 top-level commitment with reports" in page
    assert "— no reports yet (0 of 33 states)" in page  # 3.1.2
    # Three commitments, each with its deadline, overdue, and a freshness light (the
    # milestones listed after them have dates of their own).
    html = html.split('id="milestones-heading"', 1)[0]
    assert html.count('<time datetime="2020-03-31">March 31, 2020</time>') == 3
    assert html.count('class="overdue">Overdue<') == 3
    assert html.count('class="fresh fresh-green"') == 2  # 3.1 and 3.1.1 reported today
    assert html.count('class="fresh fresh-red"') == 1


# --- reports, never unpublished ----------------------------------------------------------------


def test_report_page_shows_a_published_report_with_its_evidence(client, plan):
    shown = published("2.3", "PA", 70, narrative="Se firmó el acuerdo del CLRAH.")
    Evidence.objects.create(report=shown, title="Comunicado", url="https://example.org/c")
    page = text_of(get(client, f"/reports/{shown.pk}/"))
    assert "Se firmó el acuerdo del CLRAH." in page
    assert "Comunicado" in page
    assert "70 %" in page


@pytest.mark.parametrize(
    "review_state",
    [ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.RESUBMITTED],
)
def test_unpublished_reports_are_404_and_appear_nowhere(client, plan, review_state):
    hidden = report("2.3", "PA", 100, review_state=review_state, narrative="TEXTO-NO-PUBLICADO")
    for lang in ("es", "en", "pt", "fr"):
        assert client.get(f"/{lang}/reports/{hidden.pk}/").status_code == 404
    for url in [
        "/es/",
        "/en/commitments/",
        "/pt/commitments/2.3/",
        "/fr/states/PA/",
        "/es/areas/2/",
        "/en/agencies/SSPC/",
        "/commitments/data.csv",
        "/commitments/2.3/states.json",
        "/states/PA/commitments.csv",
        "/open-data/matrix.csv",
        "/open-data/latest-reports.json",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "TEXTO-NO-PUBLICADO" not in body, url
        assert f"/reports/{hidden.pk}/" not in body, url
    assert "— no reports yet (0 of 33 states)" in text_of(get(client, "/commitments/2.3/"))


def test_about_page_states_the_rules(client, plan):
    page = text_of(get(client, "/about/figures/"))
    assert "top-level commitments" in page
    assert "never counted as zero progress" in page
    assert "mean_percentage" in page


# --- constant queries --------------------------------------------------------------------------

PAGES = [
    "/en/commitments/",
    "/es/commitments/?q=red&area=3&status=in_progress&sort=-progress&page=1",
    "/pt/commitments/?state=MX&overdue=on&agency=SRE",
    "/commitments/data.csv?axis=2",
    "/commitments/data.json?state=AR",
    "/fr/commitments/13.1/",
    "/en/commitments/1.1/",
    "/es/commitments/1.1/?page=2",
    "/commitments/6.2/states.csv",
    "/pt/states/MX/",
    "/states/AR/commitments.json",
    "/fr/areas/13/",
    "/en/agencies/SRE/",
    "/es/about/figures/",
    "/pt/areas/",
    "/fr/agencies/",
    "/en/map/",
    "/es/search/?q=oceanica",
    "/fr/indicators/",
    "/es/attention/",
    "/en/states/",
    "/en/states/?sort=-overdue",
    "/pt/states/compare/?s=MX&s=AR",
    "/en/changes/?state=MX&area=1",
    "REPORT",
]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_costs_the_same_queries_at_10_and_1000_reports(
    client, plan, url, django_assert_max_num_queries
):
    assert client.get("/en/").status_code == 200  # the first page reads the plan itself
    # The small set covers the commitments these pages show, so each page's data is there.
    # Each measured page is the first after reports were published: it reads them again.
    for reference in ("1.1", "6.2", "13.1.1"):
        target = published(reference, "MX", 50)
    make_published_reports(7, seed=3)
    if url == "REPORT":
        Evidence.objects.create(report=target, url="https://example.org/e")
        url = f"/pt/reports/{target.pk}/"
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    make_published_reports(990, seed=4)
    assert ProgressReport.objects.published().count() == 1000
    assert ProgressReport.objects.filter(commitment__reference="1.1").count() > 25
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_suspended_status_is_shown(client, plan):
    published("5.2", "UY", 10, status=Status.SUSPENDED)
    assert list_refs(client, "status=suspended") == ["5.2"]


def test_commitment_timeline_pages_through_long_histories(client, plan):
    make_published_reports(40, seed=9, states=["MX"])  # 40 reports over 32 commitments
    for day in range(1, 31):
        published("1.1", "CL", 50, reported_on=datetime.date(2025, 1, day))
    first = get(client, "/commitments/1.1/").content.decode().split('id="timeline-heading"')[1]
    assert first.count("<li") >= 25 and "Older reports" in first and "Newer reports" not in first
    second = get(client, "/commitments/1.1/?page=2").content.decode()
    second = second.split('id="timeline-heading"')[1]
    assert "Newer reports" in second
    assert "No older reports." in text_of(get(client, "/commitments/1.1/?page=9"))


@pytest.mark.parametrize(
    ("lang", "date"),
    [
        ("es", "3 de febrero de 2026"),
        ("en", "Feb. 3, 2026"),
        ("pt", "3 de fevereiro de 2026"),
        ("fr", "3 février 2026"),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(client, plan, lang, date):
    published("1.1", "MX", 60, reported_on=datetime.date(2026, 2, 3))
    response = client.get(f"/{lang}/commitments/1.1/")
    assert f'<html lang="{lang}">' in response.content.decode()
    assert date in text_of(response)


def test_markup_in_a_narrative_or_a_plan_name_is_shown_as_text(client, plan):
    from areas.models import WorkArea

    WorkArea.objects.filter(number=2).update(name="Área <script>alert('a')</script>")
    shown = published("2.3", "PA", 70, narrative="<img src=x onerror=alert(1)>")
    for path in ("/", "/areas/2/", f"/reports/{shown.pk}/"):
        body = get(client, path).content.decode()
        assert "<script>alert(" not in body and "<img src=x" not in body, path
    assert (
        "&lt;img src=x onerror=alert(1)&gt;"
        in get(client, f"/reports/{shown.pk}/").content.decode()
    )


@pytest.mark.parametrize("lang", ["es", "en", "pt", "fr"])
def test_the_public_pages_write_every_date_in_the_languages_long_style(client, plan, lang):
    reports = make_published_reports(60, seed=3, states=["MX", "AR"])
    latest = max(reports, key=lambda item: item.published_at)
    with translation.override(lang):
        long_date = date_format(localtime(latest.published_at).date(), "DATE_FORMAT")
    pages = ["/", "/states/", "/states/compare/?s=MX&s=AR", "/states/MX/", "/commitments/"]
    for url in [*pages, "/commitments/13.1/"]:
        page = text_of(get(client, url, lang))
        numeric = re.findall(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", page)
        assert not numeric, (url, numeric)
    # The dashboard's table of the latest reports gives the long date too.
    assert long_date in text_of(get(client, "/", lang))
