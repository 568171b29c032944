"""When something goes wrong the visitor gets a page of the portal, in their language, that
gives nothing away: no traceback, no setting, no exception text; a write that fails is not
kept half-done."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from celac_ppt import urls as celac_urls

pytestmark = pytest.mark.django_db

SECRET = "internal-detail-that-must-not-leak"


def boom(request):
    raise RuntimeError(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


def denied(request):
    raise PermissionDenied(SECRET)


def database_gone(request):
    raise OperationalError(f"could not connect to server: {SECRET}")


def write_then(error):
    def view(request):
        Group.objects.create(name="half-written")
        raise error(SECRET)

    return view


def write_ok(request):
    Group.objects.create(name="written")
    return HttpResponse("ok")


urlpatterns = [
    path("boom/", boom),
    path("suspicious/", suspicious),
    path("denied/", denied),
    path("database-gone/", database_gone),
    path("write-then-crash/", write_then(RuntimeError)),
    path("write-then-database-gone/", write_then(OperationalError)),
    path("write-ok/", write_ok),
]
urlpatterns += celac_urls.urlpatterns
handler500 = "celac_ppt.views.server_error"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def assert_gives_nothing_away(response, settings):
    page = response.content.decode()
    for leak in (SECRET, "Traceback", settings.SECRET_KEY, "DATABASES", "settings.py", ".py"):
        assert leak not in page
    return page


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/suspicious/", 400, "Bad request"),
        ("/denied/", 403, "Access denied"),
        ("/no-such-page/", 404, "Page not found"),
        ("/boom/", 500, "Something went wrong"),
        ("/database-gone/", 503, "Service temporarily unavailable"),
    ],
)
def test_error_pages_explain_without_giving_anything_away(
    production, settings, url, status, heading
):
    response = production.get(url, headers={"accept-language": "en"})
    assert response.status_code == status
    page = assert_gives_nothing_away(response, settings)
    assert f"<h1>{heading}</h1>" in page
    assert "Go to the dashboard" in page
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("language", ["es", "en", "pt", "fr"])
@pytest.mark.parametrize("url", ["/no-such-page/", "/boom/", "/database-gone/"])
def test_error_pages_speak_the_visitors_language(production, url, language):
    response = production.get(url, headers={"accept-language": language})
    assert response.headers["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()


def test_an_unknown_host_gets_the_bad_request_page(production, settings):
    settings.ALLOWED_HOSTS = ["celac.example.org"]
    response = production.get("/", headers={"host": "attacker.example", "accept-language": "en"})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in assert_gives_nothing_away(response, settings)


def test_a_forged_form_gets_the_expired_form_page(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    page = assert_gives_nothing_away(response, settings)
    assert "<h1>The form has expired</h1>" in page


def test_the_database_going_away_answers_503_with_retry_after(production):
    response = production.post("/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize("url", ["/write-then-crash/", "/write-then-database-gone/"])
def test_a_failed_write_leaves_nothing_half_written(production, url):
    response = production.post(url)
    assert response.status_code >= 500
    assert not Group.objects.filter(name="half-written").exists()


def test_a_successful_write_is_kept(production):
    assert production.post("/write-ok/").status_code == 200
    assert Group.objects.filter(name="written").exists()
