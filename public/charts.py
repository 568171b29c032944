"""The geometry of the progress-over-time charts: numbers only, in the SVG's user units.

The pages draw the charts on the server (no JavaScript): this module turns a monthly series
(``commitments.services.history.monthly_series``) into the coordinates of the line, its
points and the axes' ticks, with each month's label in the active language; the template
``jinja2/public/includes/history_chart.html`` writes the SVG and the table equivalent.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext

from .formatting import date_text, pct

WIDTH, HEIGHT = 640, 260
# The plot area inside the SVG: room on the left for the percentages, below for months.
LEFT, RIGHT, TOP, BOTTOM = 90, 24, 16, 48
Y_TICKS = (0, 25, 50, 75, 100)
# Labels under the axis: at most six on a wide screen, three on a phone (history.css);
# months for a short history, years (each January) for one longer than YEARS_AFTER months.
MAX_X_LABELS, MAX_X_LABELS_NARROW = 6, 3
YEARS_AFTER = 18
# "mar 2026": short enough for six labels across a phone's width.
AXIS_MONTH = "M Y"


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    month: object
    label: str  # the month, in words
    value: str  # the percentage, in words
    figure: object


@dataclass(frozen=True)
class Chart:
    """A line chart of progress (0–100 %) by month. ``segments``: the line's runs of points
    (a month without a figure breaks it), each as an SVG ``points`` string; ``points``: every
    month with a figure; ``x_ticks``/``y_ticks``: (position, label)."""

    title: str
    description: str
    points: list
    segments: list
    x_ticks: list
    x_ticks_narrow: list
    y_ticks: list
    rows: list = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def has_data(self):
        return bool(self.points)


def _tick_indices(count, most):
    """Up to ``most`` evenly spread indices of ``count`` months, the first and last among them."""
    if count <= most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})


def _y(percent):
    return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * percent / 100, 1)


def progress_chart(series, title):
    """The chart of ``series`` ([MonthFigure], oldest first, one per month) under ``title``.

    Each month is a point at its figure (unrounded), joined in order; the table lists every
    month with its percentage and coverage."""
    count = len(series)
    span = WIDTH - LEFT - RIGHT
    step = span / (count - 1) if count > 1 else 0
    points, segments, run, rows = [], [], [], []
    for index, figure in enumerate(series):
        x = round(LEFT + (index * step if count > 1 else span / 2), 1)
        label = date_text(figure.month, "YEAR_MONTH_FORMAT")
        value = pct(figure.percent)
        rows.append((figure.month, label, value, figure))
        if figure.mean is None:
            if run:
                segments.append(run)
            run = []
            continue
        point = ChartPoint(x, _y(figure.mean), figure.month, label, value, figure)
        points.append(point)
        run.append(point)
    if run:
        segments.append(run)

    def tick(index, label):
        x = round(LEFT + (index * step if count > 1 else span / 2), 1)
        anchor = "middle"
        if count > 1 and index == 0:
            anchor = "start"
        elif count > 1 and index == count - 1:
            anchor = "end"
        return (x, label, anchor)

    def ticks(most):
        if count > YEARS_AFTER:
            # A long history: each January, labelled with its year alone.
            januaries = [index for index, f in enumerate(series) if f.month.month == 1]
            every = max(1, -(-len(januaries) // most))
            return [tick(index, str(series[index].month.year)) for index in januaries[::every]]
        return [
            tick(index, date_text(series[index].month, AXIS_MONTH))
            for index in _tick_indices(count, most)
        ]

    description = ""
    if points:
        first, latest = points[0], points[-1]
        description = gettext(
            "From %(first_value)s in %(first_month)s to %(last_value)s in %(last_month)s."
        ) % {
            "first_value": first.value,
            "first_month": first.label,
            "last_value": latest.value,
            "last_month": latest.label,
        }
    return Chart(
        title=title,
        description=description,
        points=points,
        segments=[" ".join(f"{p.x},{p.y}" for p in segment) for segment in segments],
        x_ticks=ticks(MAX_X_LABELS),
        x_ticks_narrow=ticks(MAX_X_LABELS_NARROW),
        y_ticks=[(_y(value), pct(value)) for value in Y_TICKS],
        rows=rows,
    )
