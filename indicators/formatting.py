"""Indicator values as the active language writes them. Plain strings: templates write the
HTML."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from .models import Aggregation, Kind
from .periods import label as period_label

__all__ = ["coverage_text", "number_text", "period_label", "regional_text", "value_text"]


def number_text(value):
    """A number without needless decimals: "12", "12,5" or "12.5" as the language writes."""
    if value is None:
        return "—"
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, places, use_l10n=True)


def value_text(indicator, value):
    """One state's value of ``indicator``: "Yes", "48 %", "3"."""
    if value is None:
        return "—"
    if indicator.kind == Kind.YES_NO:
        return gettext("Yes") if value == 1 else gettext("No")
    if indicator.kind == Kind.PERCENTAGE:
        return gettext("%(value)s %%") % {"value": number_text(value)}
    return number_text(value)


def regional_text(indicator, value):
    """The region's value of ``indicator``: a count of yes is said as such."""
    if value is None:
        return gettext("— no values yet")
    if indicator.aggregation == Aggregation.COUNT_YES:
        count = int(value)
        return ngettext(
            "%(count)d state answering yes", "%(count)d states answering yes", count
        ) % {"count": count}
    if indicator.kind == Kind.PERCENTAGE:
        return gettext("%(value)s %%") % {"value": number_text(value)}
    return number_text(value)


def coverage_text(reported, total):
    """A regional value's coverage: "12 of 33 states reported"."""
    return ngettext(
        "%(reported)d of %(total)d states reported",
        "%(reported)d of %(total)d states reported",
        reported,
    ) % {"reported": reported, "total": total}
