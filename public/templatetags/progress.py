"""Template helpers for the public figures: a percentage, its coverage, a bar.

The figure, the bar, the badges and the dashboard's long lists (the state × work area
matrix, the deadlines, the freshness grid, the latest reports) are written in Python rather
than with templates: the dashboard shows several hundred of them, and a template tag or an
include per cell made its rendering the slowest part of the portal. The markup, down to the
line break that ended each included template, is the one the templates wrote, so the pages
did not change.
"""

import functools
from html import escape as html_escape

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format, localize, number_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
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
    filled = f'<rect class="bar-fg" width="{fig.percent or 0}" height="8"/>' if fig.has_data else ""
    return mark_safe(
        f'<svg class="bar bar-{fig.bucket}" viewBox="0 0 100 8" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false"><rect class="bar-bg" width="100" height="8"/>'
        f"{filled}</svg>\n"
    )


@register.simple_tag
def status_badge(status):
    """The status as a coloured badge."""
    return mark_safe(
        f'<span class="badge badge-{escape(status)}">{escape(status_label(status))}</span>\n'
    )


@register.simple_tag
def due(commitment, overdue=False, due_soon=False):
    """The deadline with its words from the plan and a flag."""
    if not commitment.due_date:
        return mark_safe(f'<span class="muted">{gettext("No deadline in the plan")}</span>\n')
    day = commitment.due_date
    html = (
        f'<span class="due"><time datetime="{date_text(day, "Y-m-d")}">'
        f"{date_text(day, 'DATE_FORMAT')}</time>"
    )
    if commitment.due_label:
        html += f' (<span lang="es">{escape(commitment.due_label)}</span>)'
    if overdue:
        html += f' <strong class="overdue">{gettext("Overdue")}</strong>'
    elif due_soon:
        html += f' <strong class="due-soon">{gettext("Due soon")}</strong>'
    return mark_safe(html + "</span>\n")


@register.simple_tag
def freshness_badge(light, last=None):
    """The age of the latest published report as a coloured light, with its date."""
    label = escape(FRESHNESS_LABELS.get(light, light))
    if last:
        title = escape(
            gettext("Latest published report: %(date)s")
            % {"date": date_format(last, "DATE_FORMAT")}
        )
        body = (
            f' title="{title}"><time datetime="{date_text(last, "Y-m-d")}">'
            f"{date_text(last, 'SHORT_DATE_FORMAT')}</time>"
        )
    else:
        body = f">{gettext('No report')}"
    return mark_safe(
        f'<span class="fresh fresh-{escape(light)}"{body}'
        f'<span class="visually-hidden"> ({label})</span></span>\n'
    )


register.simple_tag(figure_html, name="figure")
register.simple_tag(bar_html, name="bar")


def matrix_header_html(areas):
    """The matrix's column headers: one link per work area, its name in the title."""
    label = gettext("Area")
    return mark_safe(
        "".join(
            f'<th scope="col" class="num"><a href="{link(area)}" title="{escape(area.name)}" '
            f'lang="es"><span class="visually-hidden">{label} </span>{area.number}</a></th>'
            for area in areas
        )
    )


def matrix_rows_html(matrix):
    """The state × work area matrix's body rows, as HTML: one ``<tr>`` per member state.

    ``matrix``: [(state, [(area, figure), ...]), ...]. Each cell says its value and coverage
    in text and in its title, and is coloured by its bucket.
    """
    of_reported = gettext("%(reported)s of %(total)s reported")
    empty = (
        '<span class="cell-value">—</span>'
        f'<span class="visually-hidden">{escape(gettext("no report"))}</span>'
    )
    # (percent, reported, total) -> the cell's class, the end of its title and its content:
    # a few dozen distinct cells on a page of hundreds.
    kinds = {}
    areas = {}
    rows = []
    for state, cells in matrix:
        state_name = html_escape(state.name)
        html = [
            f'<th scope="row"><a href="{link(state)}" lang="es">{state_name}</a></th>\n          '
        ]
        for area, fig in cells:
            area_label = areas.get(area.pk)
            if area_label is None:
                area_label = areas[area.pk] = f"{area.number}. {html_escape(area.name)}"
            percent, reported, total = fig.percent, fig.parts_reported, fig.parts_total
            kind = kinds.get((percent, reported, total))
            if kind is None:
                value = escape(pct(percent))
                coverage = of_reported % {"reported": _count(reported), "total": _count(total)}
                if percent is None:
                    content = empty
                else:
                    content = (
                        f'<span class="cell-value">{value}</span>'
                        f'<span class="cell-coverage">{reported}/{total}</span>'
                    )
                kind = kinds[percent, reported, total] = (
                    bucket(percent),
                    f"{value} — {coverage}",
                    content,
                )
            html.append(
                f'\n          <td class="cell cell-{kind[0]}" title="{state_name} · '
                f'{area_label}: {kind[1]}">{kind[2]}</td>\n          '
            )
        rows.append("\n        <tr>\n          " + "".join(html) + "\n        </tr>\n        ")
    return mark_safe("".join(rows))


@functools.lru_cache(maxsize=4096)
def _reverse(urlconf, prefix, language, viewname, *args):
    return escape(reverse(viewname, urlconf=urlconf, args=args))  # escape() marks it safe


@register.simple_tag(name="url_of")
def url_here(viewname, *args):
    """``{% url %}`` for the public pages, reversed once per process for each name and
    arguments: the dashboard has sixteen of them, and reversing is slow."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(urlconf, get_script_prefix(), get_language(), viewname, *args)


# How each model the dashboard links to builds its address: the argument of the URL pattern
# its get_absolute_url() reverses (tests/test_dashboard_links.py keeps the two the same).
LINKED = {
    "commitments.commitment": ("public:commitment", "reference"),
    "commitments.memberstate": ("public:state", "iso_code"),
    "commitments.progressreport": ("public:report", "pk"),
    "areas.workarea": ("public:area", "number"),
    "areas.agency": ("public:agency", "acronym"),
}


def link(obj):
    """``obj.get_absolute_url()``, escaped, reversed once per process for each object.

    Reversing costs more than anything else a link does, and the dashboard has a few
    hundred links to the same hundred objects.
    """
    found = LINKED.get(obj._meta.label_lower)
    if found is None:
        return escape(obj.get_absolute_url())
    viewname, attribute = found
    return url_here(viewname, getattr(obj, attribute))


@functools.lru_cache(maxsize=4096)
def _date_text(language, format_name, value):
    return escape(date_format(value, format_name))


def date_text(value, format_name):
    """``value|date:format_name`` in the active language, escaped; formatted once each."""
    return _date_text(get_language(), format_name, value)


@register.simple_tag
def breakdown_chart(items, scope="region"):
    """The chart rows of a breakdown: [(key, name, url, figure), ...]; ``scope`` as for
    ``figure_html``."""
    return mark_safe(
        "".join(
            '\n    <li class="chart-row">\n      <a class="chart-label" '
            f'href="{conditional_escape(url)}"><span class="ref">{escape(key)}</span> '
            f'<span lang="es">{escape(name)}</span></a>\n'
            f'      <span class="chart-bar">{bar_html(fig)}</span>\n'
            f'      <span class="chart-value">{figure_html(fig, scope)}</span>\n    </li>\n    '
            for key, name, url, fig in items
        )
    )


@register.simple_tag
def breakdown_table(items):
    """The table equivalent's rows of a breakdown: [(key, name, url, figure), ...]."""
    return mark_safe(
        "".join(
            f'\n          <tr><td>{escape(key)}</td><th scope="row">'
            f'<a href="{conditional_escape(url)}" lang="es">{escape(name)}</a></th>'
            f'<td class="num">{escape(pct(fig.percent))}</td>'
            f'<td class="num">{fig.states_reported} / {fig.states_total}</td>'
            f'<td class="num">{fig.parts_reported} / {fig.parts_total}</td></tr>\n          '
            for key, name, url, fig in items
        )
    )


def deadline_rows_html(rows):
    """The dashboard's deadline table rows, earliest first."""
    html = []
    for row in rows:
        commitment = row.commitment
        text = escape(Truncator(commitment.text).words(14, truncate=" …"))
        html.append(
            f"\n        <tr{' class="row-overdue"' if row.overdue else ''}>\n"
            f'          <th scope="row"><a href="{link(commitment)}"><span class="ref">'
            f'{escape(commitment.reference)}</span> <span lang="es">{text}</span></a></th>\n'
            f"          <td>{due(commitment, row.overdue, row.due_soon)}</td>\n"
            f"          <td>{status_badge(row.figure.status)}</td>\n"
            f"          <td>{figure_html(row.figure)}</td>\n        </tr>\n        "
        )
    return mark_safe("".join(html))


def freshness_grid_html(rows_by_area):
    """The freshness grid: per work area, a light per commitment with its age in the title.

    ``rows_by_area``: [(area, [row, ...]), ...].
    """
    html = []
    for area, rows in rows_by_area:
        name = html_escape(Truncator(area.name).words(6, truncate=" …"))
        html.append(
            f'\n    <div>\n      <dt><a href="{link(area)}"><span class="area-number">'
            f'{area.number}.</span><span lang="es">{name}</span></a></dt>\n'
            '      <dd><ul class="chips">'
        )
        for row in rows:
            label = escape(row.freshness_label)
            last = row.figure.last_reported
            title = f"{label}: {date_text(last, 'DATE_FORMAT')}" if last else label
            html.append(
                f'<li><a class="chip" href="{link(row.commitment)}" title="{title}">'
                f'<span class="light light-{row.freshness}" aria-hidden="true"></span>'
                f"{html_escape(row.commitment.reference)}"
                f'<span class="visually-hidden"> — {label}</span></a></li>'
            )
        html.append("</ul></dd>\n    </div>\n    ")
    return mark_safe("".join(html))


def latest_reports_html(reports):
    """The rows of the latest published reports' table."""
    demo = f' <span class="badge badge-demo">{gettext("Demo data")}</span>'
    html = []
    for report in reports:
        published = localtime(report.published_at)
        state = report.member_state
        number = gettext("Report %(number)s") % {"number": escape(localize(report.pk))}
        html.append(
            "\n        <tr>\n"
            # The "c" format is isoformat(); the short date shows the day only.
            f'          <td><time datetime="{published.isoformat()}">'
            f"{date_text(published.date(), 'SHORT_DATE_FORMAT')}</time></td>\n"
            f'          <td><a href="{link(state)}" lang="es">{escape(state.name)}</a></td>\n'
            f'          <td><a href="{link(report.commitment)}">'
            f"{escape(report.commitment.reference)}</a></td>\n"
            f"          <td>{status_badge(report.status)}{demo if report.is_demo else ''}</td>\n"
            f'          <td class="num">{escape(pct(report.percentage))}</td>\n'
            f'          <td><a href="{link(report)}">{number}</a></td>\n'
            "        </tr>\n        "
        )
    return mark_safe("".join(html))


@register.simple_tag
def evidence_link(evidence):
    """A piece of evidence as a link, with what it is: a file (and its size) or a link."""
    href = escape(evidence_href(evidence))
    if evidence.is_file:
        size = f", {filesizeformat(evidence.size)}" if evidence.size else ""
        return mark_safe(
            f'<a href="{href}">{escape(evidence.title or gettext("Attached file"))}</a> '
            f'<span class="small muted">({gettext("file")}{size})</span>\n'
        )
    return mark_safe(
        f'<a href="{href}" rel="nofollow noopener">{escape(evidence.title or evidence.url)}</a> '
        f'<span class="small muted">({gettext("link")})</span>\n'
    )


def state_rows_html(state_rows):
    """The rows of a commitment's table of the 33 member states: each state's status,
    figure, latest report and that report's evidence.

    ``state_rows``: dicts with ``state``, ``figure``, ``report_id``, ``is_demo`` and
    ``evidence``, as ``commitments.views`` builds them.
    """
    labels = {
        "status": escape(gettext("Status")),
        "progress": escape(gettext("Progress")),
        "latest": escape(gettext("Latest report")),
        "evidence": escape(gettext("Evidence")),
    }
    demo = f' <span class="badge badge-demo">{gettext("Demo data")}</span>'
    no_report = f'<span class="muted">{gettext("No report")}</span>'
    none_attached = f'<span class="muted">{gettext("None attached")}</span>'
    of_total = gettext("%(reported)s of %(total)s")
    html = []
    for item in state_rows:
        state, figure, report_id = item["state"], item["figure"], item["report_id"]
        progress = escape(pct(figure.percent))
        if figure.parts_total is not None and figure.has_data:
            parts = of_total % {
                "reported": _count(figure.parts_reported),
                "total": _count(figure.parts_total),
            }
            progress += f' <span class="small muted">({parts})</span>'
        last = figure.last_reported
        if last:
            latest = (
                f'<time datetime="{date_text(last, "Y-m-d")}">'
                f"{date_text(last, 'DATE_FORMAT')}</time>"
            )
            if report_id:
                latest = f'<a href="{url_here("public:report", report_id)}">{latest}</a>'
        else:
            latest = no_report
        if item["evidence"]:
            evidence = "".join(f"<li>{evidence_link(e)}</li>" for e in item["evidence"])
            evidence = f'<ul class="evidence-list">{evidence}</ul>'
        else:
            evidence = none_attached if report_id else ""
        html.append(
            "\n        <tr>\n"
            f'          <th scope="row"><a href="{link(state)}" lang="es">'
            f"{escape(state.name)}</a></th>\n"
            f'          <td data-label="{labels["status"]}">{status_badge(figure.status)}'
            f"{demo if item['is_demo'] else ''}</td>\n"
            f'          <td class="num" data-label="{labels["progress"]}">{progress}</td>\n'
            f'          <td data-label="{labels["latest"]}">{latest}</td>\n'
            f'          <td data-label="{labels["evidence"]}">{evidence}</td>\n'
            "        </tr>\n        "
        )
    return mark_safe("".join(html))


def timeline_html(reports, current_report_ids, show_reference):
    """A commitment's published reports, newest first, each marked current or replaced.

    ``show_reference``: say which sub-commitment each report is on (a parent's timeline).
    """
    current = f'<span class="badge badge-published">{gettext("Current")}</span>'
    replaced = f'<span class="small">({gettext("replaced by a later report")})</span>'
    demo = f'\n      <span class="badge badge-demo">{gettext("Demo data")}</span>'
    superseded = ' class="timeline-superseded"'
    html = []
    for report in reports:
        is_current = report.pk in current_report_ids
        state = report.member_state
        day = report.reported_on
        reference = f" · {escape(report.commitment.reference)}" if show_reference else ""
        number = gettext("Report %(number)s") % {"number": escape(localize(report.pk))}
        html.append(
            f"\n    <li{'' if is_current else superseded}>\n"
            f'      <time datetime="{date_text(day, "Y-m-d")}">'
            f"{date_text(day, 'DATE_FORMAT')}</time> ·\n"
            f'      <a href="{link(state)}" lang="es">{escape(state.name)}</a>{reference} ·\n'
            f"      {status_badge(report.status)} {escape(pct(report.percentage))} ·\n"
            f'      <a href="{link(report)}">{number}</a>\n'
            f"      {current if is_current else replaced}"
            f"{demo if report.is_demo else ''}\n"
            "    </li>\n    "
        )
    return mark_safe("".join(html))


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
