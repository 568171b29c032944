"""The public pages' cache never serves stale progress and never mixes visitors' views."""

import datetime
import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from areas.models import WorkArea
from celac_ppt import urls as site_urls
from commitments import cache as page_cache
from commitments.models import Commitment, CurrentProgress, MemberState, ProgressReport, Status
from commitments.services.reports import publish

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@page_cache.cache_public_page
def _published_count(request):
    # Stands for any page showing progress: it renders what the database holds right now.
    count = CurrentProgress.objects.count()
    return HttpResponse(f"published={count} {request.GET.urlencode()}".strip())


urlpatterns = [path("probe/", _published_count), *site_urls.urlpatterns]


@pytest.fixture
def cached_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    return settings


def _report(iso_code="MX", reference=None, percentage=40):
    commitment = (
        Commitment.objects.get(reference=reference)
        if reference
        else Commitment.objects.reportable().first()
    )
    return ProgressReport.objects.create(
        commitment=commitment,
        member_state=MemberState.objects.get(iso_code=iso_code),
        status=Status.IN_PROGRESS,
        percentage=percentage,
        reported_on=datetime.date(2020, 6, 30),
        review_state="submitted",
    )


def _body(response):
    return TOKEN.sub(b"", response.content)


def _fresh(client, url, settings):
    """The page as it renders now, bypassing the cache."""
    seconds, settings.PUBLIC_PAGE_CACHE_SECONDS = settings.PUBLIC_PAGE_CACHE_SECONDS, 0
    try:
        return _body(client.get(url))
    finally:
        settings.PUBLIC_PAGE_CACHE_SECONDS = seconds


def test_second_anonymous_request_is_served_from_the_cache(
    plan, cached_pages, client, django_assert_num_queries
):
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 200


def test_publishing_a_report_shows_on_the_next_request(
    plan, cached_pages, client, settings, django_capture_on_commit_callbacks
):
    settings.ROOT_URLCONF = __name__
    assert client.get("/probe/").content == b"published=0"
    assert client.get("/probe/").content == b"published=0"

    with django_capture_on_commit_callbacks(execute=True):
        publish(_report())

    assert client.get("/probe/").content == b"published=1"


def test_publishing_a_report_refreshes_the_public_pages(
    plan, cached_pages, client, django_capture_on_commit_callbacks
):
    report = _report()
    urls = ["/", "/commitments/", f"/commitments/{report.commitment.reference}/", "/states/MX/"]
    for url in urls:
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        publish(report)

    for url in urls:
        assert _body(client.get(url)) == _fresh(client, url, cached_pages), url


def test_curating_an_area_name_shows_on_the_area_page(
    plan, cached_pages, client, django_capture_on_commit_callbacks
):
    assert "Nombre curado" not in client.get("/areas/1/").text
    area = WorkArea.objects.get(number=1)
    area.name = "Nombre curado del área"
    with django_capture_on_commit_callbacks(execute=True):
        area.save()

    assert "Nombre curado del área" in client.get("/areas/1/").text
    assert "Nombre curado del área" in client.get("/").text


def test_a_page_rendered_before_commit_is_dropped_on_commit(
    plan, cached_pages, django_capture_on_commit_callbacks
):
    area = WorkArea.objects.get(number=2)
    area.name = "Otro nombre"
    with django_capture_on_commit_callbacks() as callbacks:
        area.save()
        before_commit = page_cache.current_generation()
    for callback in callbacks:
        callback()
    assert page_cache.current_generation() > before_commit


def test_changing_responsible_agencies_invalidates(plan, cached_pages):
    before = page_cache.current_generation()
    area = WorkArea.objects.get(number=1)
    area.agencies.remove(area.agencies.first())
    assert page_cache.current_generation() > before


def test_logged_in_user_never_gets_the_anonymous_page(plan, cached_pages, official_mx):
    anonymous = Client()
    anonymous.get("/")
    anonymous.get("/")
    logged_in = Client()
    logged_in.force_login(official_mx)

    assert "oficial-mx" in logged_in.get("/").text


def test_anonymous_never_gets_a_logged_in_page(plan, cached_pages, official_mx):
    logged_in = Client()
    logged_in.force_login(official_mx)
    logged_in.get("/")
    logged_in.get("/")

    with CaptureQueriesContext(connection) as queries:
        page = Client().get("/")
    assert queries.captured_queries, "the logged-in rendering was stored"
    assert "oficial-mx" not in page.text


def test_languages_are_cached_apart(plan, cached_pages):
    english = Client(headers={"accept-language": "en"})
    spanish = Client(headers={"accept-language": "es"})
    for _ in range(2):
        assert '<html lang="en">' in english.get("/").text
        assert '<html lang="es">' in spanish.get("/").text


def test_query_strings_are_cached_apart(plan, cached_pages, client, settings):
    settings.ROOT_URLCONF = __name__
    client.get("/probe/?area=1")
    assert client.get("/probe/?area=2").content.endswith(b"area=2")
    assert client.get("/probe/?area=1").content.endswith(b"area=1")


def test_a_cached_page_carries_a_csrf_token_valid_for_its_visitor(plan, cached_pages):
    first = Client(enforce_csrf_checks=True)
    first.get("/")
    second = Client(enforce_csrf_checks=True)
    page = second.get("/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)

    assert token and "csrftoken" in page.cookies
    response = second.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token[1]}
    )
    assert response.status_code == 302


def test_visitors_with_a_session_are_rendered_afresh(plan, cached_pages, client):
    client.get("/")
    session = client.session
    session["seen"] = True
    session.save()

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert queries.captured_queries


def test_cache_can_be_turned_off(plan, settings, client):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert queries.captured_queries


def test_pages_are_rendered_when_the_cache_is_down(plan, cached_pages, client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache.cache, "get", down)
    response = client.get("/")
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.text
