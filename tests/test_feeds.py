"""Atom feeds of published reports: the whole plan, a member state, a commitment and a work
area, in each language; never a report that is not published."""

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from commitments.models import ProgressReport, ReviewState
from commitments.services import current
from tests.progress_data import make_published_reports
from tests.reporting_helpers import make_report

pytestmark = pytest.mark.django_db


def feed_url(name, *args, language="es"):
    with translation.override(language):
        return reverse(name, args=args)


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def test_the_plan_feed_lists_the_newest_fifty_published_reports(client, plan):
    make_published_reports(60)
    _response, feed = parse(client, feed_url("follow:feed"))
    newest = ProgressReport.objects.published().order_by("-published_at", "-id")[:50]
    assert len(feed.entries) == 50
    assert [entry.link for entry in feed.entries] == [
        f"http://127.0.0.1:8000/es/reports/{report.pk}/" for report in newest
    ]
    first = newest[0]
    entry = feed.entries[0]
    assert first.member_state.name in entry.title
    assert first.commitment.reference in entry.title
    assert str(first.percentage) in entry.title
    assert first.commitment.text[:30] in entry.summary
    assert entry.published_parsed is not None


def test_an_entry_names_state_commitment_status_percentage_and_date(client, official_ar, curator):
    report = make_report(official_ar, ReviewState.PUBLISHED, curator=curator, percentage=40)
    for language, state, status in (
        ("es", "Argentina", "En curso"),
        ("en", "Argentina", "In progress"),
        ("fr", "Argentine", "En cours"),
    ):
        _response, feed = parse(client, feed_url("follow:feed", language=language))
        (entry,) = feed.entries
        assert entry.title.startswith(f"{state} · 1.1")
        assert status in entry.title and "40" in entry.title
        assert report.reported_on.strftime("%Y-%m-%d") in entry.summary
        assert entry.link.endswith(f"/{language}/reports/{report.pk}/")
        assert feed.feed.language == language
    # The entry is the same report in every language's feed.
    ids = {
        parse(client, feed_url("follow:feed", language=lang))[1].entries[0].id
        for lang in ("es", "pt")
    }
    assert len(ids) == 1


@pytest.mark.parametrize(
    "review_state",
    [ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.RESUBMITTED],
)
def test_a_report_that_is_not_published_never_appears(client, official_ar, curator, review_state):
    make_report(official_ar, review_state, curator=curator)
    for url in (
        feed_url("follow:feed"),
        feed_url("follow:feed-state", "AR"),
        feed_url("follow:feed-commitment", "1.1"),
        feed_url("follow:feed-area", 1),
    ):
        _response, feed = parse(client, url)
        assert feed.entries == []


def test_the_state_commitment_and_area_feeds_hold_only_their_reports(
    client, official_ar, official_mx, curator
):
    ar = make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="1.1")
    mx = make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reference="2.1")
    # A sub-commitment's report is in its parent's feed (3.1 has sub-commitments).
    child = make_report(official_mx, ReviewState.PUBLISHED, curator=curator, reference="3.1.1")

    def links(url):
        return {entry.link.rsplit("/", 2)[-2] for entry in parse(client, url)[1].entries}

    assert links(feed_url("follow:feed-state", "AR")) == {str(ar.pk)}
    assert links(feed_url("follow:feed-state", "MX")) == {str(mx.pk), str(child.pk)}
    assert links(feed_url("follow:feed-commitment", "2.1")) == {str(mx.pk)}
    assert links(feed_url("follow:feed-commitment", "3.1")) == {str(child.pk)}
    assert links(feed_url("follow:feed-area", 1)) == {str(ar.pk)}
    assert links(feed_url("follow:feed-area", 3)) == {str(child.pk)}


def test_an_unknown_state_commitment_or_area_feed_is_404(client, plan):
    assert client.get(feed_url("follow:feed-state", "ZZ")).status_code == 404
    assert client.get(feed_url("follow:feed-commitment", "99.9")).status_code == 404
    assert client.get(feed_url("follow:feed-area", 99)).status_code == 404


def test_feeds_are_public_pages_revalidated_with_their_etag(client, plan):
    make_published_reports(5)
    url = feed_url("follow:feed-state", "MX")
    response = client.get(url)
    assert response.has_header("ETag")
    assert response["Cache-Control"].startswith("public")
    assert not response.cookies
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    "page,feed",
    [
        (("public:dashboard",), ("follow:feed",)),
        (("public:state", "AR"), ("follow:feed-state", "AR")),
        (("public:commitment", "1.1"), ("follow:feed-commitment", "1.1")),
        (("public:area", 3), ("follow:feed-area", 3)),
        # Pages without a feed of their own name the whole plan's.
        (("public:commitments",), ("follow:feed",)),
        (("public:agency", "SRE"), ("follow:feed",)),
        (("public:about",), ("follow:feed",)),
    ],
)
def test_each_public_page_advertises_its_feed(client, plan, page, feed):
    html = client.get(feed_url(*page, language="en")).content.decode()
    head = html.split("</head>")[0]
    assert (
        f'<link rel="alternate" type="application/atom+xml" '
        f'title="Published progress reports (Atom)" href="{feed_url(*feed, language="en")}">'
    ) in head


@pytest.mark.parametrize(
    "name,args",
    [
        ("follow:feed", ()),
        ("follow:feed-state", ("MX",)),
        ("follow:feed-commitment", ("1.1",)),
        ("follow:feed-area", (1,)),
    ],
)
def test_a_feed_costs_the_same_queries_at_ten_and_at_a_thousand_reports(client, plan, name, args):
    url = feed_url(name, *args)
    counts = []
    for size in (10, 990):
        make_published_reports(size, seed=size)
        cache.clear()
        current.forget()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 12
