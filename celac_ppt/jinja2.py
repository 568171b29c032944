"""The Jinja2 environment of the pages under jinja2/.

Interface strings are marked with ``_()``, ``ngettext()`` and ``{% trans %}``: Jinja2's i18n
extension with Django's own catalogues, so ``manage.py makemessages`` (the portal's version,
celac_ppt/management/commands/makemessages.py) extracts them into locale/ like any other.
"""

from collections.abc import Iterable, Mapping

from django.templatetags.static import static
from django.utils.html import linebreaks as _linebreaks
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext, pgettext
from jinja2 import Environment
from markupsafe import Markup, escape

from areas.plan_text import versions as plan_versions
from commitments.services.progress import PRELIMINARY_BELOW
from indicators import formatting as indicator_formatting
from public import formatting


def querystring(request, **changes):
    """Django's ``{% querystring %}``: the page's query with ``changes`` made (``None``
    removes a key), starting with "?"."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif isinstance(value, Iterable) and not isinstance(value, str | Mapping):
            params.setlist(key, [item for item in value if item is not None])
        else:
            params[key] = value
    return "?" + (params.urlencode() if params else "")


def linebreaks(value):
    """Django's ``linebreaks`` filter: paragraphs and line breaks, the text escaped."""
    return Markup(_linebreaks(str(value), autoescape=True))


def linebreaksbr(value):
    """Django's ``linebreaksbr`` filter."""
    text = str(escape(value)).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(text.replace("\n", "<br>"))


def environment(**options):
    """The filters that write text in the page's language (``pct``, ``date``, the labels)
    are plain functions, called hundreds of times a page. Jinja2 applies a filter to a
    literal once, while compiling (``{{ 50|pct }}`` would keep the language of the first
    page that used it), so the templates apply them to variables only.

    Every page escapes what it prints, whatever the settings say: a plan text, a narrative
    or a state name is never markup."""
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)
    env.globals.update(
        url=formatting.url,
        link=formatting.link,
        static=static,
        get_language=get_language,
        querystring=querystring,
        evidence_href=formatting.evidence_href,
        plan_versions=plan_versions,
        indicator_value_text=indicator_formatting.value_text,
        indicator_regional_text=indicator_formatting.regional_text,
        period_label=indicator_formatting.period_label,
        indicator_coverage_text=indicator_formatting.coverage_text,
        preliminary_below=PRELIMINARY_BELOW,
    )
    env.filters.update(
        pct=formatting.pct,
        status_label=formatting.status_label,
        freshness_label=formatting.freshness_label,
        date=formatting.date_text,
        machine_datetime=formatting.machine_datetime,
        localize=formatting.localized,
        filesizeformat=formatting.file_size,
        truncatewords=formatting.truncatewords,
        capfirst=capfirst,
        linebreaks=linebreaks,
        linebreaksbr=linebreaksbr,
    )
    return env
