"""Demo indicators with values from several member states, for ``seed_demo``.

Chosen from the plan's own words: area 6 ("Monitoreo sobre la resistencia a los
antimicrobianos") asks to "Crear indicadores regionales" (6.2) and to "Promover programas de
vigilancia nacional e internacional" (6.3); area 2 to create technical groups of disaster
risk specialists (2.1); area 12 to work on joint positions in multilateral forums. Every
indicator and value is marked demo, and the pages say so.
"""

from decimal import Decimal

from django.db import transaction

from areas.models import WorkArea
from areas.plan_text import LANGUAGES, column
from commitments.models import Commitment, MemberState

from .models import Aggregation, Indicator, IndicatorValue, Kind
from .services import values as value_service

# (place: commitment reference or area number, title, description, unit, kind, aggregation,
#  baseline (value, year), target (value, year), {period: {iso: value}}). The texts are in
# Spanish, the original, with the English, Portuguese and French versions a reader of those
# languages gets (``{lang: text}``), as the plan's texts have them.
DEMO_INDICATORS = [
    (
        "6.3",
        {
            "es": "Estados con un programa nacional de vigilancia de la resistencia a los "
            "antimicrobianos",
            "en": "States with a national antimicrobial resistance surveillance programme",
            "pt": "Estados com um programa nacional de vigilância da resistência aos "
            "antimicrobianos",
            "fr": "États dotés d’un programme national de surveillance de la résistance aux "
            "antimicrobiens",
        },
        {
            "es": "Si el Estado cuenta con un programa nacional en funcionamiento para vigilar "
            "la resistencia a los antimicrobianos (1 sí, 0 no).",
            "en": "Whether the State has a national programme in operation to monitor "
            "antimicrobial resistance (1 yes, 0 no).",
            "pt": "Se o Estado conta com um programa nacional em funcionamento para vigiar a "
            "resistência aos antimicrobianos (1 sim, 0 não).",
            "fr": "Si l’État dispose d’un programme national en fonctionnement pour surveiller "
            "la résistance aux antimicrobiens (1 oui, 0 non).",
        },
        {"es": "Estados", "en": "States", "pt": "Estados", "fr": "États"},
        Kind.YES_NO,
        Aggregation.COUNT_YES,
        (14, 2019),
        (25, 2021),
        {
            "2020-S1": {"MX": 1, "AR": 1, "BR": 1, "CL": 1, "CO": 1, "PE": 0, "GT": 0},
            "2020-S2": {"MX": 1, "AR": 1, "BR": 1, "CL": 1, "CO": 1, "PE": 1, "CR": 1, "GT": 0},
            "2021-S1": {"MX": 1, "BR": 1, "CL": 1, "CO": 1, "PE": 1, "CR": 1, "UY": 1, "EC": 1},
        },
    ),
    (
        "6.2",
        {
            "es": "Indicadores nacionales de resistencia a los antimicrobianos notificados a la "
            "plataforma regional",
            "en": "National antimicrobial resistance indicators reported to the regional platform",
            "pt": "Indicadores nacionais de resistência aos antimicrobianos notificados à "
            "plataforma regional",
            "fr": "Indicateurs nationaux de résistance aux antimicrobiens notifiés à la "
            "plateforme régionale",
        },
        {
            "es": "Cuántos indicadores nacionales de resistencia a los antimicrobianos notificó "
            "el Estado a la plataforma regional en el período.",
            "en": "How many national antimicrobial resistance indicators the State reported to "
            "the regional platform in the period.",
            "pt": "Quantos indicadores nacionais de resistência aos antimicrobianos o Estado "
            "notificou à plataforma regional no período.",
            "fr": "Combien d’indicateurs nationaux de résistance aux antimicrobiens l’État a "
            "notifiés à la plateforme régionale au cours de la période.",
        },
        {"es": "indicadores", "en": "indicators", "pt": "indicadores", "fr": "indicateurs"},
        Kind.NUMBER,
        Aggregation.SUM,
        (0, 2019),
        (60, 2021),
        {
            "2020-S2": {"MX": 6, "AR": 4, "BR": 5, "CL": 3},
            "2021-S1": {"MX": 8, "AR": 6, "BR": 7, "CL": 4, "CO": 3, "UY": 2},
        },
    ),
    (
        "2.1",
        {
            "es": "Especialistas nacionales designados a los grupos técnicos de gestión integral "
            "del riesgo de desastres",
            "en": "National specialists appointed to the technical groups on comprehensive "
            "disaster risk management",
            "pt": "Especialistas nacionais designados para os grupos técnicos de gestão "
            "integral do risco de desastres",
            "fr": "Spécialistes nationaux désignés auprès des groupes techniques de gestion "
            "intégrale des risques de catastrophe",
        },
        {
            "es": "Cuántos especialistas designó el Estado a los grupos técnicos de gestión "
            "integral del riesgo de desastres.",
            "en": "How many specialists the State appointed to the technical groups on "
            "comprehensive disaster risk management.",
            "pt": "Quantos especialistas o Estado designou para os grupos técnicos de gestão "
            "integral do risco de desastres.",
            "fr": "Combien de spécialistes l’État a désignés auprès des groupes techniques de "
            "gestion intégrale des risques de catastrophe.",
        },
        {"es": "especialistas", "en": "specialists", "pt": "especialistas", "fr": "spécialistes"},
        Kind.NUMBER,
        Aggregation.SUM,
        (0, 2019),
        (66, 2020),
        {"2020": {"MX": 4, "AR": 2, "CL": 3, "CU": 2, "DO": 2, "JM": 1, "PA": 2}},
    ),
    (
        12,
        {
            "es": "Votaciones de la Asamblea General de la ONU en que el Estado acompañó la "
            "posición común de la CELAC",
            "en": "UN General Assembly votes in which the State joined CELAC’s common position",
            "pt": "Votações da Assembleia Geral da ONU em que o Estado acompanhou a posição "
            "comum da CELAC",
            "fr": "Votes de l’Assemblée générale des Nations unies où l’État a rejoint la "
            "position commune de la CELAC",
        },
        {
            "es": "Parte de las votaciones de la Asamblea General con posición común de la "
            "CELAC en que el Estado votó con ella.",
            "en": "The share of the General Assembly votes with a CELAC common position in "
            "which the State voted with it.",
            "pt": "Parcela das votações da Assembleia Geral com posição comum da CELAC em que "
            "o Estado votou com ela.",
            "fr": "Part des votes de l’Assemblée générale assortis d’une position commune de la "
            "CELAC où l’État a voté avec elle.",
        },
        {
            "es": "% de las votaciones",
            "en": "% of the votes",
            "pt": "% das votações",
            "fr": "% des votes",
        },
        Kind.PERCENTAGE,
        Aggregation.MEAN,
        (70, 2019),
        (85, 2021),
        {"2020": {"MX": 92, "AR": 88, "BR": 75, "CO": 81, "CR": 95, "PY": 79, "TT": 84}},
    ),
]


def versions(field, texts):
    """``{title_es: …, title_en: …, …}``: every language's version of a demo text, each in
    its column (the Spanish one is the original, which the field itself keeps)."""
    return {column(field, lang): texts[lang] for lang in LANGUAGES}


@transaction.atomic
def create_demo_indicators(officials, curator):
    """The demo indicators and their published values, through the workflow; one value of
    Argentina is left awaiting review. ``officials``: {ISO code: user} of the demo officials
    (other states' values have no author). Created once: a second run changes nothing."""
    if Indicator.objects.filter(is_demo=True).exists():
        return []
    states = {state.iso_code: state for state in MemberState.objects.all()}
    created = []
    for order, (
        place,
        title,
        description,
        unit,
        kind,
        aggregation,
        baseline,
        target,
        series,
    ) in enumerate(DEMO_INDICATORS, start=1):
        if isinstance(place, str):
            where = {"commitment": Commitment.objects.get(reference=place)}
        else:
            where = {"area": WorkArea.objects.get(number=place)}
        indicator = Indicator.objects.create(
            **where,
            order=order,
            **versions("title", title),
            **versions("description", description),
            **versions("unit", unit),
            kind=kind,
            aggregation=aggregation,
            baseline_value=Decimal(baseline[0]),
            baseline_year=baseline[1],
            target_value=Decimal(target[0]),
            target_year=target[1],
            is_demo=True,
        )
        created.append(indicator)
        for period, by_state in series.items():
            for iso_code, number in by_state.items():
                value = value_service.save_value(
                    IndicatorValue(
                        indicator=indicator,
                        member_state=states[iso_code],
                        period=period,
                        value=Decimal(number),
                        narrative="Demo: valor de ejemplo para mostrar el funcionamiento.",
                        is_demo=True,
                    ),
                    by=officials.get(iso_code),
                    submit=True,
                )
                value_service.publish(value, by=curator)
    if "AR" in officials:
        value_service.save_value(
            IndicatorValue(
                indicator=created[0],
                member_state=states["AR"],
                period="2021-S1",
                value=Decimal(1),
                narrative="Demo: el programa nacional sigue vigente.",
                is_demo=True,
            ),
            by=officials["AR"],
            submit=True,
        )
    return created
