"""The PPT 2020 fixture: the source document's work plan, word for word."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import models

from areas.models import Agency, Objective, Official, ThematicAxis, WorkArea
from commitments.models import Commitment, MemberState

FIXTURES_DIR = Path(django_settings.BASE_DIR) / "fixtures"
FIXTURE_FILE = FIXTURES_DIR / "ppt2020.json"
SOURCE_FILE = Path(django_settings.BASE_DIR) / "docs" / "source" / "propuesta-ppt2020-celac.txt"

PLAN_MODELS = [ThematicAxis, Agency, Official, WorkArea, Objective, Commitment, MemberState]


def normalise(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def source():
    if not SOURCE_FILE.exists():
        pytest.fail(f"The source document is not at {SOURCE_FILE}: the fixture cannot be checked.")
    return normalise(SOURCE_FILE.read_text(encoding="utf-8"))


def snapshot():
    return {model: sorted(model.objects.values_list("pk", flat=True)) for model in PLAN_MODELS}


def text_values(instance):
    for field in instance._meta.concrete_fields:
        # A translation's column is empty (None) where the Spanish text is.
        value = getattr(instance, field.name)
        if isinstance(field, (models.CharField, models.TextField)) and value is not None:
            yield field.name, value


# --- The file itself -------------------------------------------------------------------


def test_fixture_file_uses_natural_keys_only():
    records = json.loads(FIXTURE_FILE.read_text(encoding="utf-8"))
    assert records
    assert all("pk" not in record for record in records)


def test_fixture_file_lists_dependencies_before_dependants():
    records = json.loads(FIXTURE_FILE.read_text(encoding="utf-8"))
    order = [
        "areas.thematicaxis",
        "areas.agency",
        "areas.official",
        "areas.workarea",
        "areas.objective",
        "commitments.commitment",
        "commitments.memberstate",
    ]
    ranks = [order.index(record["model"]) for record in records]
    assert ranks == sorted(ranks)
    seen = set()
    for record in records:
        if record["model"] == "commitments.commitment":
            parent = record["fields"]["parent"]
            assert parent is None or parent[0] in seen
            seen.add(record["fields"]["reference"])


# --- Loading ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_fixture_loads_the_whole_plan(plan):
    assert ThematicAxis.objects.count() == 4
    assert WorkArea.objects.count() == 14
    assert Objective.objects.count() == 17
    assert Commitment.objects.count() == 34
    assert Commitment.objects.filter(parent__isnull=True).count() == 29
    assert Commitment.objects.filter(parent__isnull=False).count() == 5
    assert Agency.objects.count() == 14
    assert Official.objects.count() == 6
    assert MemberState.objects.count() == 33


@pytest.mark.django_db
def test_fixture_loads_twice_without_duplicates(plan):
    first = snapshot()
    call_command("loaddata", "ppt2020", verbosity=0)
    assert snapshot() == first


# --- Structure -------------------------------------------------------------------------


@pytest.mark.django_db
def test_thematic_axes_carry_the_source_names(plan):
    assert dict(ThematicAxis.objects.values_list("number", "name")) == {
        1: "Agricultura familiar, seguridad alimentaria, nutrición y erradicación del hambre "
        "y la pobreza",
        2: "Cooperación internacional",
        3: "Gestión integral de riesgo de desastres",
        4: "Relacionamiento con socios extra regionales",
    }


@pytest.mark.django_db
def test_each_area_belongs_to_the_axis_the_source_gives(plan):
    axes = dict(WorkArea.objects.values_list("number", "axis__number"))
    assert axes == {n: 2 for n in range(1, 15)} | {2: 3, 8: 4, 11: 1}


@pytest.mark.django_db
def test_each_area_names_its_responsible_agencies(plan):
    expected = {
        1: {"SCT", "AEM"},
        2: {"SSPC", "Protección Civil"},
        3: {"SRE"},
        4: {"SEP", "SRE", "ANVIES"},
        5: {"SHCP"},
        6: {"SALUD"},
        7: {"SFP"},
        8: {"SRE"},
        9: {"SRE"},
        10: {"SRE"},
        11: {"SRE", "BIENESTAR"},
        12: {"SRE"},
        13: {"SRE", "SEMARNAT"},
        14: {"ST", "SRE"},
    }
    actual = {
        area.number: {agency.acronym for agency in area.agencies.all()}
        for area in WorkArea.objects.with_plan()
    }
    assert actual == expected


@pytest.mark.django_db
def test_named_officials_are_attached_to_their_area_and_agency(plan):
    expected = {
        "Thalía Lagunes": ("Oficialía Mayor (OM)", "SHCP", [5]),
        "Dra. Ma. Esther Orozco Orozco": ("", "CINVESTAV", [6]),
        "Roberto Salcedo": ("", "SFP", [7]),
        "Julián Ventura": ("Subsecretario", "SRE", [8]),
        "Maximiliano Reyes Zúñiga": ("Subsecretario", "SRE", [8]),
        "Martha Delgado": ("", "SRE", [13]),
    }
    actual = {
        official.name: (
            official.title,
            official.agency.acronym,
            sorted(official.areas.values_list("number", flat=True)),
        )
        for official in Official.objects.select_related("agency")
    }
    assert actual == expected


@pytest.mark.django_db
def test_responsible_column_is_kept_as_written(plan):
    written = dict(WorkArea.objects.values_list("number", "responsible_as_written"))
    assert written[1] == "SCT / Agencia Mexicana Aeroespacial"
    assert written[2] == "SSPC / Protección Civil"
    assert written[4] == "SEP/SRE ANVIES"
    assert written[5] == "SHCP/Thalía Lagunes OM"
    assert written[6] == "SALUD/Dra. Ma. Esther Orozco Orozco (CINVESTAV)"
    assert written[8] == "SRE/Subsecretarios Julián Ventura y Maximiliano Reyes Zúñiga."
    assert written[11] == "SRE/BIENESTAR"
    assert written[13] == "SRE/ Martha Delgado SEMARNAT"
    assert written[14] == "ST/SRE"


@pytest.mark.django_db
def test_agency_notes_record_how_the_source_spells_them(plan):
    anvies = Agency.objects.get(acronym="ANVIES")
    assert anvies.name == (
        "Asociación Nacional de Universidades e Instituciones de Educación Superior"
    )
    assert "ANUIES" in anvies.note
    aem = Agency.objects.get(acronym="AEM")
    assert aem.name == "Agencia Espacial Mexicana"
    assert "Agencia Mexicana Aeroespacial" in aem.note


@pytest.mark.django_db
def test_objectives_are_numbered_from_one_in_each_area(plan):
    for area in WorkArea.objects.with_plan():
        orders = [objective.order for objective in area.objectives.all()]
        assert orders == list(range(1, len(orders) + 1)), area.number
    counts = {area.number: area.objectives.count() for area in WorkArea.objects.all()}
    assert counts == {n: 1 for n in range(1, 15)} | {1: 2, 2: 2, 9: 2}


@pytest.mark.django_db
def test_commitment_references_follow_area_and_position(plan):
    for commitment in Commitment.objects.select_related("area", "parent"):
        if commitment.parent is None:
            expected = f"{commitment.area.number}.{commitment.order}"
        else:
            assert commitment.parent.area == commitment.area
            expected = f"{commitment.parent.reference}.{commitment.order}"
        assert commitment.reference == expected
        assert commitment.reference_key == Commitment.sort_key(commitment.reference)
    children = Commitment.objects.filter(parent__isnull=False)
    assert sorted(children.values_list("reference", flat=True)) == [
        "13.1.1",
        "13.1.2",
        "13.1.3",
        "3.1.1",
        "3.1.2",
    ]


@pytest.mark.django_db
def test_reportable_commitments_exclude_parents(plan):
    reportable = set(Commitment.objects.reportable().values_list("reference", flat=True))
    assert len(reportable) == 32
    assert "3.1" not in reportable
    assert "13.1" not in reportable


@pytest.mark.django_db
def test_due_dates_come_from_the_dates_in_the_source(plan):
    dated = {
        c.reference: (c.due_date, c.due_label) for c in Commitment.objects.exclude(due_date=None)
    }
    march = (datetime.date(2020, 3, 31), "marzo de 2020")
    second_half = (datetime.date(2020, 12, 31), "segundo semestre de 2020")
    assert dated == {
        "3.1": march,
        "3.1.1": march,
        "3.1.2": march,
        "8.1": second_half,
        "8.2": second_half,
        "9.1": (datetime.date(2020, 9, 22), "75° AGONU"),
        "13.1": second_half,
        "13.1.1": second_half,
        "13.1.2": second_half,
        "13.1.3": (datetime.date(2021, 12, 31), "Conferencia “Our Ocean”, Panamá, 2021"),
    }
    assert not Commitment.objects.filter(due_date=None).exclude(due_label="").exists()


@pytest.mark.django_db
def test_member_states_are_celacs_thirty_three(plan):
    states = dict(MemberState.objects.values_list("iso_code", "name"))
    assert len(states) == 33
    assert states["MX"] == "México"
    assert states["VC"] == "San Vicente y las Granadinas"
    assert states["KN"] == "San Cristóbal y Nieves"
    assert states["DO"] == "República Dominicana"
    assert states["TT"] == "Trinidad y Tobago"
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in states)


# --- Exact texts -----------------------------------------------------------------------


@pytest.mark.django_db
def test_key_texts_are_word_for_word(plan):
    def text(reference):
        return Commitment.objects.get(reference=reference).text

    assert text("3.1") == "Red CELAC de:"
    assert text("3.1.1") == "Diplomacia científica, tecnológica."
    assert text("3.1.2") == "Ecosistemas CELAC de innovación."
    assert text("4.1") == (
        "Primer encuentro de rectores para de determinar agenda CELAC de las principales "
        "universidades de la región."
    )
    assert text("7.1") == (
        "Los criterios compartidos que se proponen integrarán las experiencias y las mejores "
        "prácticas en materia de transparencia, acceso a la información, gobierno abierto y "
        "rendición de cuentas. Asimismo, fomentarán el compromiso de los países de la "
        "Comunidad de Estados Latinoamericanos y Caribeños con los estándares fijados en "
        "instrumentos jurídicos internacionales en materia de lucha contra la corrupción, "
        "fundamentalmente la “Convención de Mérida.”"
    )
    assert (
        text("8.2") == "Declaración de apoyo a Conferencia de Biodiversidad 2020 en Kunming, China"
    )
    assert text("13.1") == (
        "Celebrar un foro regional sobre economía oceánica sostenible, en el segundo semestre "
        "de 2020, con los siguientes ejes de trabajo:"
    )
    assert text("13.1.2") == (
        "Promoción de las industrias sostenibles y oportunidades económicas basadas en "
        "recursos marinos"
    )
    assert text("13.1.3") == (
        "Elaboración de una propuesta consolidada de los miembros de la CELAC para la "
        "Conferencia de “Our Ocean” a celebrarse en Panamá en 2021 bajo el tema Economía Azul."
    )


@pytest.mark.django_db
def test_area_names_and_objectives_are_word_for_word(plan):
    names = dict(WorkArea.objects.values_list("number", "name"))
    assert names[1] == "Cooperación aeroespacial y aeronáutica"
    assert names[3] == (
        "Ciencia y Tecnología para la sociedades/ STS-1er encuentro CELAC innovación"
    )
    assert names[12] == (
        "Concertación política regional e intervenciones conjuntas en los foros multilaterales"
    )
    assert Objective.objects.get(area__number=3, order=1).text == (
        "Participación de tres actores por país: 1) sector público; 2) sector empresarial; y "
        "3) academia, en el STS Forum y en el Primer Encuentro CELAC de la innovación que se "
        "celebrará en México en marzo de 2020."
    )
    assert Objective.objects.get(area__number=9, order=1).text == (
        "Reunión de la CELAC, en ocasión del Debate General de la 75° AGONU."
    )
    assert Objective.objects.get(area__number=13, order=1).text.startswith(
        "Fomentar la coherencia y complementariedad entre los distintos esfuerzos regionales "
        "avocados a la promoción"
    )


@pytest.mark.django_db
def test_areas_four_and_five_share_the_sources_axis_sentence(plan):
    shared = (
        "Fomenta la cooperación en materia de gasto público, finanzas públicas y rendición "
        "de cuentas."
    )
    rationales = dict(WorkArea.objects.values_list("number", "axis_rationale"))
    assert rationales[4] == shared
    assert rationales[5] == shared
    assert rationales[8] == (
        "Da seguimiento a los compromisos asumidos en las reuniones ministeriales anteriores del "
        "Foro y explora nuevas áreas de cooperación con China. Fortalece la presencia de la "
        "CELAC en el mundo."
    )


# --- Hygiene and faithfulness to the source --------------------------------------------


@pytest.mark.django_db
def test_no_text_has_stray_whitespace(plan):
    for model in PLAN_MODELS:
        for instance in model.objects.all():
            for name, value in text_values(instance):
                where = f"{model.__name__} {instance.pk} {name}: {value!r}"
                assert value == value.strip(), where
                assert "  " not in value, where
                assert "\n" not in value and "\r" not in value and "\t" not in value, where


@pytest.mark.django_db
def test_every_plan_text_appears_verbatim_in_the_source(plan, source):
    texts = [o.text for o in Objective.objects.all()]
    texts += [c.text for c in Commitment.objects.all()]
    for area in WorkArea.objects.all():
        texts += [area.name, area.axis_rationale, area.responsible_as_written]
    for text in texts:
        assert text in source, text


@pytest.mark.django_db
def test_each_area_reads_as_its_row_of_the_source_table(plan, source):
    """Name, objectives, strategies, axis and responsible, in column order and adjacent."""
    for area in WorkArea.objects.with_plan():
        objectives = " ".join(o.text for o in area.objectives.all())
        commitments = " ".join(c.text for c in area.commitments.order_by("reference_key"))
        row = (
            rf"{area.number}\. ?{re.escape(area.name)} {re.escape(objectives)} "
            rf"{re.escape(commitments)} {area.axis.number}\. ?{re.escape(area.axis.name)}[.:] "
            rf"{re.escape(area.axis_rationale)} {re.escape(area.responsible_as_written)}"
        )
        assert re.search(row, source), area.number


@pytest.mark.django_db
def test_every_word_of_the_source_table_is_in_the_fixture(plan, source):
    remainder = source
    texts = [o.text for o in Objective.objects.all()]
    texts += [c.text for c in Commitment.objects.all()]
    for area in WorkArea.objects.all():
        texts += [area.name, area.axis_rationale, area.responsible_as_written]
    for text in sorted(set(texts), key=len, reverse=True):
        remainder = remainder.replace(text, " ")
    for axis in ThematicAxis.objects.all():
        remainder = re.sub(rf"{axis.number}\. ?{re.escape(axis.name)}[.:]", " ", remainder)
    remainder = remainder.replace("Propuesta de áreas de trabajo para la PPT 2020 de la CELAC", "")
    remainder = remainder.replace(
        "Área Objetivo Estrategia Eje Temático del Proceso de Reflexión "
        "Área del Gobierno de México responsable",
        " ",
    )
    remainder = re.sub(r"\b\d{1,2}\.", " ", remainder)
    assert normalise(remainder) == ""
