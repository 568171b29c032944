"""Public pages are plain HTTP resources: the same bytes for everyone, no cookie, a strong
ETag that changes exactly when what the page shows may have changed (the data versions, the
day, the language, the address), 304 answers that cost one query, and gzip and brotli forms.
Logged-in pages are for one visitor's eyes only and never stored."""

import datetime
import gzip
import io
from unittest import mock

import brotli
import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from reporting_helpers import make_report

from celac_ppt import http
from commitments.models import Commitment, ReviewState
from commitments.services.reports import publish
from tests.test_addresses import DOWNLOADS, LANGUAGES, PAGES, address
from tests.test_dashboard import published, report

pytestmark = pytest.mark.django_db

DATA_VERSION_TABLE = "commitments_dataversion"


@pytest.fixture
def shown(plan):
    """A published report, so the report page exists."""
    return published("1.1", "MX", 40)


def urls_of(page, shown):
    return [f"/{language}{address(page, shown)}" for language in LANGUAGES]


def is_strong_etag(etag):
    return etag.startswith('"') and etag.endswith('"') and len(etag) > 2


def cache_control(response):
    return {part.strip().split("=")[0] for part in response["Cache-Control"].split(",")}


def only_the_data_versions_were_read(queries):
    return len(queries) == 1 and DATA_VERSION_TABLE in queries[0]["sql"]


def revalidate(client, url, etag, **headers):
    """The request a browser holding ``etag`` makes, and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"if-none-match": etag, **headers})
    return response, queries.captured_queries


# --- every public page -----------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_is_public_cookieless_and_revalidates_with_one_query(client, shown, page):
    for url in urls_of(page, shown):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url
        assert not Session.objects.exists(), url
        etag = response["ETag"]
        assert is_strong_etag(etag), (url, etag)
        assert "public" in cache_control(response), url
        assert "private" not in cache_control(response), url
        assert "Accept-Encoding" in response["Vary"], url

        not_modified, queries = revalidate(client, url, etag)
        assert not_modified.status_code == 304, url
        assert not_modified.content == b"", url
        assert not_modified["ETag"] == etag, url
        assert "public" in cache_control(not_modified), url
        assert not not_modified.cookies, url
        # Nothing is rendered for a 304: the one query reads the data versions.
        assert only_the_data_versions_were_read(queries), (url, queries)


@pytest.mark.parametrize("page", ["/", "/commitments/?area=3", "/states/AR/"])
def test_each_language_and_each_address_has_its_own_etag(client, plan, page):
    etags = {client.get(f"/{language}{page}")["ETag"] for language in LANGUAGES}
    assert len(etags) == 4
    other = client.get("/es/commitments/?area=4")["ETag"]
    assert other not in etags


def test_an_etag_of_another_page_gets_the_full_page(client, plan):
    dashboard = client.get("/es/")["ETag"]
    response = client.get("/es/commitments/", headers={"if-none-match": dashboard})
    assert response.status_code == 200
    response = client.get("/en/", headers={"if-none-match": dashboard})
    assert response.status_code == 200


def test_a_page_answers_the_same_etag_again_while_nothing_changes(client, plan):
    first = client.get("/pt/commitments/1.1/")
    second = client.get("/pt/commitments/1.1/")
    assert first["ETag"] == second["ETag"]
    assert first.content == second.content


# --- what changes a tag ----------------------------------------------------------------------


def test_publishing_a_report_changes_the_etag_of_the_pages_that_show_it(client, plan):
    urls = ["/es/", "/en/commitments/1.1/", "/pt/states/MX/", "/fr/areas/1/"]
    before = {url: client.get(url)["ETag"] for url in urls}
    shown = publish(report("1.1", "MX", 60, narrative="Informe nuevo."))
    for url in urls:
        response, _queries = revalidate(client, url, before[url])
        assert response.status_code == 200, url
        assert response["ETag"] != before[url], url
    assert f"/es/reports/{shown.pk}/" in client.get("/es/").content.decode()


def test_a_draft_or_a_submitted_report_changes_no_etag(client, official_mx):
    before = client.get("/es/")["ETag"]
    make_report(official_mx, ReviewState.SUBMITTED)
    response, queries = revalidate(client, "/es/", before)
    assert response.status_code == 304
    assert only_the_data_versions_were_read(queries)


def test_a_plan_text_edited_in_the_admin_changes_the_etag(client, client_of, curator):
    commitment = Commitment.objects.get(reference="14.2")
    url = "/es/commitments/14.2/"
    before = client_of(None).get(url)
    assert before.status_code == 200
    assert "Texto revisado por la curaduría" not in before.content.decode()
    admin = client_of(curator)
    response = admin.post(
        reverse("admin:commitments_commitment_change", args=[commitment.pk]),
        {
            "reference": "14.2",
            "area": commitment.area_id,
            "parent": "",
            "order": commitment.order,
            "text_es": "Texto revisado por la curaduría",
            "text_en": commitment.text_en,
            "text_pt": commitment.text_pt,
            "text_fr": commitment.text_fr,
            "due_date": "",
            "due_label_es": commitment.due_label_es,
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "1000",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
            "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visitor = client_of(None)
    after, _queries = revalidate(visitor, url, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Texto revisado por la curaduría" in after.content.decode()


@pytest.mark.parametrize("zone", ["America/Mexico_City", "Pacific/Kiritimati", "UTC"])
def test_the_tag_s_day_is_the_day_the_pages_show(settings, zone):
    settings.TIME_ZONE = zone
    assert http.today() == timezone.localdate()


def test_the_etag_changes_on_a_new_day(client, plan, monkeypatch):
    today = timezone.localdate()
    before = client.get("/en/")["ETag"]
    assert client.get("/en/", headers={"if-none-match": before}).status_code == 304
    tomorrow = today + datetime.timedelta(days=1)
    # The pages' day and the tag's day move together.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    monkeypatch.setattr(http, "today", lambda: tomorrow)
    response, _queries = revalidate(client, "/en/", before)
    assert response.status_code == 200
    assert response["ETag"] != before
    # The day is the same for the next visitor: a 304 again.
    assert client.get("/en/", headers={"if-none-match": response["ETag"]}).status_code == 304


# --- compression ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "decompress"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
@pytest.mark.parametrize("url", ["/es/", "/en/commitments/?area=13", "/open-data/matrix.csv"])
def test_compressed_forms_decompress_to_the_same_page(client, plan, encoding, decompress, url):
    identity = client.get(url)
    assert identity.status_code == 200
    assert "Content-Encoding" not in identity.headers
    compressed = client.get(url, headers={"accept-encoding": f"{encoding}, deflate"})
    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == encoding
    assert "Accept-Encoding" in compressed["Vary"]
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert len(compressed.content) < len(identity.content)
    assert decompress(compressed.content) == identity.content
    assert compressed["Content-Type"] == identity["Content-Type"]
    # Each form has its own ETag, and a copy in any form is current.
    assert is_strong_etag(compressed["ETag"]) and compressed["ETag"] != identity["ETag"]
    assert client.get(url, headers={"if-none-match": compressed["ETag"]}).status_code == 304


def test_the_spanish_dashboard_with_demo_data_is_at_most_20_kb_compressed(client, plan, settings):
    settings.DEBUG = True  # seed_demo runs only in development
    call_command("seed_demo", reports=300, stdout=io.StringIO())
    settings.DEBUG = False
    identity = client.get("/es/")
    assert identity.status_code == 200
    assert "de 33" in identity.content.decode()
    for encoding in ("br", "gzip"):
        response = client.get("/es/", headers={"accept-encoding": encoding})
        assert response["Content-Encoding"] == encoding
        assert len(response.content) <= 20 * 1024, (encoding, len(response.content))


# --- the page cache ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/es/", "/fr/commitments/?area=3", "/en/states/MX/"])
def test_a_kept_page_costs_only_the_data_version_query(client, plan, url):
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200
    assert only_the_data_versions_were_read(queries.captured_queries)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Language"] == first["Content-Language"]
    assert not again.cookies


def test_a_kept_page_is_not_served_after_the_data_changed(client, plan):
    before = client.get("/en/").content.decode()
    assert "1 of 33" not in before
    published("2.1", "AR", 100)
    assert "1 of 33" in client.get("/en/").content.decode()


def test_without_the_page_cache_pages_and_etags_are_the_same(client, shown, settings):
    urls = ["/es/", "/en/commitments/1.1/", f"/pt/reports/{shown.pk}/", "/open-data/matrix.csv"]
    kept = {url: client.get(url) for url in urls}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for url in urls:
        # Rendered every time: the cache is neither read nor written.
        with mock.patch("celac_ppt.http.cache") as page_cache:
            response = client.get(url)
        assert page_cache.method_calls == [], url
        assert response.status_code == 200, url
        assert response.content == kept[url].content, url
        assert response["ETag"] == kept[url]["ETag"], url
        assert "public" in cache_control(response), url
        not_modified, queries = revalidate(client, url, response["ETag"])
        assert not_modified.status_code == 304, url
        assert only_the_data_versions_were_read(queries), url
        compressed = client.get(url, headers={"accept-encoding": "br"})
        assert brotli.decompress(compressed.content) == response.content, url


# --- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_download_revalidates_with_a_304(client, shown, url):
    response = client.get(url)
    assert response.status_code == 200
    assert is_strong_etag(response["ETag"])
    assert "public" in cache_control(response)
    assert not response.cookies
    not_modified, queries = revalidate(client, url, response["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert only_the_data_versions_were_read(queries)
    # The file does not depend on the reader's language, nor does its tag.
    again, _queries = revalidate(client, url, response["ETag"], **{"accept-language": "fr"})
    assert again.status_code == 304


@pytest.mark.parametrize("keep", [True, False])
def test_a_download_says_nothing_about_the_readers_language(client, plan, settings, keep):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60 if keep else 0
    seen = []
    for accept_language in ("fr", "en", "pt-BR"):
        response = client.get("/open-data/matrix.csv", headers={"accept-language": accept_language})
        assert response.status_code == 200
        assert "Content-Language" not in response.headers, accept_language
        assert [v.strip() for v in response["Vary"].split(",")] == ["Accept-Encoding"]
        seen.append((response["ETag"], response["Content-Type"], response.content))
    assert seen == [seen[0]] * 3


def test_a_page_says_the_language_of_its_address(client, plan):
    for language in LANGUAGES:
        for _ in range(2):  # rendered, then kept
            response = client.get(f"/{language}/states/MX/", headers={"accept-language": "de"})
            assert response["Content-Language"] == language


def test_a_copy_a_proxy_marked_weak_is_still_current(client, plan):
    etag = client.get("/es/")["ETag"]
    response, queries = revalidate(client, "/es/", f"W/{etag}")
    assert response.status_code == 304
    assert only_the_data_versions_were_read(queries)
    response, _queries = revalidate(client, "/es/", 'W/"not-this-page", ' + etag)
    assert response.status_code == 304
    response, _queries = revalidate(client, "/es/", 'W/"not-this-page"')
    assert response.status_code == 200


# --- signed-in visitors ----------------------------------------------------------------------


@pytest.fixture
def private_pages(official_mx, curator):
    """(who, address) of pages for one visitor's eyes: None is anonymous."""
    submitted = make_report(official_mx, ReviewState.SUBMITTED)
    with translation.override("en"):
        return [
            (official_mx, reverse("workspace:home")),
            (official_mx, reverse("workspace:report_new", args=["2.1"])),
            (official_mx, reverse("workspace:report", args=[submitted.pk])),
            (curator, reverse("workspace:review")),
            (curator, reverse("workspace:review_report", args=[submitted.pk])),
            (None, reverse("accounts:login")),
            (None, reverse("accounts:password_reset")),
            (curator, reverse("admin:index")),
            (curator, reverse("admin:commitments_commitment_changelist")),
        ]


def test_logged_in_pages_are_private_and_never_stored(client_of, private_pages):
    for user, url in private_pages:
        response = client_of(user).get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_control(response), (url, response["Cache-Control"])
        assert "public" not in cache_control(response), url
        assert "ETag" not in response.headers, url


def test_a_signed_in_official_sees_the_same_public_pages_and_gets_no_cookie(
    client_of, official_mx, shown, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # every page rendered for this visitor
    urls = [url for page in PAGES for url in urls_of(page, shown)[:2]]
    official = client_of(official_mx)
    session_key = official.cookies["sessionid"].value
    sessions = Session.objects.count()
    seen = {}
    for url in urls:
        response = official.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "public" in cache_control(response), url
        body = response.content.decode()
        assert "oficial-mx" not in body, url
        assert "csrfmiddlewaretoken" not in body, url
        # The page never looked at the session: nothing tells caches it varies by cookie.
        assert "Cookie" not in response["Vary"], url
        seen[url] = response
    assert Session.objects.count() == sessions
    assert official.cookies["sessionid"].value == session_key

    anonymous = client_of(None)
    for url, response in seen.items():
        theirs = anonymous.get(url)
        assert theirs.content == response.content, url
        assert theirs["ETag"] == response["ETag"], url


def test_a_public_page_that_used_the_csrf_token_is_neither_kept_nor_public(rf, plan):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from celac_ppt.http import kept_page, public_page

    @public_page
    def careless(request):
        return HttpResponse(f"<form>{get_token(request)}</form>")

    request = rf.get("/es/careless/")
    response = careless(request)
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("ETag")
    tag = page_tag_of(rf.get("/es/careless/"))
    assert all(kept_page(tag, encoding) is None for encoding in (None, "gzip", "br"))


def page_tag_of(request):
    from celac_ppt.http import page_tag

    return page_tag(request)


def test_a_change_of_the_header_settings_gives_every_page_a_new_tag(settings):
    from celac_ppt.http import release

    release.cache_clear()
    before = release()
    settings.PUBLIC_SHARED_MAX_AGE = 60
    release.cache_clear()
    try:
        assert release() != before
    finally:
        release.cache_clear()
