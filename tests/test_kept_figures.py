"""The plan and its figures each process keeps between pages are never older than the database.

The page cache is off in these tests: every page is rendered, so what they check is the
kept plan and figures alone (commitments.services.current).
"""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from areas.models import Agency, WorkArea
from commitments.models import (
    Commitment,
    CurrentProgress,
    DataVersion,
    MemberState,
    ProgressReport,
    ReviewState,
    Status,
)
from commitments.services import current
from commitments.services.reports import publish, rebuild_current_progress


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def page(client, url="/", lang="en"):
    """The page at ``url`` (an address without its language), in English unless ``lang``."""
    response = client.get(f"/{lang}{url}")
    assert response.status_code == 200
    return response.content.decode()


def tables_read(client, url="/"):
    with CaptureQueriesContext(connection) as captured:
        page(client, url)
    return " ".join(query["sql"] for query in captured.captured_queries)


def submitted(reference, iso_code, percentage, status=Status.IN_PROGRESS):
    return ProgressReport.objects.create(
        commitment=Commitment.objects.get(reference=reference),
        member_state=MemberState.objects.get(iso_code=iso_code),
        status=status,
        percentage=percentage,
        reported_on=datetime.date(2020, 6, 30),
        review_state=ReviewState.SUBMITTED,
    )


def reported_states(html):
    # The dashboard's "… of 33 member states have reported" figure, e.g. "1 of 33".
    return re.search(r"(\d+ of \d+) member states have reported\.", html).group(1)


def test_a_page_after_nothing_changed_reads_neither_the_plan_nor_the_current_states(client, plan):
    first = tables_read(client)
    assert "areas_workarea" in first and "commitments_currentprogress" in first
    again = tables_read(client)
    # One read of the data versions serves both the page's ETag and its figures.
    assert again.count("commitments_dataversion") == 1
    assert "areas_workarea" not in again
    assert "commitments_commitment" not in again
    assert "commitments_currentprogress" not in again


def test_a_published_report_shows_on_the_next_page(client, plan):
    assert reported_states(page(client)) == "0 of 33"
    publish(submitted("1.1", "MX", 40))
    html = page(client)
    assert reported_states(html) == "1 of 33"
    assert "40 %" in page(client, "/commitments/1.1/")


def test_current_states_rebuilt_in_bulk_show_on_the_next_page(client, plan):
    page(client)
    ProgressReport.objects.create(
        commitment=Commitment.objects.get(reference="2.1"),
        member_state=MemberState.objects.get(iso_code="AR"),
        status=Status.COMPLETED,
        percentage=100,
        reported_on=datetime.date(2020, 6, 30),
        review_state=ReviewState.PUBLISHED,
        published_at=timezone.now(),
    )
    rebuild_current_progress()  # one INSERT … SELECT: no model signal
    assert CurrentProgress.objects.count() == 1
    assert reported_states(page(client)) == "1 of 33"


def test_a_curated_area_name_shows_on_the_next_page(client, plan):
    assert "Cooperación en salud" not in page(client)
    area = WorkArea.objects.get(number=9)
    area.name = "Cooperación en salud"
    area.save()
    assert "Cooperación en salud" in page(client)


def test_an_agency_given_an_area_shows_in_its_breakdown_on_the_next_page(client, plan):
    agency = Agency.objects.create(acronym="XYZ", name="Agencia de prueba")
    assert 'href="/en/agencies/XYZ/"' not in page(client)  # it holds no area yet
    WorkArea.objects.get(number=3).agencies.add(agency)
    assert 'href="/en/agencies/XYZ/"' in page(client)


def test_a_renamed_member_state_shows_on_the_next_page(client, plan):
    page(client, lang="es")
    MemberState.objects.filter(iso_code="MX").update(name="Estados Unidos Mexicanos")
    # A queryset update sends no signal; saving the row as the admin does sends one.
    state = MemberState.objects.get(iso_code="MX")
    state.save()
    # The Spanish page shows the name the data holds (the others, CLDR's).
    assert "Estados Unidos Mexicanos" in page(client, lang="es")


def test_a_change_rolled_back_leaves_the_pages_as_the_database_is(client, plan):
    page(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        area = WorkArea.objects.get(number=9)
        area.name = "Nombre que nunca se guardó"
        area.save()
        assert "Nombre que nunca se guardó" in page(client)  # seen inside its transaction
        raise RuntimeError
    assert "Nombre que nunca se guardó" not in page(client)


def test_every_change_to_a_plan_row_or_a_current_state_gives_a_new_token(plan):
    def tokens():
        return dict(DataVersion.objects.values_list("name", "token"))

    before = tokens()
    Commitment.objects.get(reference="1.1").save()
    after_plan = tokens()
    assert after_plan[DataVersion.PLAN] != before[DataVersion.PLAN]
    assert after_plan[DataVersion.PROGRESS] == before[DataVersion.PROGRESS]
    publish(submitted("1.1", "MX", 40))
    after_publish = tokens()
    assert after_publish[DataVersion.PROGRESS] != after_plan[DataVersion.PROGRESS]
    assert after_publish[DataVersion.PLAN] == after_plan[DataVersion.PLAN]


def test_the_figures_are_computed_again_on_a_new_day(client, plan, monkeypatch):
    publish(submitted("1.1", "MX", 40))
    page(client)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(current.timezone, "localdate", lambda: tomorrow)
    assert "commitments_currentprogress" in tables_read(client)
    _plan, rollup = current.current()
    assert rollup.today == tomorrow


def test_without_keeping_every_page_reads_everything(client, plan, settings):
    settings.KEEP_PUBLIC_FIGURES = False
    page(client)
    again = tables_read(client)
    assert "areas_workarea" in again and "commitments_currentprogress" in again
    # The data versions are read once, for the page's ETag, not again for the figures.
    assert again.count("commitments_dataversion") == 1


@pytest.mark.django_db(transaction=True)
def test_pages_are_kept_again_after_the_database_was_flushed(client):
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", "ppt2020", verbosity=0)
    current.forget()
    tables_read(client)
    assert "commitments_currentprogress" not in tables_read(client)
