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
from commitments.models import Commitment, MemberState

from .models import Aggregation, Indicator, IndicatorValue, Kind
from .services import values as value_service

# (place: commitment reference or area number, title, unit, kind, aggregation,
#  baseline (value, year), target (value, year), {period: {iso: value}})
DEMO_INDICATORS = [
    (
        "6.3",
        "Estados con un programa nacional de vigilancia de la resistencia a los antimicrobianos",
        "Estados",
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
        "Indicadores nacionales de resistencia a los antimicrobianos notificados a la "
        "plataforma regional",
        "indicadores",
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
        "Especialistas nacionales designados a los grupos técnicos de gestión integral del "
        "riesgo de desastres",
        "especialistas",
        Kind.NUMBER,
        Aggregation.SUM,
        (0, 2019),
        (66, 2020),
        {"2020": {"MX": 4, "AR": 2, "CL": 3, "CU": 2, "DO": 2, "JM": 1, "PA": 2}},
    ),
    (
        12,
        "Votaciones de la Asamblea General de la ONU en que el Estado acompañó la posición "
        "común de la CELAC",
        "% de las votaciones",
        Kind.PERCENTAGE,
        Aggregation.MEAN,
        (70, 2019),
        (85, 2021),
        {"2020": {"MX": 92, "AR": 88, "BR": 75, "CO": 81, "CR": 95, "PY": 79, "TT": 84}},
    ),
]


@transaction.atomic
def create_demo_indicators(officials, curator):
    """The demo indicators and their published values, through the workflow; one value of
    Argentina is left awaiting review. ``officials``: {ISO code: user} of the demo officials
    (other states' values have no author). Created once: a second run changes nothing."""
    if Indicator.objects.filter(is_demo=True).exists():
        return []
    states = {state.iso_code: state for state in MemberState.objects.all()}
    created = []
    for order, (place, title, unit, kind, aggregation, baseline, target, series) in enumerate(
        DEMO_INDICATORS, start=1
    ):
        if isinstance(place, str):
            where = {"commitment": Commitment.objects.get(reference=place)}
        else:
            where = {"area": WorkArea.objects.get(number=place)}
        indicator = Indicator.objects.create(
            **where,
            order=order,
            title=title,
            unit=unit,
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
