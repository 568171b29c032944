"""A cached public page is served before sessions, CSRF, locale and authentication run,
and reads exactly as the page the whole stack serves."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client

pytestmark = pytest.mark.django_db

# Headers that differ between any two responses, cached or not.
PER_RESPONSE = {"Set-Cookie", "Date"}


@pytest.fixture
def cached_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    return settings


def _without_token(response):
    text = response.content.decode()
    start = text.index('name="csrfmiddlewaretoken" value="') + 34
    return text[:start] + text[text.index('"', start) :]


def test_a_hit_is_served_without_the_rest_of_the_stack(plan, cached_pages, monkeypatch):
    Client().get("/commitments/1.1/")

    def no_sessions_please(self, request):
        raise AssertionError("the hit ran the session middleware")

    monkeypatch.setattr(SessionMiddleware, "process_request", no_sessions_please)
    response = Client().get("/commitments/1.1/")
    assert response.status_code == 200


def test_a_hit_reads_and_is_headed_like_the_page_it_replays(plan, cached_pages):
    for lang in ("en", "fr"):
        rendered = Client(headers={"accept-language": lang}).get("/commitments/1.1/")
        hit = Client(headers={"accept-language": lang}).get("/commitments/1.1/")
        assert _without_token(hit) == _without_token(rendered)
        headers = {name: value for name, value in hit.headers.items() if name not in PER_RESPONSE}
        expected = {
            name: value for name, value in rendered.headers.items() if name not in PER_RESPONSE
        }
        assert headers == expected
        assert hit["Content-Language"] == lang
        assert hit["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in hit
        assert "csrftoken" in hit.cookies


def test_a_hit_chooses_the_language_the_way_the_locale_middleware_does(plan, cached_pages):
    Client(headers={"accept-language": "pt"}).get("/")
    Client(headers={"accept-language": "fr"}).get("/")
    chooser = Client(headers={"accept-language": "pt-BR,pt;q=0.9"})
    chooser.cookies["django_language"] = "fr"

    response = chooser.get("/")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
    assert Client(headers={"accept-language": "pt-BR"}).get("/")["Content-Language"] == "pt"
