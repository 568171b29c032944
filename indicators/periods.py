"""Reporting periods of indicator values: a semester (``2020-S2``) or a year (``2020``).

The one statement of their shape, their order and which are over: the value form, the
model's validation and the public series all read it.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PERIOD = r"(?P<year>[0-9]{4})(?:-S(?P<half>[12]))?"
_PERIOD_RE = re.compile(rf"\A{PERIOD}\Z")
# The first year a value or a baseline may be reported for.
FIRST_YEAR = 2000
# The form offers periods from the year before the plan (2020) on.
CHOICES_FROM = 2019


def parse(period):
    """(year, half) of ``period``, half 0 for a whole year; None if it is not a period."""
    match = _PERIOD_RE.match(period or "")
    if match is None:
        return None
    return int(match["year"]), int(match["half"] or 0)


def current_period_end(today=None):
    """(year, half) of the semester that contains ``today`` (the portal's date)."""
    today = today or timezone.localdate()
    return today.year, 1 if today.month <= 6 else 2


def is_over_or_current(period, today=None):
    """Whether ``period`` has begun: a semester up to the current one, a year up to this."""
    year, half = parse(period)
    now_year, now_half = current_period_end(today)
    if half == 0:
        return year <= now_year
    return (year, half) <= (now_year, now_half)


def sort_key(period):
    """Years before their semesters' ends: 2020-S1, 2020-S2, 2020 (a year closes last)."""
    year, half = parse(period)
    return (year, half or 3)


def label(period):
    """``period`` in the reader's words: "2nd half of 2020", "2020"."""
    year, half = parse(period)
    if half == 1:
        return gettext("1st half of %(year)d") % {"year": year}
    if half == 2:
        return gettext("2nd half of %(year)d") % {"year": year}
    return str(year)


def validate_period(value):
    parsed = parse(value)
    if parsed is None or parsed[0] < FIRST_YEAR:
        raise ValidationError(
            _("A period is a year (2020) or a semester (2020-S1, 2020-S2), from %(year)d on.")
            % {"year": FIRST_YEAR},
            code="invalid_period",
        )
    if not is_over_or_current(value):
        raise ValidationError(
            _("The period cannot be later than the current semester."), code="future_period"
        )


def choices(today=None):
    """The periods an official may choose, newest first: every year and semester from the
    year before the plan's (``CHOICES_FROM``) to the current one."""
    now_year, _now_half = current_period_end(today)
    periods = []
    for year in range(now_year, CHOICES_FROM - 1, -1):
        for candidate in (f"{year}", f"{year}-S2", f"{year}-S1"):
            if is_over_or_current(candidate, today):
                periods.append(candidate)
    return [(period, label(period)) for period in periods]
