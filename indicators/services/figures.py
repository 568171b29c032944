"""The region's value of an indicator and its coverage: the one statement of the rule.

For each period, the region's value combines the **current published** values of the
member states that reported for that period (``Indicator.aggregation``): their sum, their
mean, or how many answered yes. A state without a value for the period is left out, never
counted as 0, and every regional value is given with its coverage ("12 of 33 states
reported"). Drafts, submissions and returned values are never read.

The pages read every current value of the indicators they show in one query
(``current_values``) and compute everything here, in Python: the query count does not grow
with the values' history.
"""

from dataclasses import dataclass
from decimal import Decimal

from ..models import Aggregation, IndicatorValue
from ..periods import sort_key

# What the pages read of each current value.
VALUE_FIELDS = ("indicator_id", "member_state_id", "period", "value", "is_demo")


@dataclass(frozen=True, slots=True)
class Regional:
    """The region's value for one period (None: no state reported) and its coverage."""

    period: str
    value: Decimal | None
    reported: int
    total: int


def aggregate(aggregation, values):
    """The region's value of ``values`` (the states' values for one period) by
    ``aggregation``; None when there are none."""
    values = list(values)
    if not values:
        return None
    if aggregation == Aggregation.SUM:
        return sum(values, Decimal(0))
    if aggregation == Aggregation.MEAN:
        return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))
    if aggregation == Aggregation.COUNT_YES:
        return Decimal(sum(1 for value in values if value == 1))
    raise ValueError(f"unknown aggregation {aggregation!r}")


def current_values(indicator_ids=None):
    """Every current published value, as tuples of ``VALUE_FIELDS``: one query."""
    rows = IndicatorValue.objects.current()
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=indicator_ids)
    return list(rows.order_by().values_list(*VALUE_FIELDS))


@dataclass
class IndicatorFigures:
    """One indicator's figures: the region's value per period (oldest first), each state's
    latest value ({state id: (period, value)}) and whether any value is demo data."""

    indicator: object
    series: list
    latest_by_state: dict
    has_demo: bool

    @property
    def latest(self):
        """The region's value for the latest period any state reported for, or None."""
        return self.series[-1] if self.series else None


def figures(indicators, rows, states_total):
    """{indicator id: IndicatorFigures} for ``indicators`` from ``rows``
    (``current_values``); ``states_total`` is the number of member states."""
    by_indicator = {indicator.pk: indicator for indicator in indicators}
    grouped = {pk: {} for pk in by_indicator}
    latest = {pk: {} for pk in by_indicator}
    demo = dict.fromkeys(by_indicator, False)
    for indicator_id, state_id, period, value, is_demo in rows:
        if indicator_id not in grouped:
            continue
        grouped[indicator_id].setdefault(period, []).append(value)
        demo[indicator_id] = demo[indicator_id] or is_demo
        seen = latest[indicator_id].get(state_id)
        if seen is None or sort_key(period) > sort_key(seen[0]):
            latest[indicator_id][state_id] = (period, value)
    result = {}
    for pk, indicator in by_indicator.items():
        series = [
            Regional(period, aggregate(indicator.aggregation, values), len(values), states_total)
            for period, values in sorted(grouped[pk].items(), key=lambda item: sort_key(item[0]))
        ]
        result[pk] = IndicatorFigures(indicator, series, latest[pk], demo[pk])
    return result
