"""The map of the member states, the index pages of the work areas and agencies, the header's
navigation, and the search (accent- and case-insensitive on SQLite and PostgreSQL alike,
published narratives only, ranked, never kept in the page cache)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from markupsafe import escape

from areas.models import Agency, Official, WorkArea
from commitments.models import MemberState, ReviewState
from commitments.services import search
from commitments.services.current import current
from public.formatting import link, pct
from public.map import MAP_FILE, geometry
from tests.test_dashboard import get, published, report, text_of

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
FIXTURE = ROOT / "fixtures" / "ppt2020.json"


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def fixture_states():
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return {row["fields"]["iso_code"] for row in rows if row["model"] == "commitments.memberstate"}


# --- the map ---------------------------------------------------------------------------------


def test_the_map_file_draws_every_member_state_of_the_fixture():
    drawn = geometry()["states"]
    codes = fixture_states()
    assert len(codes) == 33
    assert set(drawn) == codes
    for code, state in drawn.items():
        assert state["d"].startswith("M"), code
        assert re.fullmatch(r"\d{3}", state["numeric"]), code
        assert 0 <= state["cx"] <= geometry()["width"] and 0 <= state["cy"] <= geometry()["height"]
    # The small island states get a marker, the large ones do not.
    small = {code for code, state in drawn.items() if state["small"]}
    assert {"AG", "BB", "DM", "GD", "KN", "LC", "VC"} <= small
    assert not small & {"BR", "MX", "AR", "CU"}


def test_the_map_file_codes_are_the_atlas_ids():
    """The fixture's ISO alpha-2 codes map onto world-atlas' ISO numeric ids (the build
    script's table), each id naming the right country in Natural Earth."""
    atlas_file = ROOT / "node_modules" / "world-atlas" / "countries-50m.json"
    if not atlas_file.exists():
        pytest.skip("node_modules/world-atlas is not installed (npm ci)")
    atlas = json.loads(atlas_file.read_text(encoding="utf-8"))
    geometries = atlas["objects"]["countries"]["geometries"]
    names = {g.get("id"): g["properties"]["name"] for g in geometries}
    for code, state in geometry()["states"].items():
        assert names[state["numeric"]] == state["name"], code
    assert geometry()["states"]["MX"]["name"] == "Mexico"
    assert geometry()["states"]["KN"]["name"] == "St. Kitts and Nevis"


def test_the_map_file_is_what_the_build_script_writes(tmp_path):
    """Run again, tools/build_map.mjs writes the committed file byte for byte."""
    if not (ROOT / "node_modules" / "world-atlas").exists() or not shutil.which("node"):
        pytest.skip("node or node_modules/world-atlas is not installed (npm ci)")
    built = tmp_path / "celac-map.json"
    subprocess.run(
        ["node", "tools/build_map.mjs", str(built)], cwd=ROOT, check=True, capture_output=True
    )
    assert built.read_bytes() == MAP_FILE.read_bytes()


def test_the_map_links_every_state_with_its_value_and_a_table(client, plan):
    published("1.1", "MX", 40)
    published("2.1", "MX", 80)
    published("1.1", "BB", 100)
    response = get(client, "/map/")
    html = response.content.decode()
    svg = html.split('<figure class="state-map">', 1)[1].split("</svg>", 1)[0]
    table = html.split('id="map-table-heading"', 1)[1]
    _plan, rollup = current()
    for state in MemberState.objects.all():
        href = f'href="/en/states/{state.iso_code}/"'
        assert href in svg, state.iso_code
        assert href in table, state.iso_code
    assert svg.count("<title>") == 33
    assert table.count('<th scope="row">') == 33
    mexico = MemberState.objects.get(iso_code="MX")
    figure = rollup.state_overall(mexico.id)
    assert figure.percent == 60
    # The same figure as the state's page, in words in the map and in the table.
    assert f"<title>Mexico: {pct(60)} — 2 of 29 top-level commitments reported</title>" in svg
    assert "60 %" in text_of(get(client, "/states/MX/"))
    assert re.search(r'href="/en/states/BB/" class="map-state shape-p5 map-small"', svg)
    assert "<circle" in svg
    # The legend says what each colour means, with a hatched "no report".
    assert "no report" in text_of(response)
    assert 'class="map-state shape-none' in svg


def test_the_map_shows_a_newly_published_report(client, plan):
    before = get(client, "/map/")
    published("1.1", "AR", 40)
    after = client.get("/en/map/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Argentina: 40 %" in after.content.decode()


# --- index pages and the header --------------------------------------------------------------


def test_the_areas_page_lists_every_area_with_its_progress_and_commitments(client, plan):
    published("13.1.1", "MX", 50)
    page = get(client, "/areas/")
    html = page.content.decode()
    for area in WorkArea.objects.all():
        assert f'href="/en/areas/{area.number}/"' in html
        assert escape(area.name) in html
    assert "14 commitments" not in html  # counts are per area
    assert "4 commitments" in text_of(page)  # area 13: 13.1 and its three working axes
    assert "50 %" in text_of(page)


def test_the_agencies_page_lists_every_agency_with_its_areas_and_officials(client, plan):
    html = get(client, "/agencies/").content.decode()
    for agency in Agency.objects.all():
        assert f'href="{link(agency)}"' in html
    for official in Official.objects.all():
        assert escape(official.name) in html
    sre = html.split('href="/en/agencies/SRE/"', 1)[1].split("</li>", 1)[0]
    assert 'href="/en/areas/13/"' in sre


def test_the_header_links_the_index_pages_and_has_a_search_box(client, plan):
    html = get(client, "/commitments/").content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    for address in ("/en/", "/en/commitments/", "/en/areas/", "/en/states/", "/en/agencies/"):
        assert f'href="{address}"' in header
    assert 'href="/en/map/"' in header and 'href="/en/open-data/"' in header
    assert '<form class="site-search" role="search" method="get" action="/en/search/">' in header
    assert '<label for="site-search-q">' in header and 'name="q"' in header
    assert 'aria-current="page">Commitments<' in header


# --- search ----------------------------------------------------------------------------------


def test_fold_removes_accents_and_case():
    assert search.fold("Oceánica ÑANDÚ Ça") == "oceanica nandu ca"
    assert search.terms("  Oceánica, ¿sostenible?  ") == ["oceanica", "sostenible"]


@pytest.mark.parametrize("query", ["oceanica", "OCEÁNICA", "Oceanica"])
def test_search_is_accent_and_case_insensitive(client, plan, query):
    results = search.search(query)
    references = {hit.obj.reference for hit in results.plan_hits if hit.kind is search.COMMITMENTS}
    assert {"13.1", "13.1.1"} <= references
    html = client.get("/en/search/", {"q": query}).content.decode()
    assert 'href="/en/commitments/13.1/"' in html
    assert "<mark>oceánica</mark>" in html or "<mark>Oceánica</mark>" in html


def test_search_finds_agencies_states_and_areas(plan):
    kinds = {hit.kind.name for hit in search.search("mexico").plan_hits}
    assert "states" in kinds
    found = {(hit.kind.name, str(hit.obj)) for hit in search.search("sre").plan_hits}
    assert ("agencies", "SRE") in found
    areas = [hit for hit in search.search("corrupcion").plan_hits if hit.kind is search.AREAS]
    assert [hit.obj.number for hit in areas] == [7]


def test_search_finds_published_narratives_and_never_unpublished_ones(client, plan):
    published("1.1", "MX", 40, narrative="Se avanzó en la cooperación aeroespacial andina.")
    report("2.1", "AR", 30, narrative="Borrador sobre la cooperación andina.")
    report("2.1", "BR", 30, review_state=ReviewState.DRAFT, narrative="Nota andina interna.")
    results = search.search("ANDINA")
    assert results.counts["reports"] == 1
    hits = results[0:20]
    assert [hit.obj.member_state.iso_code for hit in hits if hit.kind is search.REPORTS] == ["MX"]
    html = client.get("/en/search/?q=andina").content.decode()
    assert "<mark>andina</mark>" in html
    assert "Borrador" not in html and "interna" not in html


def test_a_title_match_ranks_above_a_narrative_match(plan):
    published("1.1", "MX", 40, narrative="Foro regional sobre economía oceánica, oceánica.")
    hits = search.search("oceanica")[0:20]
    kinds = [hit.kind for hit in hits]
    assert kinds.index(search.COMMITMENTS) < kinds.index(search.REPORTS)
    commitment_ranks = [hit.rank for hit in hits if hit.kind is search.COMMITMENTS]
    assert commitment_ranks == sorted(commitment_ranks, reverse=True)


def test_search_results_come_a_page_at_a_time(client, plan):
    for iso_code in ("MX", "AR", "BR", "CL", "CO", "PE", "UY", "CU"):
        for reference in ("1.1", "2.1", "4.1"):
            published(reference, iso_code, 40, narrative=f"Informe andino de {iso_code}.")
    results = search.search("andino")
    assert results.count() == 24
    first = client.get("/en/search/?q=andino").content.decode()
    second = client.get("/en/search/?q=andino&page=2").content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("<mark>andino</mark>") == 20 and second.count("<mark>andino</mark>") == 4


def test_highlighting_escapes_what_it_marks(client, plan):
    published("1.1", "MX", 40, narrative='<script>alert("oceánica")</script> & <b>oceánica</b>')
    html = client.get("/en/search/?q=oceanica").content.decode()
    assert "<script>alert" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;<mark>oceánica</mark>&#34;)&lt;/script&gt;" in html


def test_highlighted_keeps_the_original_text_and_marks_folded_matches():
    pieces = search.highlighted("La Economía OCEÁNICA y la oceánica", ["oceanica"])
    assert "".join(piece for piece, _ in pieces) == "La Economía OCEÁNICA y la oceánica"
    assert [piece for piece, matched in pieces if matched] == ["OCEÁNICA", "oceánica"]
    long = "palabra " * 100 + "oceánica " + "palabra " * 100
    excerpt = search.highlighted(long, ["oceanica"], limit=80)
    text = "".join(piece for piece, _ in excerpt)
    assert text.startswith("… ") and text.endswith(" …") and len(text) < 100
    assert ("oceánica", True) in excerpt


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type one or more words to search for."),
        ("   ", "Type one or more words to search for."),
        ("x" * 101, "Search for at most 100 characters."),
        ("¿?!… ---", "Search for words: letters or numbers."),
    ],
)
def test_a_query_that_cannot_be_searched_says_why(client, plan, query, message):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert message in text_of(response)
    assert "results" not in text_of(response).split("Search the plan", 2)[-1]


def test_the_search_page_without_a_query_shows_only_the_form(client, plan):
    response = get(client, "/search/")
    assert 'id="search-q"' in response.content.decode()
    assert "Type one or more words" not in text_of(response)


@pytest.mark.parametrize(
    "query",
    ["' OR 1=1 --", "a & b | !c", "oceánica:*", "%_\\", "😀 oceánica", "<>"],
)
def test_odd_queries_are_answered_not_crashed_on(client, plan, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["oce\x00anica", "\x00"])
def test_a_nul_byte_is_refused_with_the_bad_request_page(client, plan, query):
    """The request-limits middleware refuses NUL bytes before any view (PostgreSQL would
    refuse them in a query): the translated 400 page, never a server error."""
    response = client.get("/es/search/", {"q": query})
    assert response.status_code == 400
    assert response["Content-Language"] == "es"


def test_search_pages_are_public_but_never_kept(client, plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    first = client.get("/en/search/?q=oceanica")
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public")
    assert client.get("/en/search/?q=oceanica", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    for n in range(5):
        assert client.get(f"/en/search/?q=word{n}").status_code == 200
    assert not [key for key in cache._cache if ":page:" in key or ":page-headers:" in key]
    # Other pages are kept as before.
    client.get("/en/areas/")
    assert [key for key in cache._cache if ":page:" in key]


def test_search_runs_the_same_queries_however_many_narratives_match(client, plan):
    def queries(url):
        client.get("/en/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    published("1.1", "MX", 40, narrative="andino")
    small = queries("/en/search/?q=andino")
    for iso_code in ("AR", "BR", "CL", "CO", "PE", "UY", "CU", "BO", "EC", "VE"):
        for reference in ("1.1", "2.1", "4.1"):
            published(reference, iso_code, 40, narrative="andino")
    assert queries("/en/search/?q=andino") == small


def test_a_newly_published_narrative_is_found_on_the_next_search(client, plan):
    before = client.get("/en/search/?q=andina")
    assert "andina" not in before.content.decode().split('id="results-heading"', 1)[1]
    published("1.1", "MX", 40, narrative="Cooperación andina.")
    after = client.get("/en/search/?q=andina", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "<mark>andina</mark>" in after.content.decode()


def test_a_search_page_may_be_indexed_under_its_own_address(client, plan, settings):
    settings.SITE_URL = "https://portal.example.org"
    html = client.get("/es/search/?q=oceanica").content.decode()
    head = html.split("</head>", 1)[0]
    assert 'name="robots"' not in head
    assert '<link rel="canonical" href="https://portal.example.org/es/search/?q=oceanica">' in head
    assert "<title>Búsqueda: oceanica · CELAC PPT 2020</title>" in head
    description = re.search(r'<meta name="description" content="([^"]+)">', head).group(1)
    assert description.startswith("Resultados de «oceanica» en el plan de trabajo")
    empty = client.get("/en/search/").content.decode().split("</head>", 1)[0]
    assert '<link rel="canonical" href="https://portal.example.org/en/search/">' in empty
    assert "Search the CELAC PPT 2020 work plan" in empty
