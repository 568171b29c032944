"""Milestones: the plan's events, when the plan places them, and whether they were held."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from commitments.models import Commitment, DataVersion, Milestone, MilestoneStatus
from commitments.services.milestones import CHANGED, CREATED, DELETED, recent_milestone_changes

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
FIXTURE_FILE = ROOT / "fixtures" / "ppt2020-milestones.json"
SOURCE_FILE = ROOT / "docs" / "source" / "propuesta-ppt2020-celac.txt"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are read in English (each page's address still sets its own language)."""
    with translation.override("en"):
        yield


def normalise(text):
    return " ".join(text.split())


def ocean_forum():
    return Milestone.objects.get(commitment__reference="13.1")


def milestone(**fields):
    defaults = {
        "commitment": Commitment.objects.get(reference="1.1"),
        "title": "Reunión de prueba",
        "status": MilestoneStatus.PLANNED,
    }
    return Milestone(**{**defaults, **fields})


def messages_of(error):
    return [str(message) for messages in error.message_dict.values() for message in messages]


# --- The fixture: the events the plan names, in its words -----------------------------


def test_every_milestone_of_the_fixture_is_worded_as_the_source_words_it():
    source = normalise(SOURCE_FILE.read_text(encoding="utf-8"))
    records = json.loads(FIXTURE_FILE.read_text(encoding="utf-8"))
    assert len(records) >= 10
    for record in records:
        fields = record["fields"]
        assert "pk" not in record
        assert fields["status"] == "planned"
        if fields["planned_text"]:
            assert normalise(fields["planned_text"]) in source, fields["planned_text"]
        # A title or place starts a sentence here and may be mid-sentence in the source.
        for name in ("title", "place"):
            if fields[name]:
                assert normalise(fields[name]).casefold() in source.casefold(), fields[name]
        assert (fields["planned_start"] is None) == (fields["planned_end"] is None)


def test_the_plans_named_events_are_loaded_with_the_plan(plan):
    by_title = {m.title_es: m for m in Milestone.objects.select_related("commitment")}
    forum = by_title["Foro regional sobre economía oceánica sostenible"]
    assert forum.commitment.reference == "13.1"
    assert forum.planned_text_es == "segundo semestre de 2020"
    assert (forum.planned_start, forum.planned_end) == (
        datetime.date(2020, 7, 1),
        datetime.date(2020, 12, 31),
    )
    china = by_title["Foro Ministerial CELAC-China"]
    assert (china.planned_text_es, china.place_es) == (
        "segundo semestre de 2020",
        "Feria de Shanghái",
    )
    assert by_title["Primer Encuentro CELAC de la innovación"].planned_text_es == "marzo de 2020"
    assert (
        "75° AGONU"
        in by_title[
            "Reunión de la CELAC, en ocasión del Debate General de la 75° AGONU"
        ].planned_text_es
    )
    for title in (
        "Encuentro aeroespacial con sede en México",
        "Primer Encuentro CELAC de Rectores",
        "Cumbre Mundial de arqueología",
    ):
        assert title in by_title
    assert {m.status for m in by_title.values()} == {MilestoneStatus.PLANNED}


def test_loading_the_milestones_twice_changes_nothing(plan):
    before = sorted(Milestone.objects.values_list("pk", "title_es"))
    call_command("loaddata", "ppt2020-milestones", verbosity=0)
    assert sorted(Milestone.objects.values_list("pk", "title_es")) == before


def test_ensure_plan_loads_the_milestones_too(db):
    call_command("ensure_plan")
    assert ocean_forum().planned_text_es == "segundo semestre de 2020"


# --- Validation ---------------------------------------------------------------------------


def test_a_held_milestone_needs_the_date_it_was_held(plan):
    with pytest.raises(ValidationError) as error:
        milestone(status=MilestoneStatus.HELD).full_clean()
    assert "Give the date the event was held." in messages_of(error.value)


def test_the_date_held_cannot_be_in_the_future(plan):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        milestone(status=MilestoneStatus.HELD, actual_date=tomorrow).full_clean()
    assert "The date an event was held cannot be in the future." in messages_of(error.value)


def test_only_a_held_milestone_has_a_date_held(plan):
    with pytest.raises(ValidationError) as error:
        milestone(
            status=MilestoneStatus.POSTPONED, actual_date=datetime.date(2020, 9, 1)
        ).full_clean()
    assert any("Only a held event has a date held" in m for m in messages_of(error.value))


def test_a_planned_period_ends_after_it_starts(plan):
    with pytest.raises(ValidationError) as error:
        milestone(
            planned_start=datetime.date(2020, 12, 31), planned_end=datetime.date(2020, 7, 1)
        ).full_clean()
    assert "The planned period cannot end before it starts." in messages_of(error.value)


def test_the_outcome_link_is_checked_as_evidence_links_are(plan):
    with pytest.raises(ValidationError) as error:
        milestone(document_url="https://usuario:clave@example.org/acta.pdf").full_clean()
    assert any("user name or password" in message for message in messages_of(error.value))
    with pytest.raises(ValidationError) as error:
        milestone(document_url="javascript:alert(1)").full_clean()
    assert any("is not a web address" in message for message in messages_of(error.value))


def test_the_outcome_file_is_checked_and_named_as_evidence_files_are(plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wrong = milestone(document_file=SimpleUploadedFile("acta.pdf", b"no soy un PDF"))
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert any("is not a PDF, an image" in message for message in messages_of(error.value))
    right = milestone(document_file=SimpleUploadedFile("acta final.pdf", PDF))
    right.full_clean()
    right.save()
    assert right.document_content_type == "application/pdf"
    assert right.document_size == len(PDF)
    assert right.document_file.name.startswith("milestones/1.1/")
    assert right.document_file.name.endswith(".pdf") and "acta" not in right.document_file.name


def test_the_database_refuses_a_held_milestone_without_its_date(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone(status=MilestoneStatus.HELD).save()


def test_every_change_is_kept_in_the_history(plan):
    forum = ocean_forum()
    forum.status = MilestoneStatus.POSTPONED
    forum.save()
    forum.status = MilestoneStatus.CANCELLED
    forum.save()
    assert [r.status for r in forum.history.all()] == ["cancelled", "postponed"]


# --- What changed since a date --------------------------------------------------------------


def test_recent_milestone_changes_lists_what_changed_since_a_date(plan, django_assert_num_queries):
    forum = ocean_forum()
    forum.save()  # its first record, as any change in the admin makes one
    since = timezone.now()
    forum.status, forum.actual_date, forum.place = (
        MilestoneStatus.HELD,
        datetime.date(2020, 11, 20),
        "Ciudad de México",
    )
    forum.save()
    forum.save()  # saved again without a change: nothing more to tell
    created = milestone(title="Reunión preparatoria")
    created.save()
    gone = Milestone.objects.get(title_es="Cumbre Mundial de arqueología")
    gone.delete()
    with django_assert_num_queries(1):
        changes = recent_milestone_changes(since)
    assert [(c.kind, c.milestone.title_es) for c in changes] == [
        (DELETED, "Cumbre Mundial de arqueología"),
        (CREATED, "Reunión preparatoria"),
        (CHANGED, "Foro regional sobre economía oceánica sostenible"),
    ]
    assert set(changes[2].fields) == {"status", "actual_date", "place"}
    assert changes[2].milestone.commitment.reference == "13.1"
    assert changes[2].milestone.status == MilestoneStatus.HELD
    assert recent_milestone_changes(timezone.now()) == []


# --- Public pages ---------------------------------------------------------------------------


def test_the_page_of_commitment_13_1_shows_its_milestone_timeline(client, plan):
    response = client.get("/es/commitments/13.1/")
    assert response.status_code == 200
    page = response.content.decode()
    timeline = page.split('id="milestones-heading"', 1)[1].split("</section>", 1)[0]
    assert "Foro regional sobre economía oceánica sostenible" in timeline
    assert '<span lang="es">segundo semestre de 2020</span>' in timeline
    assert 'datetime="2020-07-01"' in timeline and 'datetime="2020-12-31"' in timeline
    assert '<span class="badge badge-planned">Previsto</span>' in timeline
    # Its sub-commitment's milestone is there too, with its reference.
    assert "Conferencia de “Our Ocean”" in timeline and "13.1.3" in timeline
    # Above the reports' timeline.
    assert page.index('id="milestones-heading"') < page.index('id="timeline-heading"')


def test_a_held_milestone_shows_its_date_place_outcome_and_note(client, plan):
    forum = ocean_forum()
    forum.status, forum.actual_date = MilestoneStatus.HELD, datetime.date(2020, 11, 20)
    forum.place, forum.note = "Ciudad de México", "Se adoptó una declaración final."
    forum.document_url = "https://example.org/declaracion.pdf"
    forum.save()
    page = client.get("/en/commitments/13.1/").content.decode()
    assert '<span class="badge badge-held">Held</span>' in page
    assert '<time datetime="2020-11-20">' in page
    assert "Ciudad de México" in page and "Se adoptó una declaración final." in page
    assert 'href="https://example.org/declaracion.pdf" rel="nofollow noopener"' in page


def test_an_uploaded_outcome_document_is_downloaded_from_the_portal(
    client, plan, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    forum = ocean_forum()
    forum.document_file = SimpleUploadedFile("acta.pdf", PDF)
    forum.save()
    with translation.override("es"):
        address = reverse("public:milestone_document", args=[forum.pk])
    assert f'href="{address}"' in client.get("/es/commitments/13.1/").content.decode()
    response = client.get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    other = Milestone.objects.exclude(pk=forum.pk).first()
    assert client.get(reverse("public:milestone_document", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("lang", "title", "when", "mark"),
    [
        ("en", "CELAC-China Ministerial Forum", "second half of 2020", "unofficial translation"),
        ("pt", "Fórum Ministerial CELAC-China", "segundo semestre de 2020", "tradução não oficial"),
        (
            "fr",
            "Forum ministériel CELAC-Chine",
            "second semestre 2020",
            "traduction non officielle",
        ),
    ],
)
def test_a_milestone_reads_in_the_reader_s_language_beside_its_spanish_original(
    client, plan, lang, title, when, mark
):
    page = client.get(f"/{lang}/commitments/8.1/").content.decode()
    timeline = page.split('id="milestones-heading"', 1)[1].split("</section>", 1)[0]
    assert f'<span lang="{lang}">{title}</span> <span class="tag-unofficial">{mark}</span>' in (
        timeline
    )
    assert '<span class="plan-original" lang="es">Foro Ministerial CELAC-China</span>' in timeline
    assert f'<span lang="{lang}">{when}</span>' in timeline
    assert '<span class="plan-original" lang="es">Feria de Shanghái</span>' in timeline


def test_a_milestone_reads_in_spanish_on_the_spanish_page(client, plan):
    page = client.get("/es/commitments/8.1/").content.decode()
    timeline = page.split('id="milestones-heading"', 1)[1].split("</section>", 1)[0]
    assert '<span lang="es">Foro Ministerial CELAC-China</span>' in timeline
    assert "tag-unofficial" not in timeline and "Ministerial Forum" not in timeline


def test_a_commitment_without_milestones_has_no_milestone_section(client, plan):
    assert 'id="milestones-heading"' not in client.get("/es/commitments/2.1/").content.decode()


def test_the_area_page_lists_its_commitments_milestones(client, plan):
    page = client.get("/es/areas/9/").content.decode()
    timeline = page.split('id="milestones-heading"', 1)[1].split("</section>", 1)[0]
    assert "Reunión de la CELAC, en ocasión del Debate General de la 75° AGONU" in timeline
    assert "Reunión con socios extra-regionales" in timeline
    assert 'href="/es/commitments/9.1/"' in timeline


def test_a_milestone_change_shows_on_the_next_page(client, plan):
    assert "badge-held" not in client.get("/en/commitments/13.1/").content.decode()
    before = DataVersion.read()[DataVersion.PLAN]
    forum = ocean_forum()
    forum.status, forum.actual_date = MilestoneStatus.HELD, datetime.date(2020, 11, 20)
    forum.save()
    assert DataVersion.read()[DataVersion.PLAN] != before
    assert (
        '<span class="badge badge-held">Held</span>'
        in client.get("/en/commitments/13.1/").content.decode()
    )
    assert "badge-held" in client.get("/en/areas/13/").content.decode()
    forum.delete()
    assert "Foro regional sobre economía" not in client.get("/en/areas/13/").content.decode()


# --- Admin ------------------------------------------------------------------------------------


def test_a_curator_records_a_milestone_as_held_in_the_admin(client_of, curator):
    client = client_of(curator)
    assert client.get(reverse("admin:commitments_milestone_changelist")).status_code == 200
    listed = client.get(
        reverse("admin:commitments_milestone_changelist"), {"status__exact": "planned"}
    )
    assert listed.context["cl"].result_count == Milestone.objects.count()
    forum = ocean_forum()
    url = reverse("admin:commitments_milestone_change", args=[forum.pk])
    assert client.get(url).status_code == 200
    data = {
        "commitment": forum.commitment_id,
        **{
            f"{field}_{lang}": getattr(forum, f"{field}_{lang}") or ""
            for field in ("title", "planned_text", "place")
            for lang in ("es", "en", "pt", "fr")
        },
        "planned_start": "2020-07-01",
        "planned_end": "2020-12-31",
        "status": "held",
        "actual_date": "",
        "place_es": "Ciudad de México",
        "document_url": "",
        "note": "",
    }
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "Give the date the event was held." in refused.content.decode()
    assert ocean_forum().status == MilestoneStatus.PLANNED  # nothing written
    response = client.post(url, {**data, "actual_date": "2020-11-20"})
    assert response.status_code == 302
    forum = ocean_forum()
    assert (forum.status, forum.actual_date) == (MilestoneStatus.HELD, datetime.date(2020, 11, 20))
    assert forum.history.first().status == MilestoneStatus.HELD
    history = client.get(reverse("admin:commitments_milestone_history", args=[forum.pk]))
    assert history.status_code == 200


def test_the_commitment_admin_lists_its_milestones_inline(client_of, curator):
    commitment = Commitment.objects.get(reference="13.1")
    page = client_of(curator).get(
        reverse("admin:commitments_commitment_change", args=[commitment.pk])
    )
    assert page.status_code == 200
    assert "Foro regional sobre economía oceánica sostenible" in page.content.decode()


def test_an_official_cannot_open_the_milestones_admin(client_of, official_mx):
    client = client_of(official_mx)
    for url in (
        reverse("admin:commitments_milestone_changelist"),
        reverse("admin:commitments_milestone_change", args=[ocean_forum().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_curators_hold_every_milestone_permission(curator):
    for action in ("view", "add", "change", "delete"):
        assert curator.has_perm(f"commitments.{action}_milestone")


# --- Calendar ---------------------------------------------------------------------------------


def calendar_events(client, url):
    from icalendar import Calendar

    response = client.get(url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_calendar_holds_each_dated_milestone_as_an_all_day_event(client, plan):
    forum = ocean_forum()
    events = calendar_events(client, "/es/calendar.ics")
    event = events[f"milestone-{forum.pk}@127.0.0.1"]
    assert str(event["SUMMARY"]) == "Foro regional sobre economía oceánica sostenible"
    # The planned period, all day: DTEND is the day after its last day.
    assert event.decoded("DTSTART") == datetime.date(2020, 7, 1)
    assert event.decoded("DTEND") == datetime.date(2021, 1, 1)
    assert not isinstance(event.decoded("DTSTART"), datetime.datetime)
    assert str(event["STATUS"]) == "TENTATIVE"
    link = "http://127.0.0.1:8000/es/commitments/13.1/"
    assert str(event["URL"]) == link and link in str(event["DESCRIPTION"])
    assert "segundo semestre de 2020" in str(event["DESCRIPTION"])
    china = Milestone.objects.get(title_es="Foro Ministerial CELAC-China")
    assert str(events[f"milestone-{china.pk}@127.0.0.1"]["LOCATION"]) == "Feria de Shanghái"
    undated = Milestone.objects.get(title_es="Cumbre Mundial de arqueología")
    assert f"milestone-{undated.pk}@127.0.0.1" not in events
    # The same UIDs in every language.
    assert set(calendar_events(client, "/en/calendar.ics")) == set(events)


def test_a_held_or_cancelled_milestone_says_so_in_the_calendar(client, plan):
    forum = ocean_forum()
    forum.status, forum.actual_date = MilestoneStatus.HELD, datetime.date(2020, 11, 20)
    forum.save()
    china = Milestone.objects.get(title_es="Foro Ministerial CELAC-China")
    china.status = MilestoneStatus.CANCELLED
    china.save()
    events = calendar_events(client, "/en/areas/13/calendar.ics")
    event = events[f"milestone-{forum.pk}@127.0.0.1"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == datetime.date(2020, 11, 20)
    assert event.decoded("DTEND") == datetime.date(2020, 11, 21)
    assert f"milestone-{china.pk}@127.0.0.1" not in events  # area 8's, not 13's
    everything = calendar_events(client, "/en/calendar.ics")
    assert str(everything[f"milestone-{china.pk}@127.0.0.1"]["STATUS"]) == "CANCELLED"


# --- API ----------------------------------------------------------------------------------------


def test_the_api_lists_milestones_with_filters(client, plan):
    response = client.get("/api/v1/milestones/")
    assert response.status_code == 200
    items = response.json()["results"]
    assert len(items) == Milestone.objects.count()
    forum = next(i for i in items if i["title"].startswith("Foro regional"))
    assert forum["reference"] == "13.1"
    assert forum["area_number"] == 13
    assert forum["planned_text"] == "segundo semestre de 2020"
    assert (forum["planned_start"], forum["planned_end"]) == ("2020-07-01", "2020-12-31")
    assert forum["status"] == "planned" and forum["actual_date"] is None
    assert forum["url"] == "http://127.0.0.1:8000/es/commitments/13.1/"
    # A parent's milestones include its sub-commitments'.
    ocean = client.get("/api/v1/milestones/", {"commitment": "13.1"}).json()["results"]
    assert {i["reference"] for i in ocean} == {"13.1", "13.1.3"}
    area = client.get("/api/v1/milestones/", {"area": 9}).json()["results"]
    assert len(area) == 2 and {i["reference"] for i in area} == {"9.1"}
    assert client.get("/api/v1/milestones/", {"status": "held"}).json()["results"] == []
    assert client.get("/api/v1/").json()["milestones"].endswith("/api/v1/milestones/")


def test_the_api_refuses_a_filter_that_is_not_valid(client, plan):
    response = client.get("/api/v1/milestones/", {"status": "celebrado", "area": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "area"}


def test_the_commitment_in_the_api_carries_its_milestones(client, plan):
    data = client.get("/api/v1/commitments/13.1/").json()
    assert [m["title"] for m in data["milestones"]] == [
        "Foro regional sobre economía oceánica sostenible",
        "Conferencia de “Our Ocean”",
    ]
    assert client.get("/api/v1/commitments/2.1/").json()["milestones"] == []


# --- Open data ----------------------------------------------------------------------------------


def test_the_milestones_download_has_the_documented_columns(client, plan):
    import csv
    import io

    from commitments.services.columns import MILESTONE_COLUMNS

    response = client.get("/open-data/milestones.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == MILESTONE_COLUMNS
    assert len(rows) == Milestone.objects.count()
    china = next(r for r in rows if r["title"] == "Foro Ministerial CELAC-China")
    assert (china["reference"], china["planned_text"], china["place"]) == (
        "8.1",
        "segundo semestre de 2020",
        "Feria de Shanghái",
    )
    assert china["actual_date"] == ""
    data = client.get("/open-data/milestones.json").json()
    assert data["count"] == len(rows)


def test_the_data_package_zip_holds_the_milestones(client, plan):
    import io
    import zipfile

    response = client.get("/open-data/celac-ppt-2020.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "data/milestones.csv" in archive.namelist()
        text = archive.read("data/milestones.csv").decode("utf-8-sig")
    assert "Foro regional sobre economía oceánica sostenible" in text
    package = client.get("/open-data/datapackage.json").json()
    [resource] = [r for r in package["resources"] if r["name"] == "milestones"]
    assert resource["schema"]["foreignKeys"] == [
        {"fields": ["reference"], "reference": {"resource": "commitments", "fields": ["reference"]}}
    ]


# --- Import and export ---------------------------------------------------------------------------


def milestones_csv(rows):
    from exchange.imports import plan_resources
    from tests.import_helpers import csv_file

    dataset = plan_resources()["milestones"]().export()
    return dataset.headers, [list(row) for row in dataset], csv_file


def test_the_milestones_export_and_import_back_unchanged(plan, tmp_path):
    import io

    from tests.import_helpers import snapshot

    headers, rows, csv_file = milestones_csv(None)
    assert headers[:3] == ["commitment", "title", "planned_text"]
    assert len(rows) == Milestone.objects.count()
    path = tmp_path / "milestones.csv"
    path.write_bytes(csv_file(headers, rows))
    before = snapshot()
    call_command("import_plan", str(path), stdout=io.StringIO())
    assert snapshot() == before


def test_an_imported_milestone_row_records_it_as_held(plan, tmp_path):
    import io

    headers, rows, csv_file = milestones_csv(None)
    row = next(r for r in rows if r[1].startswith("Foro regional"))
    row[headers.index("status")] = "held"
    row[headers.index("actual_date")] = "2020-11-20"
    path = tmp_path / "milestones.csv"
    path.write_bytes(csv_file(headers, [row]))
    out = io.StringIO()
    call_command("import_plan", str(path), stdout=out)
    assert "milestones: 0 new, 1 updated" in out.getvalue()
    forum = ocean_forum()
    assert (forum.status, forum.actual_date) == (MilestoneStatus.HELD, datetime.date(2020, 11, 20))


def test_bad_milestone_rows_are_refused_and_nothing_is_written(plan, tmp_path):
    import io

    from django.core.management.base import CommandError

    from tests.import_helpers import row_counts

    headers, rows, csv_file = milestones_csv(None)
    held_without_date = list(rows[0])
    held_without_date[headers.index("status")] = "held"
    unknown_status = list(rows[1])
    unknown_status[headers.index("status")] = "celebrado"
    future = list(rows[2])
    future[headers.index("status")] = "held"
    future[headers.index("actual_date")] = (
        timezone.localdate() + datetime.timedelta(days=3)
    ).isoformat()
    path = tmp_path / "milestones.csv"
    path.write_bytes(csv_file(headers, [held_without_date, unknown_status, future]))
    counts = row_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_plan", str(path), stderr=err)
    lines = err.getvalue()
    assert "row 2, column actual_date: Give the date the event was held." in lines
    assert "row 3, column status: “celebrado” is not a milestone status" in lines
    assert "row 4, column actual_date: The date an event was held cannot be in the future." in lines
    assert row_counts() == counts


def test_a_curator_exports_milestones_from_the_admin_and_an_official_cannot(
    client_of, curator, official_mx
):
    client = client_of(curator)
    url = reverse("admin:commitments_milestone_export")
    assert client.get(url).status_code == 200
    client = client_of(official_mx)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
