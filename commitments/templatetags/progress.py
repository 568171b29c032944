"""Template helpers for the public figures: a percentage, its coverage, a bar.

The figure, the bar and the matrix cell are written in Python rather than with included
templates: the dashboard shows several hundred of them, and a template per cell made its
rendering the slowest part of the portal. The markup is the same the templates wrote.
"""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from commitments.services.progress import FRESHNESS_LABELS, STATUS_LABELS, bucket

register = template.Library()

# (language, whole percentage) -> its text; 0 to 100 in each language, so it stays small.
_pct_texts = {}


@register.filter
def pct(value):
    """A whole percentage as the current language writes it ("48 %", "48%"), or "—"."""
    if value is None:
        return "—"
    cacheable = type(value) is int and 0 <= value <= 100
    if cacheable:
        key = (get_language(), value)
        text = _pct_texts.get(key)
        if text is not None:
            return text
    text = gettext("%(value)s %%") % {"value": number_format(value, 0)}
    if cacheable:
        _pct_texts[key] = text
    return text


@register.filter
def status_label(value):
    return STATUS_LABELS.get(value, value)


@register.filter
def freshness_label(value):
    return FRESHNESS_LABELS.get(value, value)


def _count(value):
    # What a template prints for a count inside {% blocktranslate %}: counts stay below 1,000,
    # where no language groups digits.
    return str(value)


def figure_html(fig, scope="region"):
    """The mean in bold and its coverage in words. ``scope``: "region" or "state"."""
    if fig.has_data:
        if scope == "state":
            if fig.parts_total is not None:
                coverage = ngettext(
                    "%(reported)s of %(total)s commitment reported",
                    "%(reported)s of %(total)s commitments reported",
                    fig.parts_total,
                ) % {"reported": _count(fig.parts_reported), "total": _count(fig.parts_total)}
            else:
                coverage = gettext("reported")
        else:
            coverage = ngettext(
                "%(reported)s of %(total)s state reported",
                "%(reported)s of %(total)s states reported",
                fig.states_total,
            ) % {"reported": _count(fig.states_reported), "total": _count(fig.states_total)}
            if fig.parts_total is not None:
                coverage += " · " + ngettext(
                    "%(reported)s of %(total)s commitment with reports",
                    "%(reported)s of %(total)s commitments with reports",
                    fig.parts_total,
                ) % {"reported": _count(fig.parts_reported), "total": _count(fig.parts_total)}
        return mark_safe(
            f'<span class="figure"><strong class="figure-value">{escape(pct(fig.percent))}'
            f'</strong><span class="coverage"> — {coverage}</span></span>\n'
        )
    if scope == "state":
        coverage = gettext("not reported")
    else:
        coverage = ngettext(
            "no reports yet (0 of %(total)s state)",
            "no reports yet (0 of %(total)s states)",
            fig.states_total,
        ) % {"total": _count(fig.states_total)}
    return mark_safe(
        '<span class="figure figure-empty"><strong class="figure-value">—</strong> '
        f'<span class="coverage">{coverage}</span></span>\n'
    )


def bar_html(fig):
    """A server-rendered bar: decorative, the figure next to it says the value in words."""
    filled = (
        f'<rect class="bar-fg" width="{fig.percent or 0}" height="8"/>' if fig.has_data else ""
    )
    return mark_safe(
        f'<svg class="bar bar-{fig.bucket}" viewBox="0 0 100 8" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false"><rect class="bar-bg" width="100" height="8"/>'
        f"{filled}</svg>\n"
    )


@register.simple_tag
def status_badge(status):
    """The status as a coloured badge (what ``includes/status.html`` writes)."""
    return mark_safe(
        f'<span class="badge badge-{escape(status)}">{escape(status_label(status))}</span>\n'
    )


@register.simple_tag
def due(commitment, overdue=False, due_soon=False):
    """The deadline with its words from the plan and a flag (what ``includes/due.html`` writes)."""
    if not commitment.due_date:
        return mark_safe(f'<span class="muted">{gettext("No deadline in the plan")}</span>\n')
    day = commitment.due_date
    html = (
        f'<span class="due"><time datetime="{date_format(day, "Y-m-d")}">'
        f'{escape(date_format(day, "DATE_FORMAT"))}</time>'
    )
    if commitment.due_label:
        html += f' (<span lang="es">{escape(commitment.due_label)}</span>)'
    if overdue:
        html += f' <strong class="overdue">{gettext("Overdue")}</strong>'
    elif due_soon:
        html += f' <strong class="due-soon">{gettext("Due soon")}</strong>'
    return mark_safe(html + "</span>\n")


register.simple_tag(figure_html, name="figure")
register.simple_tag(bar_html, name="bar")


def matrix_rows_html(matrix):
    """The state × work area matrix as [(state, its row's ``<td>`` cells as HTML), ...].

    ``matrix``: [(state, [(area, figure), ...]), ...]. Each cell says its value and coverage
    in text and in its title, and is coloured by its bucket.
    """
    of_reported = gettext("%(reported)s of %(total)s reported")
    empty = (
        '<span class="cell-value">—</span>'
        f'<span class="visually-hidden">{escape(gettext("no report"))}</span>'
    )
    values = {}  # percent -> its escaped text: a few dozen distinct values per page
    areas = {}
    rows = []
    for state, cells in matrix:
        state_name = escape(state.name)
        html = []
        for area, fig in cells:
            area_label = areas.get(area.pk)
            if area_label is None:
                area_label = areas[area.pk] = f"{area.number}. {escape(area.name)}"
            percent = fig.percent
            value = values.get(percent)
            if value is None:
                value = values[percent] = escape(pct(percent))
            coverage = of_reported % {
                "reported": _count(fig.parts_reported),
                "total": _count(fig.parts_total),
            }
            if percent is None:
                content = empty
            else:
                content = (
                    f'<span class="cell-value">{value}</span>'
                    f'<span class="cell-coverage">{fig.parts_reported}/{fig.parts_total}</span>'
                )
            html.append(
                f'\n          <td class="cell cell-{bucket(percent)}" title="{state_name} · '
                f'{area_label}: {value} — {coverage}">{content}</td>\n          '
            )
        rows.append((state, mark_safe("".join(html))))
    return rows


@register.simple_tag
def evidence_href(evidence):
    """Where the public opens a piece of evidence: its link, or the file's download view."""
    if not evidence.is_file:
        return evidence.url
    return evidence_file_url(evidence)


def evidence_file_url(evidence):
    try:
        return reverse("workspace:evidence", args=[evidence.pk])
    except NoReverseMatch:
        return evidence.file.url
