"""Every page for people carries its language in its address (/es/, /en/, /pt/, /fr/); the
address without one redirects to the reader's language. The switcher is four links to the
same page, every page names its other languages for search engines, and the admin, the
health check and the open-data downloads keep their addresses."""

from html import unescape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from tests.test_dashboard import published

pytestmark = pytest.mark.django_db

# Absolute links name the portal's public address, whatever host asked.
SITE = settings.SITE_URL.rstrip("/")

LANGUAGES = ("es", "en", "pt", "fr")

# Each public page, by its address without a language ("REPORT": a published report's page).
PAGES = [
    "/",
    "/commitments/",
    "/commitments/?area=13&sort=due&page=1",
    "/commitments/13.1/",
    "/commitments/1.1/?page=2",
    "/states/AR/",
    "/areas/3/",
    "/agencies/SRE/",
    "/about/figures/",
    "/areas/",
    "/agencies/",
    "/map/",
    "/search/?q=oceanica",
    "/indicators/",
    "/changes/",
    "REPORT",
]

DOWNLOADS = [
    "/commitments/data.csv",
    "/commitments/data.json?area=3",
    "/commitments/1.1/states.csv",
    "/states/MX/commitments.json",
    "/open-data/matrix.csv",
    "/open-data/progress-by-area.csv",
    "/open-data/progress-by-axis.json",
    "/open-data/progress-by-agency.csv",
    "/open-data/progress-by-status.json",
    "/open-data/indicators.csv",
    "/open-data/indicator-values.json",
    "/open-data/latest-reports.csv",
    "/open-data/milestones.csv",
]


@pytest.fixture
def report(plan):
    return published("1.1", "MX", 40)


def address(page, report):
    return f"/reports/{report.pk}/" if page == "REPORT" else page


class Links(HTMLParser):
    """The page's ``<link rel="alternate">`` and its switcher links (an ``<a>`` that names
    the language it leads to), and whether the switcher holds a form."""

    def __init__(self):
        super().__init__()
        self.alternates = {}
        self.switcher = {}
        self.forms_in_switcher = 0
        self._in_switcher = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            assert attrs["hreflang"] not in self.alternates, f"two {attrs['hreflang']} links"
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "nav" and "lang-switch" in attrs.get("class", "").split():
            self._in_switcher = 1
        elif self._in_switcher and tag == "nav":
            self._in_switcher += 1
        if self._in_switcher and tag == "form":
            self.forms_in_switcher += 1
        if self._in_switcher and tag == "a" and "hreflang" in attrs:
            self.switcher[attrs["hreflang"]] = attrs["href"]

    def handle_endtag(self, tag):
        if self._in_switcher and tag == "nav":
            self._in_switcher -= 1


def links_of(response):
    parser = Links()
    parser.feed(response.content.decode())
    return parser


# --- redirects -----------------------------------------------------------------------------


def test_the_home_address_redirects_to_spanish_by_default(client, plan):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [("pt-BR", "pt"), ("pt-BR,pt;q=0.9,en;q=0.5", "pt"), ("en-US", "en"), ("fr-CA", "fr")],
)
def test_the_home_address_redirects_to_the_browsers_language(
    client, plan, accept_language, language
):
    response = client.get("/", headers={"accept-language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/"


def test_a_language_the_portal_does_not_speak_gets_spanish(client, plan):
    response = client.get("/", headers={"accept-language": "de-DE,ja;q=0.8"})
    assert response.status_code == 302
    assert response["Location"] == "/es/"


@pytest.mark.parametrize(
    ("old", "accept_language", "new"),
    [
        ("/commitments/?area=3", "", "/es/commitments/?area=3"),
        ("/commitments/?area=3&sort=due&page=2", "en", "/en/commitments/?area=3&sort=due&page=2"),
        ("/states/AR/", "pt-BR", "/pt/states/AR/"),
        ("/areas/13/", "fr", "/fr/areas/13/"),
        ("/areas/13/?x=%C3%B1", "", "/es/areas/13/?x=%C3%B1"),
        ("/commitments/1.1/", "en", "/en/commitments/1.1/"),
        ("/agencies/SRE/", "", "/es/agencies/SRE/"),
        ("/about/figures/", "pt", "/pt/about/figures/"),
        ("/accounts/login/", "en", "/en/accounts/login/"),
        ("/my-state/", "", "/es/my-state/"),
    ],
)
def test_an_old_address_redirects_to_the_page_in_the_readers_language(
    client, plan, old, accept_language, new
):
    headers = {"accept-language": accept_language} if accept_language else {}
    response = client.get(old, headers=headers)
    assert response.status_code == 302
    assert response["Location"] == new


def test_the_redirect_sets_no_cookie_and_creates_no_session(client, plan):
    response = client.get("/commitments/?area=3", headers={"accept-language": "en"})
    assert response.status_code == 302
    assert not response.cookies
    assert not Session.objects.exists()


def test_an_address_that_is_no_page_in_any_language_is_404(client, plan):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/es/no-such-page/").status_code == 404
    assert client.get("/de/commitments/").status_code == 404


# --- alternates and the switcher -------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_names_itself_in_each_language_and_links_to_them(client, report, page, language):
    path = address(page, report)
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    assert response["Content-Language"] == language
    links = links_of(response)
    # The same page, the same query string, each language; x-default lets the reader's
    # browser choose.
    expected = {code: f"/{code}{path}" for code in LANGUAGES}
    assert {code: unescape(href) for code, href in links.switcher.items()} == expected
    # Search engines are given absolute addresses, at the portal's public address.
    site = settings.SITE_URL.rstrip("/")
    alternates = {code: unescape(href) for code, href in links.alternates.items()}
    assert alternates == {
        **{code: site + href for code, href in expected.items()},
        "x-default": site + path,
    }
    # Each link leads somewhere: the page in that language, or the redirect to it.
    for href in {*links.switcher.values(), *links.alternates.values()}:
        href = unescape(href).removeprefix(site)
        assert client.get(href).status_code in (200, 302), href


@pytest.mark.parametrize("page", ["/", "/commitments/?area=13&sort=due", "/states/AR/"])
def test_the_switcher_is_links_with_no_form_and_no_csrf_token(client, plan, page):
    response = client.get(f"/en{page}")
    assert response.status_code == 200
    links = links_of(response)
    assert len(links.switcher) == 4
    assert links.forms_in_switcher == 0
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert 'method="post"' not in html.lower()
    assert "csrftoken" not in response.cookies


def test_following_the_switcher_keeps_the_query_string(client, plan):
    response = client.get("/es/commitments/?area=3&sort=due")
    french = unescape(links_of(response).switcher["fr"])
    assert french == "/fr/commitments/?area=3&sort=due"
    page = client.get(french)
    assert page.status_code == 200
    assert '<html lang="fr">' in page.content.decode()
    # The filter applies on the French page too: area 3's three commitments and no other.
    html = page.content.decode().split('class="list-table', 1)[1]
    assert html.count('<th scope="row">') == 3


# --- what keeps its address ----------------------------------------------------------------


def test_the_admin_has_no_language_in_its_address(client, curator):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(curator)
    assert client.get("/admin/", headers={"accept-language": "en"}).status_code == 200
    for language in LANGUAGES:
        assert client.get(f"/{language}/admin/").status_code == 404


def test_the_health_check_has_no_language_in_its_address(client, db):
    response = client.get("/healthz", headers={"accept-language": "fr"})
    assert response.status_code == 200
    assert response.json()["database"] == "up"
    assert client.get("/es/healthz").status_code == 404


def test_static_files_have_no_language_in_their_address(db, settings, tmp_path):
    # Served as in production: collected, then read by WhiteNoise when the server starts.
    from django.core.management import call_command
    from django.test import Client

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert client.get("/es/static/css/site.css").status_code == 404


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_download_is_the_same_file_whatever_the_readers_language(client, report, url):
    first = client.get(url)
    assert first.status_code == 200
    body = first.content
    assert body
    for accept_language in ("es", "en-GB", "pt-BR", "fr", "de"):
        response = client.get(url, headers={"accept-language": accept_language})
        assert response.status_code == 200, accept_language
        assert response.content == body, accept_language
        assert response["ETag"] == first["ETag"], accept_language


@pytest.mark.parametrize("url", ["/commitments/data.csv", "/open-data/matrix.json"])
def test_a_download_has_no_address_under_a_language(client, plan, url):
    for language in LANGUAGES:
        response = client.get(f"/{language}{url}", follow=True)
        assert response.status_code == 404, language


def test_downloads_link_to_the_spanish_pages(client, report):
    text = client.get("/commitments/data.csv?q=1.1", headers={"accept-language": "en"})
    assert f"{SITE}/es/commitments/1.1/" in text.content.decode()
    states = client.get("/commitments/1.1/states.json", headers={"accept-language": "fr"})
    assert f"{SITE}/es/reports/{report.pk}/" in states.content.decode()
