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
from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

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


def in_active_language(function):
    """``function`` as a filter that Jinja2 never applies while compiling a template.

    Jinja2 folds a filter over a literal (``{{ 0|pct }}``) into the compiled template, in
    whatever language was active then; these filters' text depends on the page's language.
    """

    @pass_context
    def text(_context, *args):
        return function(*args)

    return text


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)
    env.globals.update(
        url=formatting.url,
        link=formatting.link,
        static=static,
        get_language=get_language,
        querystring=querystring,
        evidence_href=formatting.evidence_href,
    )
    env.filters.update(
        pct=in_active_language(formatting.pct),
        status_label=in_active_language(formatting.status_label),
        freshness_label=in_active_language(formatting.freshness_label),
        date=in_active_language(formatting.date_text),
        localize=in_active_language(formatting.localized),
        filesizeformat=in_active_language(formatting.file_size),
        truncatewords=formatting.truncatewords,
        capfirst=capfirst,
        linebreaks=linebreaks,
        linebreaksbr=linebreaksbr,
    )
    return env
