"""The plan's texts in Spanish (the original), English, Portuguese and French: stored,
shown in the reader's language beside the Spanish original, edited by curators."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from markupsafe import escape

from areas.models import Agency, Objective, ThematicAxis, WorkArea
from areas.plan_text import TRANSLATIONS, load_translations, missing_translations, plan_models
from commitments.models import Commitment, MemberState

pytestmark = pytest.mark.django_db

MARK = {
    "en": "unofficial translation",
    "pt": "tradução não oficial",
    "fr": "traduction non officielle",
}
AREA_1 = {
    "en": "Aerospace and aeronautical cooperation",
    "pt": "Cooperação aeroespacial e aeronáutica",
    "fr": "Coopération aérospatiale et aéronautique",
}


def test_every_plan_text_has_all_four_versions(plan):
    assert missing_translations() == []


def test_the_translations_are_not_english_left_in_portuguese_or_french(plan):
    for model in plan_models():
        for obj in model.objects.all():
            for field in translation_fields(model):
                if field == "place":
                    continue  # a place is often named alike in English and Portuguese
                english = getattr(obj, f"{field}_en")
                for lang in ("pt", "fr"):
                    text = getattr(obj, f"{field}_{lang}")
                    if english and len(english) > 12:
                        assert text != english, (obj, field, lang)


def test_the_portuguese_texts_say_forum_not_the_spanish_foro(plan):
    """Portuguese says "fórum": the Spanish "foro" left in would read as a court's seat."""
    for model in plan_models():
        for obj in model.objects.all():
            for field in translation_fields(model):
                text = getattr(obj, f"{field}_pt") or ""
                assert not re.search(r"\b[Ff]oro\b", text), (obj, field, text)
    area = WorkArea.objects.get(number=8)
    assert area.name_pt == "Fórum Ministerial CELAC-China"


def translation_fields(model):
    from areas.plan_text import translated_fields

    return translated_fields(model)


def test_the_plan_s_own_columns_keep_the_spanish_original(plan):
    area = WorkArea.objects.get(number=1)
    assert area.name_es == "Cooperación aeroespacial y aeronáutica"
    with translation.override("en"):
        assert area.name == AREA_1["en"]
        area.name = "Aerospace cooperation"
        area.save()
    area.refresh_from_db()
    assert area.name_en == "Aerospace cooperation"
    assert WorkArea.objects.filter(pk=area.pk).values_list("name_es", flat=True)[0] == (
        "Cooperación aeroespacial y aeronáutica"
    )
    raw = WorkArea._meta.get_field("name").column
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {raw} FROM areas_workarea WHERE id = %s", [area.pk])
        assert cursor.fetchone()[0] == "Cooperación aeroespacial y aeronáutica"


def test_loading_the_translations_again_keeps_a_curator_s_edit(plan):
    ThematicAxis.objects.filter(number=2).update(name_en="Cooperation between nations")
    assert load_translations() == 0
    assert ThematicAxis.objects.get(number=2).name_en == "Cooperation between nations"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_area_1_reads_in_the_reader_s_language_with_the_spanish_original(client, plan, lang):
    page = client.get(f"/{lang}/areas/1/").content.decode()
    assert f'<span lang="{lang}">{AREA_1[lang]}</span>' in page
    assert f'<span class="tag-unofficial">{MARK[lang]}</span>' in page
    assert re.search(
        r'<details class="plan-original-details"><summary>[^<]+</summary>'
        r'<p lang="es">Cooperación aeroespacial y aeronáutica</p></details>',
        page,
    )
    objective = Objective.objects.get(area__number=1, order=1)
    assert f'<span lang="{lang}">{escape(getattr(objective, f"text_{lang}"))}</span>' in page
    assert f'<p lang="es">{objective.text_es}</p>' in page
    assert page.count('class="translation-notice') == 1


def test_the_spanish_page_shows_the_plan_once_and_unmarked(client, plan):
    page = client.get("/es/areas/1/").content.decode()
    assert '<span lang="es">Cooperación aeroespacial y aeronáutica</span>' in page
    assert "tag-unofficial" not in page
    assert "plan-original" not in page
    assert "translation-notice" not in page
    assert AREA_1["en"] not in page


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_a_commitment_page_reads_in_the_reader_s_language(client, plan, lang):
    commitment = Commitment.objects.get(reference="13.1")
    page = client.get(f"/{lang}/commitments/13.1/").content.decode()
    assert f'<span lang="{lang}">{escape(getattr(commitment, f"text_{lang}"))}</span>' in page
    assert f'<p lang="es">{escape(commitment.text_es)}</p>' in page
    assert escape(getattr(commitment, f"due_label_{lang}")) in page


def test_french_pages_name_the_states_in_french(client, plan):
    dashboard = client.get("/fr/").content.decode()
    assert "Saint-Vincent-et-les-Grenadines" in dashboard
    assert "San Vicente y las Granadinas" not in dashboard
    state = client.get("/fr/states/VC/").content.decode()
    assert "<h1>Saint-Vincent-et-les-Grenadines" in state
    # The data keeps the Spanish name, and the Spanish page shows it.
    assert MemberState.objects.get(iso_code="VC").name == "San Vicente y las Granadinas"
    assert "San Vicente y las Granadinas" in client.get("/es/states/VC/").content.decode()


def test_the_states_are_sorted_by_their_names_in_the_reader_s_language(client, plan):
    page = client.get("/en/").content.decode()
    # In Spanish "Belice" comes after "Barbados" and "Santa Lucía" after "San Vicente…";
    # in English "Saint Lucia" comes before "Saint Vincent…", and "Dominican Republic"
    # (República Dominicana) before "Ecuador".
    for first, second in [
        ("Saint Lucia", "Saint Vincent and the Grenadines"),
        ("Dominican Republic", "Ecuador"),
        ("Mexico", "Nicaragua"),
    ]:
        assert page.index(f">{first}<") < page.index(f">{second}<"), (first, second)
    select = client.get("/fr/commitments/").content.decode()
    assert select.index(">Saint-Vincent-et-les-Grenadines<") < select.index(">Suriname<")


def test_a_curator_s_edit_of_a_translation_shows_on_the_next_page(client_of, curator, plan):
    client = client_of(curator)
    assert AREA_1["en"] in client.get("/en/areas/1/").content.decode()
    area = WorkArea.objects.get(number=1)
    from django.forms.models import model_to_dict

    data = {
        key: value
        for key, value in model_to_dict(area).items()
        if value is not None and key not in ("agencies", "officials", "axis")
    }
    data.update(
        axis=area.axis_id,
        agencies=[agency.pk for agency in area.agencies.all()],
        name_en="Aerospace and aviation cooperation",
        **{
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
            "commitments-TOTAL_FORMS": "0",
            "commitments-INITIAL_FORMS": "0",
        },
    )
    response = client.post(reverse("admin:areas_workarea_change", args=[area.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get("/en/areas/1/").content.decode()
    assert "Aerospace and aviation cooperation" in page
    assert WorkArea.objects.get(number=1).name_es == "Cooperación aeroespacial y aeronáutica"


def test_the_admin_labels_the_spanish_field_as_the_original(client_of, curator, plan):
    agency = Agency.objects.get(acronym="SRE")
    page = client_of(curator).get(reverse("admin:areas_agency_change", args=[agency.pk]))
    text = page.content.decode()
    assert 'name="name_es"' in text and 'name="name_fr"' in text
    assert "Spanish original" in text or "Texto original en español" in text


# --- Import and export -------------------------------------------------------------------


def _commitments_csv(edit):
    from exchange.imports import plan_resources
    from tests.import_helpers import csv_file

    dataset = plan_resources()["commitments"]().export()
    rows = [list(row) for row in dataset]
    for row in rows:
        if row[0] == "1.1":
            for column, value in edit.items():
                row[dataset.headers.index(column)] = value
    return dataset.headers, csv_file(dataset.headers, rows)


def test_the_plan_s_export_has_a_column_per_language(plan):
    from exchange.imports import plan_resources

    headers = plan_resources()["commitments"]().export().headers
    for column in ("text", "text_en", "text_pt", "text_fr", "due_label_en", "due_label_fr"):
        assert column in headers
    areas = plan_resources()["areas"]().export()
    row = dict(zip(areas.headers, areas[0], strict=True))
    assert row["name"] == "Cooperación aeroespacial y aeronáutica"
    assert row["name_en"] == AREA_1["en"]
    assert row["name_pt"] == AREA_1["pt"]
    assert row["name_fr"] == AREA_1["fr"]


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_an_import_of_a_translation_round_trips(plan, lang):
    from exchange.imports import import_file

    _headers, data = _commitments_csv({f"text_{lang}": "Una versión nueva"})
    with translation.override("en"):
        outcome = import_file("commitments.csv", data)
    assert outcome.ok, [str(problem) for problem in outcome.problems]
    commitment = Commitment.objects.get(reference="1.1")
    assert getattr(commitment, f"text_{lang}") == "Una versión nueva"
    # The Spanish original and the other languages are as they were, whatever language
    # the import ran in.
    assert commitment.text_es.startswith("Encuentro aeroespacial con sede en México")
    for other in set(TRANSLATIONS) - {lang}:
        assert getattr(commitment, f"text_{other}")
    _headers, again = _commitments_csv({})
    outcome = import_file("commitments.csv", again)
    assert outcome.ok and outcome.totals["commitments"]["skip"] == 34


def test_an_import_with_a_translation_too_long_is_refused_clearly(plan):
    from tests.import_helpers import refused

    _headers, data = _commitments_csv({"due_label_fr": "x" * 201})
    refused("commitments.csv", data, "due_label_fr")


# --- API and open data -------------------------------------------------------------------


def test_the_open_data_and_the_api_give_every_language(client, plan):
    import csv
    import io

    text = client.get("/commitments/data.csv").content.decode("utf-8-sig")
    rows = {row["reference"]: row for row in csv.DictReader(io.StringIO(text))}
    row = rows["1.1"]
    assert row["commitment"].startswith("Encuentro aeroespacial")  # Spanish, on any page
    assert row["area_name"] == "Cooperación aeroespacial y aeronáutica"
    assert row["area_name_fr"] == AREA_1["fr"]
    commitment = Commitment.objects.get(reference="1.1")
    for lang in TRANSLATIONS:
        assert row[f"commitment_{lang}"] == getattr(commitment, f"text_{lang}")
    matrix = client.get("/open-data/matrix.csv").content.decode("utf-8-sig")
    assert "Saint-Vincent-et-les-Grenadines" in matrix

    area = client.get("/api/v1/areas/1/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert area["name"] == "Cooperación aeroespacial y aeronáutica"
    assert area["name_en"] == AREA_1["en"] and area["name_pt"] == AREA_1["pt"]
    state = client.get("/api/v1/states/VC/").json()
    assert state["name"] == "San Vicente y las Granadinas"
    assert state["name_fr"] == "Saint-Vincent-et-les-Grenadines"
    listed = client.get("/api/v1/commitments/13.1/").json()
    assert listed["due_label"] == "segundo semestre de 2020"
    assert listed["due_label_en"] == "second half of 2020"


def test_the_data_package_and_the_api_schema_document_the_translations(client, plan):
    package = client.get("/open-data/datapackage.json").json()
    commitments = next(r for r in package["resources"] if r["name"] == "commitments")
    names = [field["name"] for field in commitments["schema"]["fields"]]
    assert {"commitment_en", "commitment_pt", "commitment_fr", "area_name_pt"} <= set(names)
    schema = client.get("/api/schema.json").content.decode()
    assert "commitment_fr" in schema and "name_pt" in schema
