"""The plan's deadlines as iCalendar: one all-day event per commitment with a deadline, with
UIDs that stay the same across requests and languages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from commitments.models import Commitment, DataVersion, ReviewState
from tests.reporting_helpers import make_report

pytestmark = pytest.mark.django_db


def address(name, *args, language="es"):
    with translation.override(language):
        return reverse(name, args=args)


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_one_all_day_event_per_commitment_with_a_deadline(client, plan):
    found = events(client, address("follow:calendar"))
    with_deadline = Commitment.objects.exclude(due_date=None)
    deadlines = {uid for uid in found if uid.startswith("commitment-")}
    assert deadlines == {f"commitment-{c.reference}@127.0.0.1" for c in with_deadline}
    commitment = with_deadline.order_by("reference_key").first()
    event = found[f"commitment-{commitment.reference}@127.0.0.1"]
    assert event.decoded("DTSTART") == commitment.due_date
    assert event.decoded("DTEND") == commitment.due_date + datetime.timedelta(days=1)
    assert not isinstance(event.decoded("DTSTART"), datetime.datetime)  # all day
    assert "DTSTAMP" in event
    link = f"http://127.0.0.1:8000/es/commitments/{commitment.reference}/"
    assert str(event["URL"]) == link
    assert link in str(event["DESCRIPTION"])
    assert commitment.due_label in str(event["DESCRIPTION"])


def test_uids_are_stable_across_requests_and_languages(client, plan):
    spanish = events(client, address("follow:calendar", language="es"))
    again = events(client, address("follow:calendar", language="es"))
    english = events(client, address("follow:calendar", language="en"))
    assert set(spanish) == set(again) == set(english)
    uid = next(iter(spanish))
    assert str(spanish[uid]["SUMMARY"]).startswith("Plazo del compromiso")
    assert str(english[uid]["SUMMARY"]).startswith("Deadline of commitment")


def test_each_calendar_has_a_uid_of_its_own_in_every_language(client, plan):
    """A client that keeps calendars apart by their UID (RFC 7986) tells the plan's, a
    state's and an area's apart, and finds each again in another language."""

    def own_uid(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return str(Calendar.from_ical(response.content)["UID"])

    found = {
        own_uid(address(name, *args, language=language))
        for name, args in (
            ("follow:calendar", ()),
            ("follow:calendar-state", ("AR",)),
            ("follow:calendar-area", (3,)),
        )
        for language in ("es", "en")
    }
    assert found == {
        "calendar-plan@127.0.0.1",
        "calendar-state-ar@127.0.0.1",
        "calendar-area-3@127.0.0.1",
    }


def test_an_area_calendar_holds_its_commitments_only(client, plan):
    found = events(client, address("follow:calendar-area", 3))
    area = Commitment.objects.filter(area__number=3).exclude(due_date=None)
    deadlines = {uid for uid in found if uid.startswith("commitment-")}
    assert deadlines == {f"commitment-{c.reference}@127.0.0.1" for c in area}


def test_a_state_calendar_says_the_states_status(client, official_ar, curator):
    # 8.1 is due in the second half of 2020.
    make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="8.1")
    found = events(client, address("follow:calendar-state", "AR", language="en"))
    event = found["commitment-8.1-ar@127.0.0.1"]
    assert str(event["SUMMARY"]).startswith("Argentina · Deadline of commitment 8.1")
    assert "Argentina: In progress, 40" in str(event["DESCRIPTION"])
    other = next(uid for uid in found if uid != "commitment-8.1-ar@127.0.0.1")
    assert "Argentina has not reported yet." in str(found[other]["DESCRIPTION"])
    assert client.get(address("follow:calendar-state", "ZZ")).status_code == 404


def test_a_draft_does_not_change_a_state_calendar(client, official_ar):
    make_report(official_ar, ReviewState.SUBMITTED, reference="8.1")
    found = events(client, address("follow:calendar-state", "AR", language="en"))
    event = found["commitment-8.1-ar@127.0.0.1"]
    assert "Argentina has not reported yet." in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    "page,calendar",
    [
        (("public:dashboard",), ("follow:calendar",)),
        (("public:state", "AR"), ("follow:calendar-state", "AR")),
        (("public:area", 3), ("follow:calendar-area", 3)),
    ],
)
def test_the_dashboard_states_and_areas_link_their_calendar(client, plan, page, calendar):
    html = client.get(address(*page)).content.decode()
    assert f'href="{address(*calendar)}"' in html


def test_a_calendar_is_the_same_bytes_until_the_data_changes(
    client, settings, official_ar, curator
):
    """Its ETag is the data versions': rendered again (no page cache) under the same versions
    it is byte for byte the same, stamped with the time of the last change; a publication
    gives new bytes and a later stamp."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    changed = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
    DataVersion.objects.update(changed_at=changed)
    url = address("follow:calendar-state", "AR", language="en")
    first, again = client.get(url), client.get(url)
    assert first.content == again.content
    assert first["ETag"] == again["ETag"]
    stamp = Calendar.from_ical(first.content).walk("VEVENT")[0].decoded("DTSTAMP")
    assert stamp == changed == DataVersion.last_changed()
    make_report(official_ar, ReviewState.PUBLISHED, curator=curator, reference="8.1")
    after = client.get(url)
    assert after["ETag"] != first["ETag"]
    assert Calendar.from_ical(after.content).walk("VEVENT")[0].decoded("DTSTAMP") > stamp


@pytest.mark.parametrize(
    "page, label, calendar, name",
    [
        (
            ("public:dashboard",),
            "Calendar of deadlines and milestones (iCalendar)",
            ("follow:calendar",),
            "CELAC PPT 2020: deadlines and milestones of the work plan",
        ),
        (
            ("public:area", 13),
            "Calendar of deadlines and milestones (iCalendar)",
            ("follow:calendar-area", 13),
            "CELAC PPT 2020: deadlines and milestones, work area 13",
        ),
        (
            ("public:state", "AR"),
            "Calendar of deadlines (iCalendar)",
            ("follow:calendar-state", "AR"),
            "CELAC PPT 2020: deadlines, Argentina",
        ),
    ],
)
def test_a_calendar_holding_milestones_says_so_in_its_link_and_its_name(
    client, plan, page, label, calendar, name
):
    html = client.get(address(*page, language="en")).content.decode()
    assert f'type="text/calendar">{label}</a>' in html
    response = client.get(address(*calendar, language="en"))
    parsed = Calendar.from_ical(response.content)
    assert str(parsed["X-WR-CALNAME"]) == name
    has_milestones = any(
        str(event["UID"]).startswith("milestone-") for event in parsed.walk("VEVENT")
    )
    assert has_milestones == ("milestones" in name)
    assert ("milestones" in str(parsed["X-WR-CALDESC"])) == has_milestones
