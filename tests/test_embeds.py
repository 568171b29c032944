"""A commitment's or a state's figure as a page other sites may frame; every other page
still refuses to be framed."""

import pytest
from django.urls import reverse
from django.utils import translation

from commitments.models import ReviewState
from tests.reporting_helpers import make_report

pytestmark = pytest.mark.django_db


def address(name, *args, language="es"):
    with translation.override(language):
        return reverse(name, args=args)


def assert_frameable(response):
    assert response.status_code in (200, 304)
    assert not response.has_header("X-Frame-Options")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "frame-ancestors 'none'" not in policy
    assert "default-src 'none'" in policy  # the rest of the portal's policy stays


def assert_not_frameable(response):
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name,args",
    [("follow:embed-commitment", ("8.1",)), ("follow:embed-state", ("AR",))],
)
def test_embeds_may_be_framed_when_rendered_kept_or_revalidated(client, plan, name, args):
    url = address(name, *args)
    first = client.get(url)
    assert_frameable(first)
    assert first.has_header("ETag")
    assert first["Cache-Control"].startswith("public")
    assert not first.cookies
    assert_frameable(client.get(url))  # the kept copy
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    assert_frameable(revalidated)


def test_an_embed_shows_the_figure_and_links_to_the_portal(client, official_ar, curator):
    make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="8.1")
    html = client.get(address("follow:embed-commitment", "8.1", language="en")).content.decode()
    assert "40" in html and "1 of 33 states reported" in html
    assert 'href="http://127.0.0.1:8000/en/commitments/8.1/"' in html
    html = client.get(address("follow:embed-state", "AR", language="en")).content.decode()
    assert "Argentina" in html and "40" in html
    assert client.get(address("follow:embed-state", "ZZ")).status_code == 404
    assert client.get(address("follow:embed-commitment", "99.9")).status_code == 404


@pytest.mark.parametrize(
    "name,args",
    [
        ("public:dashboard", ()),
        ("public:commitment", ("8.1",)),
        ("public:state", ("AR",)),
        ("follow:follow", ()),
        ("follow:feed", ()),
        ("follow:calendar", ()),
    ],
)
def test_every_other_page_still_refuses_to_be_framed(client, plan, name, args):
    url = address(name, *args)
    assert_not_frameable(client.get(url))
    assert_not_frameable(client.get(url))  # kept copies too


@pytest.mark.parametrize(
    "page,embed,title",
    [
        (("public:commitment", "8.1"), ("follow:embed-commitment", "8.1"), "commitment 8.1"),
        (("public:state", "AR"), ("follow:embed-state", "AR"), "Argentina"),
    ],
)
def test_commitment_and_state_pages_show_the_snippet_to_copy(client, plan, page, embed, title):
    html = client.get(address(*page, language="en")).content.decode()
    src = "http://127.0.0.1:8000" + address(*embed, language="en")
    assert f"&lt;iframe src=&#34;{src}&#34; title=&#34;" in html or (
        f'&lt;iframe src="{src}" title="' in html
    )
    assert title in html.split("&lt;iframe", 1)[1].split("&gt;", 1)[0]
