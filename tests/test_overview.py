"""What a visitor reads at a glance: the honest headline, where the plan is stuck, what needs
attention, and the member states ranked and compared."""

import datetime
import re

import pytest

from commitments.models import Status
from commitments.services.progress import PRELIMINARY_BELOW
from tests.test_dashboard import get, published, text_of

pytestmark = pytest.mark.django_db

PAIRS = 33 * 32  # member states × the commitments states report on (without children)


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def headline_of(html):
    """The two headline figures' texts: (progress block, coverage block)."""
    blocks = re.findall(r'<div class="card headline-figure">(.*?)</div>', html, flags=re.S)
    assert len(blocks) == 2
    return blocks


def test_headline_gives_progress_and_coverage_with_equal_weight_and_marks_low_coverage(
    client, plan
):
    # The case: one state on two commitments. 80 % of what was reported, but only
    # 2 of the 1,056 state × commitment pairs have a report.
    published("1.1", "MX", 70)
    published("2.1", "MX", 90)
    html = get(client).content.decode()
    progress, coverage = headline_of(html)
    assert re.search(
        r'<p class="stat">80 % <strong class="preliminary">preliminary</strong>', progress
    )
    assert '<p class="stat">0 %</p>' in coverage
    assert f"2 of {PAIRS} state × commitment pairs have a report" in coverage
    assert "Preliminary: less than 50 % of what this figure stands for" in text_of(get(client))


def test_headline_is_not_preliminary_once_enough_was_reported(client, plan):
    # Every state on 1.1: the commitment's own page is fully covered.
    from commitments.models import MemberState

    for state in MemberState.objects.all():
        published("1.1", state.iso_code, 40)
    html = get(client, "/commitments/1.1/").content.decode()
    progress, coverage = headline_of(html)
    assert '<p class="stat">40 %</p>' in progress
    assert "preliminary" not in progress
    assert '<p class="stat">100 %</p>' in coverage
    assert "33 of 33 member states reported" in coverage
    # The plan as a whole is still mostly unreported: preliminary there.
    assert 'class="preliminary"' in get(client).content.decode()


def test_threshold_is_documented_on_the_figures_page(client, plan):
    page = text_of(get(client, "/about/figures/"))
    assert f"While less than {PRELIMINARY_BELOW} % of those pairs have a report" in page


def test_area_and_state_pages_lead_with_the_same_headline(client, plan):
    published("2.1", "MX", 50)
    area = get(client, "/areas/2/").content.decode()
    progress, coverage = headline_of(area)
    assert "50 %" in progress and 'class="preliminary"' in progress
    assert "1 of 132 state × commitment pairs have a report" in coverage  # 4 commitments
    state = get(client, "/states/MX/").content.decode()
    progress, coverage = headline_of(state)
    assert "reported on 1 of the 32 commitments states report on" in coverage


def test_commitment_page_shows_the_33_states_by_their_own_status(client, plan):
    published("2.1", "MX", 100)
    published("2.1", "AR", 100)
    published("2.1", "BR", 40)
    published("2.1", "CL", 0)
    published("2.1", "CU", 30, status=Status.SUSPENDED)
    html = get(client, "/commitments/2.1/").content.decode()
    stuck = html.split('id="stuck-heading"', 1)[1].split("</section>", 1)[0]
    rows = dict(re.findall(r'</span>([^<]+)</th><td class="num">(\d+)</td>', stuck))
    assert rows == {
        "Completed": "2",
        "In progress": "1",
        "Not started": "1",
        "Suspended": "1",
        "No reports yet": "28",
    }
    assert '<th scope="col" class="num">Member states</th>' in stuck
    # The bar draws each status as wide as its count, out of 33.
    assert 'viewBox="0 0 33 10"' in stuck
    assert '<rect class="dist-completed" x="0" width="2"' in stuck
    # The list leads with the same distribution instead of a status derived from the mean.
    listing = get(client, "/commitments/?q=2.1").content.decode()
    assert "Completed 2" in listing and "Suspended 1" in listing


def test_needs_attention_lists_an_overdue_commitment_with_its_states(client, plan):
    # 3.1.1's deadline (March 2020) has passed.
    published("3.1.1", "MX", 40)
    published("3.1.1", "AR", 100)
    published("6.1", "BR", 10, status=Status.SUSPENDED)
    old = datetime.date.today() - datetime.timedelta(days=400)
    published("14.1", "CL", 60, reported_on=old)
    for path in ("/", "/attention/"):
        html = get(client, path).content.decode()
        section = html.split('id="attention-heading"', 1)[1]
        overdue = section.split('id="attention-overdue"', 1)[1].split("<h3", 1)[0]
        item = overdue.split('href="/en/commitments/3.1.1/"', 1)[1]
        item = item.split('<li><a href="/en/commitments/', 1)[0]
        # México has not completed it; Argentina has, so it is not named.
        assert 'href="/en/states/MX/"' in item
        assert 'href="/en/states/AR/"' not in item
        assert "31 states have not reported" in item
        suspended = section.split('id="attention-suspended"', 1)[1].split("<h3", 1)[0]
        assert 'href="/en/commitments/6.1/"' in suspended and 'href="/en/states/BR/"' in suspended
        silent = section.split('id="attention-silent"', 1)[1].split("<h3", 1)[0]
        assert 'href="/en/commitments/14.1/"' in silent and 'href="/en/states/CL/"' in silent
        lowest = section.split('id="attention-lowest"', 1)[1].split("</section>", 1)[0]
        assert lowest.index("/commitments/6.1/") < lowest.index("/commitments/14.1/")


def ranking_order(client, query=""):
    html = get(client, f"/states/{query}").content.decode()
    table = html.split('class="ranking', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><a href="/en/states/(\w+)/"', table), html


def test_states_are_ranked_by_each_sort_key(client, plan):
    published("1.1", "MX", 20)
    published("2.1", "MX", 40)
    published("1.1", "AR", 90, reported_on=datetime.date.today() - datetime.timedelta(days=40))
    published("1.1", "BR", 100)
    published("2.1", "BR", 100)
    published("2.2", "BR", 100)

    order, html = ranking_order(client)
    assert len(order) == 33
    assert order[:3] == ["BR", "AR", "MX"]  # progress, highest first (the default)
    assert order[3:] == sorted(order[3:], key=lambda code: order.index(code))  # by name
    assert ranking_order(client, "?sort=-progress")[0][:3] == ["MX", "AR", "BR"]
    assert ranking_order(client, "?sort=coverage")[0][:3] == ["BR", "MX", "AR"]
    assert ranking_order(client, "?sort=last_report")[0][2] == "AR"
    # Overdue: commitments past their deadline the state has not reported completed.
    for query, ascending in (("?sort=overdue", False), ("?sort=-overdue", True)):
        html = ranking_order(client, query)[1]
        counts = [int(n) for n in re.findall(r'data-label="Overdue" class="num">(\d+)<', html)]
        assert len(counts) == 33 and counts == sorted(counts, reverse=not ascending)
    by_name = ranking_order(client, "?sort=name")[0]
    assert by_name[0] == "AG" and by_name[-1] == "VE"
    assert ranking_order(client, "?sort=-name")[0][0] == "VE"


@pytest.mark.parametrize("bad", ["bogus", "--progress", "progress;drop", "", "name,progress"])
def test_a_bad_sort_gives_the_default_order_and_says_so(client, plan, bad):
    published("1.1", "BR", 100)
    published("1.1", "MX", 10)
    response = get(client, f"/states/?sort={bad}")
    assert response.status_code == 200
    order, html = ranking_order(client, f"?sort={bad}")
    assert order[:2] == ["BR", "MX"]
    if bad:
        assert "is not an order of this ranking; it is shown by progress" in text_of(response)


def test_compare_page_shows_the_chosen_states_side_by_side_by_area(client, plan):
    published("2.1", "MX", 30)
    published("2.1", "AR", 70)
    response = get(client, "/states/compare/?s=MX&s=ar&s=JM")
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split('class="compare-table"', 1)[1].split("</table>", 1)[0]
    header = table.split("</thead>", 1)[0]
    assert re.findall(r'href="/en/states/(\w+)/"', header) == ["MX", "AR", "JM"]
    area_2 = re.search(r'href="/en/areas/2/".*?</tr>', table, flags=re.S).group(0)
    assert area_2.index("30 %") < area_2.index("70 %")
    assert area_2.count("not reported") == 1  # Jamaica
    assert len(re.findall(r'href="/en/areas/\d+/"', table)) == 14


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?s=MX&s=ZZ", "“ZZ” is not the code of a member state."),
        ("?s=MX", "Choose two to four member states to compare (you chose 1)."),
        ("?s=MX&s=AR&s=BR&s=CL&s=CU", "you chose 5"),
        ("?s=MX&s=mx", "you chose 1"),
        ("?s=", "Choose two to four member states to compare."),
        ("?s=%3Cscript%3E", "is not the code of a member state."),
    ],
)
def test_compare_with_bad_codes_is_a_400_with_a_translated_message(client, plan, query, message):
    response = client.get(f"/en/states/compare/{query}")
    assert response.status_code == 400
    assert message in text_of(response)
    assert "<script>" not in response.content.decode().split("<main", 1)[1]
    spanish = client.get(f"/es/states/compare/{query}")
    assert spanish.status_code == 400
    assert "Elija" in text_of(spanish) or "no es el código" in text_of(spanish)


def test_compare_without_a_choice_offers_the_33_states(client, plan):
    response = get(client, "/states/compare/")
    assert response.status_code == 200
    assert response.content.decode().count('type="checkbox" name="s"') == 33


def test_a_published_report_shows_on_the_next_ranking(client, plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 3600  # pages kept: the tokens make them fresh
    assert ranking_order(client)[0][0] == "AG"  # nobody reported: by name
    published("1.1", "UY", 10)
    assert ranking_order(client)[0][0] == "UY"
