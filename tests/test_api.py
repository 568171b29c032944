"""The read-only API: the pages' figures as JSON, published reports only, fixed query
counts, ETags and 304, pagination, filters and the rate limit."""

import io
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from api import urls as api_urls
from commitments.models import Commitment, Evidence, ProgressReport, ReviewState
from commitments.services import columns
from commitments.services.reports import rebuild_current_progress
from follow import urls as follow_urls
from indicators.models import IndicatorValue
from tests.progress_data import make_published_reports
from tests.test_dashboard import published, report

pytestmark = pytest.mark.django_db

# Absolute links name the portal's public address, whatever host asked.
SITE = settings.SITE_URL.rstrip("/")


@pytest.fixture(autouse=True)
def fresh_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_root_links_every_collection(client, plan):
    data = get_json(client, "/api/v1/")
    assert data["commitments"] == f"{SITE}/api/v1/commitments/"
    assert data["schema"] == f"{SITE}/api/schema.json"
    for url in data.values():
        assert client.get(url).status_code == 200


def test_commitment_list_gives_the_downloads_rows_and_figures(client, plan):
    published("1.1", "MX", 40)
    published("1.1", "AR", 60)
    data = get_json(client, "/api/v1/commitments/?page_size=500")
    assert data["count"] == 34 and data["next"] is None and data["previous"] is None
    first = data["results"][0]
    assert list(first) == columns.COMMITMENT_COLUMNS
    download = client.get("/commitments/data.json").json()["rows"]
    assert data["results"] == download
    assert first["reference"] == "1.1" and first["mean_percentage"] == 50.0
    assert (first["states_reported"], first["states_total"]) == (2, 33)
    assert first["url"] == f"{SITE}/es/commitments/1.1/"


def test_commitment_list_takes_the_pages_filters(client, plan):
    published("1.1", "MX", 40)
    data = get_json(client, "/api/v1/commitments/?area=1&state=MX&sort=-progress")
    assert {row["area_number"] for row in data["results"]} == {1}
    assert data["results"][0]["reference"] == "1.1"
    assert data["results"][0]["scope"] == "MX"
    assert data["results"][0]["mean_percentage"] == 40.0


def test_a_bad_filter_is_a_400_that_names_it(client, plan):
    data = get_json(client, "/api/v1/commitments/?area=99&due_after=tomorrow", status=400)
    assert set(data["errors"]) == {"area", "due_after"}


def test_pages_link_to_each_other_and_a_page_past_the_last_is_a_404(client, plan):
    everything = get_json(client, "/api/v1/commitments/?page_size=10")
    assert everything["next"] == f"{SITE}/api/v1/commitments/?page=2&page_size=10"
    second = get_json(client, everything["next"])
    assert second["previous"] == f"{SITE}/api/v1/commitments/?page_size=10"
    refs = [row["reference"] for row in everything["results"] + second["results"]]
    assert len(set(refs)) == 20
    assert get_json(client, "/api/v1/commitments/?page=99", status=404)["detail"]


def test_unknown_addresses_are_json_404s(client, plan):
    for url in (
        "/api/v1/commitments/99.9/",
        "/api/v1/states/ZZ/",
        "/api/v1/areas/99/",
        "/api/v1/axes/99/",
        "/api/v1/agencies/NOPE/",
        "/api/v1/reports/99999/",
        "/api/v1/nothing/",
    ):
        assert "detail" in get_json(client, url, status=404)


def test_commitment_detail_holds_each_states_figure(client, plan):
    published("1.1", "MX", 40)
    data = get_json(client, "/api/v1/commitments/1.1/")
    assert data["mean_percentage"] == 40.0
    mexico = next(item for item in data["states"] if item["member_state_iso"] == "MX")
    assert mexico["percentage"] == 40.0 and "/es/reports/" in mexico["report_url"]
    assert len(data["states"]) == 33


def test_groups_and_states_carry_the_pages_figures(client, plan):
    published("1.1", "MX", 40)
    area = get_json(client, "/api/v1/areas/1/")
    assert area["progress"]["mean_percentage"] == 40.0
    assert area["progress"]["commitments_reported"] == 1
    axes = get_json(client, "/api/v1/axes/")["results"]
    assert any(axis["progress"]["mean_percentage"] == 40.0 for axis in axes)
    agencies = get_json(client, "/api/v1/agencies/")["results"]
    acronym = next(a["acronym"] for a in agencies if 1 in a["area_numbers"])
    assert get_json(client, f"/api/v1/agencies/{acronym}/")["progress"]["mean_percentage"] == 40.0
    states = get_json(client, "/api/v1/states/?page_size=100")
    assert states["count"] == 33
    mexico = get_json(client, "/api/v1/states/mx/")
    assert mexico["mean_percentage"] == 40.0 and mexico["commitments_reported"] == 1
    assert mexico["areas"][0]["mean_percentage"] == 40.0
    cells = get_json(client, "/api/v1/matrix/?page_size=500")
    assert cells["count"] == 33 * 14
    assert cells["results"] == client.get("/open-data/matrix.json").json()["rows"]


def test_nothing_unpublished_ever_shows(client, plan):
    shown = published("1.1", "MX", 40, narrative="Publicado.")
    Evidence.objects.create(report=shown, title="Acta", url="https://example.org/acta")
    hidden = []
    # One open report per commitment × state: each unpublished state from a state of its own.
    for state, iso_code in (
        (ReviewState.DRAFT, "AR"),
        (ReviewState.SUBMITTED, "BR"),
        (ReviewState.RETURNED, "CL"),
    ):
        item = report("2.1", iso_code, 90, review_state=state, narrative=f"SECRET-{state}")
        Evidence.objects.create(
            report=item, title=f"SECRET-EVIDENCE-{state}", file=ContentFile(b"x", name="s.pdf")
        )
        hidden.append(item)
    everything = b"".join(
        client.get(url).content
        for url in (
            "/api/v1/reports/",
            "/api/v1/commitments/?page_size=500",
            "/api/v1/commitments/2.1/",
            "/api/v1/states/AR/",
            "/api/v1/matrix/?page_size=500",
            "/api/v1/history/",
            "/api/v1/areas/1/",
        )
    )
    assert b"SECRET" not in everything
    reports = get_json(client, "/api/v1/reports/")
    assert [item["report_id"] for item in reports["results"]] == [shown.pk]
    assert reports["results"][0]["evidence"][0]["url"] == "https://example.org/acta"
    for item in hidden:
        get_json(client, f"/api/v1/reports/{item.pk}/", status=404)
    assert get_json(client, "/api/v1/commitments/2.1/")["states_reported"] == 0


def test_a_published_files_evidence_links_to_its_download(client, plan):
    shown = published("1.1", "MX", 40)
    item = Evidence.objects.create(
        report=shown,
        title="Informe",
        file=ContentFile(b"%PDF", name="i.pdf"),
        content_type="application/pdf",
        size=4,
    )
    data = get_json(client, f"/api/v1/reports/{shown.pk}/")
    [evidence] = data["evidence"]
    assert evidence["kind"] == "file" and evidence["size"] == 4
    assert evidence["url"] == f"{SITE}/es/evidence/{item.pk}/"
    assert client.get(evidence["url"]).status_code == 200


def test_reports_filter_by_state_and_commitment(client, plan):
    published("1.1", "MX", 40)
    published("2.1", "AR", 60)
    assert get_json(client, "/api/v1/reports/?state=mx")["count"] == 1
    assert get_json(client, "/api/v1/reports/?commitment=2.1")["count"] == 1
    assert get_json(client, "/api/v1/reports/?state=ZZ")["count"] == 0


def test_history_is_the_plans_figure_by_month_of_reporting_date(client, plan):
    import datetime

    first = published("1.1", "MX", 40)
    second = published("2.1", "AR", 60)
    ProgressReport.objects.filter(pk=first.pk).update(reported_on=datetime.date(2020, 3, 15))
    ProgressReport.objects.filter(pk=second.pk).update(reported_on=datetime.date(2020, 5, 2))
    rebuild_current_progress()
    history = get_json(client, "/api/v1/history/")
    assert history[0]["month"] == "2020-03" and history[2]["month"] == "2020-05"
    assert [month["mean_percentage"] for month in history[:3]] == [40.0, 40.0, 50.0]
    assert history[2]["states_reported"] == 2 and history[2]["pairs_reported"] == 2
    assert history[-1]["month"] == timezone.localdate().strftime("%Y-%m")


URLS = [
    "/api/v1/",
    "/api/v1/axes/",
    "/api/v1/axes/2/",
    "/api/v1/areas/",
    "/api/v1/areas/1/",
    "/api/v1/agencies/",
    "/api/v1/agencies/SRE/",
    "/api/v1/commitments/",
    "/api/v1/commitments/?state=MX&sort=-progress",
    "/api/v1/commitments/1.1/",
    "/api/v1/states/",
    "/api/v1/states/MX/",
    "/api/v1/matrix/",
    "/api/v1/reports/",
    "/api/v1/reports/?state=MX",
    "/api/v1/history/",
    "/api/v1/reports/REPORT/",
    "/api/v1/milestones/",
    "/api/v1/milestones/?area=13&status=planned",
    "/api/v1/indicators/",
    "/api/v1/indicators/INDICATOR/",
    "/api/v1/indicator-values/?state=AR",
]


def test_the_query_counts_are_checked_on_every_list_and_detail():
    """A new address of the API joins URLS, or this fails."""
    from django.urls import resolve

    paths = (re.sub("REPORT|INDICATOR", "1", url.split("?", 1)[0]) for url in URLS)
    checked = {resolve(path).url_name for path in paths}
    assert {pattern.name for pattern in api_urls.urlpatterns if pattern.name} - checked == {
        "schema-json",
        "schema-yaml",
    }


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_the_reports(
    client, plan, url, django_assert_max_num_queries, official_ar, official_mx, curator
):
    from commitments.models import Milestone
    from commitments.services import current
    from tests.test_indicators import make_indicator, make_value

    PUBLISHED = ReviewState.PUBLISHED
    indicator = make_indicator()
    counts = []
    for size in (10, 500):
        ProgressReport.objects.all().delete()
        make_published_reports(size, seed=size)
        # As many milestones and published indicator values as the size asks for, a tenth.
        Milestone.objects.filter(title_es__startswith="Reunión de seguimiento").delete()
        Milestone.objects.bulk_create(
            Milestone(
                commitment_id=Commitment.objects.get(reference="13.1").pk,
                title=f"Reunión de seguimiento {number}",
                title_es=f"Reunión de seguimiento {number}",
                planned_text="2020",
                planned_text_es="2020",
                place="",
                place_es="",
            )
            for number in range(size // 10)
        )
        IndicatorValue.objects.all().delete()
        periods = ["2020-S1"] if size == 10 else ["2019", "2020-S1", "2020-S2"]
        for official in (official_ar, official_mx):
            for period in periods:
                make_value(official, indicator, period=period, curator=curator, to=PUBLISHED)
        current.forget()
        address = url.replace(
            "REPORT", str(ProgressReport.objects.order_by("pk").first().pk)
        ).replace("INDICATOR", str(indicator.pk))
        client.get(address)  # the plan and figures are read once per process, then kept
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        assert client.get(address).status_code == 200


def test_responses_carry_a_strong_etag_and_revalidate(client, plan, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 3600
    first = client.get("/api/v1/commitments/", headers={"Accept": "text/html"})
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    etag = first["ETag"]
    assert etag.startswith('"') and "public" in first["Cache-Control"]
    again = client.get("/api/v1/commitments/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    gzipped = client.get("/api/v1/commitments/", headers={"Accept-Encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"
    published("1.1", "MX", 40)
    changed = client.get("/api/v1/commitments/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_any_accept_header_gets_the_same_json(client, plan):
    bodies = {
        client.get("/api/v1/areas/", headers={"Accept": accept}).content
        for accept in ("application/json", "text/html", "application/xml", "*/*")
    }
    assert len(bodies) == 1
    assert client.get("/api/v1/areas/?format=api").json()["count"] == 14


def test_anonymous_clients_are_throttled(client, plan, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    for _ in range(3):
        assert client.get("/api/v1/areas/").status_code == 200
    throttled = client.get("/api/v1/areas/")
    assert throttled.status_code == 429
    assert throttled["Retry-After"] and "detail" in throttled.json()
    assert "no-store" in throttled["Cache-Control"]


def readme_examples():
    """The `curl` commands of the README's "Open data and API" section, with their addresses
    made local: (method, path, headers) for each."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Open data and API", 1)[1].split("\n### ", 1)[0]
    examples = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        variables = dict(re.findall(r"^(\w+)=(http\S+)$", block, re.M))
        for command in re.findall(r"curl [^#;\n]*", block):
            words = shlex.split(command.strip())
            address = next(word for word in words if "$" in word[:5] or word.startswith("http"))
            for name, value in variables.items():
                address = address.replace(f"${name}", value)
            headers = {
                name.strip(): value.strip()
                for flag, header in zip(words, words[1:], strict=False)
                if flag == "-H"
                for name, value in [header.split(":", 1)]
            }
            method = "head" if {"-I", "-sI"} & set(words) else "get"
            examples.append((method, address.removeprefix("http://127.0.0.1:8000"), headers))
    return examples


def test_the_readme_has_a_working_curl_example_for_every_address(client, plan, settings):
    """Each `curl` of the README answers as written (only the ids of the demo's report and
    indicator are this database's), and every API address, feed and calendar has one."""
    from django.core.management import call_command
    from django.urls import resolve

    from indicators.models import Indicator

    settings.DEBUG = True  # seed_demo runs only in development
    call_command("seed_demo", stdout=io.StringIO())
    ids = {
        "report": str(ProgressReport.objects.filter(review_state=ReviewState.PUBLISHED).first().pk),
        "indicator": str(Indicator.objects.order_by("pk").first().pk),
    }
    examples = readme_examples()
    assert len(examples) >= 30
    named = set()
    for method, address, headers in examples:
        address = re.sub(r"/reports/\d+/", f"/reports/{ids['report']}/", address)
        address = re.sub(r"/indicators/\d+/", f"/indicators/{ids['indicator']}/", address)
        address = re.sub(r"indicator=\d+", f"indicator={ids['indicator']}", address)
        expected = 200
        if headers.get("If-None-Match") == "$ETAG":
            headers["If-None-Match"] = client.get(address)["ETag"]
            expected = 304
        response = getattr(client, method)(address, headers=headers)
        assert response.status_code == expected, (address, response.content[:300])
        match = resolve(address.split("?", 1)[0])
        named.add(f"{match.namespace}:{match.url_name}")
    api = {f"api:{pattern.name}" for pattern in api_urls.urlpatterns if pattern.name}
    assert api - named == set()
    feeds = {f"follow:{pattern.name}" for pattern in follow_urls.public}
    assert feeds - named == set()
