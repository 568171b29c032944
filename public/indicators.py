"""The public pages of indicators: every indicator with the region's latest value, and one
indicator's regional value over the periods against its baseline and target, with each
member state's latest value.

The figures come from ``indicators.services.figures`` (the one rule of aggregation and
coverage) over the current published values, read in one query; the chart's geometry is
computed here and drawn as SVG by the template. A fixed number of queries whatever the
values' history holds.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from commitments.services.current import current_plan
from indicators.formatting import number_text, period_label, regional_text
from indicators.models import Aggregation, Indicator, Kind
from indicators.services.figures import current_values, figures

from . import share


def indicator_list(request):
    plan = current_plan()
    indicators = list(Indicator.objects.in_plan_order())
    found = figures(indicators, current_values(), len(plan.states))
    return render(
        request,
        "public/indicator_list.html",
        {
            "rows": [found[indicator.pk] for indicator in indicators],
            "states_total": len(plan.states),
            "any_demo": any(indicator.is_demo for indicator in indicators),
            "share": share.plan_card(),
        },
    )


def indicator_detail(request, pk):
    indicator = get_object_or_404(
        Indicator.objects.with_place().prefetch_related("state_targets"), pk=pk
    )
    plan = current_plan()
    found = figures([indicator], current_values([indicator.pk]), len(plan.states))[indicator.pk]
    targets = {target.member_state_id: target for target in indicator.state_targets.all()}
    state_rows = [
        (state, found.latest_by_state.get(state.id), targets.get(state.id)) for state in plan.states
    ]
    return render(
        request,
        "public/indicator_detail.html",
        {
            "indicator": indicator,
            "figures": found,
            "chart": line_chart(indicator, found.series),
            "state_rows": state_rows,
            "states_reporting": len(found.latest_by_state),
            "states_total": len(plan.states),
            "has_state_targets": bool(targets),
            "share": share.plan_card(),
        },
    )


def indicators_of(*, commitment=None, area=None):
    """The indicators of one commitment, or of a work area and its commitments, in plan
    order, for its page (one query)."""
    if commitment is not None:
        place = Q(commitment=commitment)
    else:
        place = Q(area=area) | Q(commitment__area=area)
    return list(Indicator.objects.filter(place).in_plan_order())


# --- The chart ----------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 44
# Five steps: the scale's top is 1, 2 or 5 × a power of ten, so each step is round too.
TICKS = 5


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    period: str
    text: str
    coverage: str
    # The figure written beside the point: the number alone ("8", "48 %"), which fits
    # however many periods there are; ``text`` says it in full for the chart's description.
    label: str


@dataclass(frozen=True, slots=True)
class Line:
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    """The regional series as an SVG's coordinates (viewBox ``width`` × ``height``): the
    points and the line through them, the baseline's and the target's horizontal lines and
    the vertical axis's ticks. None of it is markup: the template draws it."""

    width: int
    height: int
    left: int
    right: int
    bottom: float
    points: list
    path: str
    baseline: Line | None
    target: Line | None
    ticks: list


def _scale_top(values, indicator):
    if indicator.kind == Kind.PERCENTAGE:
        return Decimal(100)
    highest = max(values, default=Decimal(0))
    if highest <= 0:
        return Decimal(1)
    # Up to the next 1, 2 or 5 × a power of ten, so the ticks are round numbers.
    magnitude = Decimal(10) ** (len(str(int(highest))) - 1)
    for step in (1, 2, 5, 10):
        if highest <= step * magnitude:
            return Decimal(step) * magnitude
    return highest


def _point_label(indicator, value):
    if indicator.aggregation == Aggregation.COUNT_YES:
        return number_text(value)
    return regional_text(indicator, value)


def line_chart(indicator, series):
    """The geometry of ``series`` (``Regional`` per period) against the indicator's baseline
    and target; None when no period has a value."""
    plotted = [regional for regional in series if regional.value is not None]
    if not plotted:
        return None
    references = [
        value for value in (indicator.baseline_value, indicator.target_value) if value is not None
    ]
    top = _scale_top([r.value for r in plotted] + references, indicator)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height

    def y_of(value):
        return round(bottom - float(Decimal(value) / top) * plot_height, 1)

    step = plot_width / len(plotted)
    points = [
        Point(
            round(LEFT + (position + 0.5) * step, 1),
            y_of(regional.value),
            period_label(regional.period),
            regional_text(indicator, regional.value),
            f"{regional.reported}/{regional.total}",
            _point_label(indicator, regional.value),
        )
        for position, regional in enumerate(plotted)
    ]
    path = " ".join(f"{point.x},{point.y}" for point in points)
    baseline = target = None
    if indicator.baseline_value is not None:
        baseline = Line(y_of(indicator.baseline_value), number_text(indicator.baseline_value))
    if indicator.target_value is not None:
        target = Line(y_of(indicator.target_value), number_text(indicator.target_value))
    ticks = [Line(y_of(top * n / TICKS), number_text(top * n / TICKS)) for n in range(TICKS + 1)]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, bottom, points, path, baseline, target, ticks)
