"""Text for the pages: percentages, labels, dates and addresses, as the active language writes
them. Plain strings, never markup: the templates under jinja2/ write the HTML.

The public pages print several hundred of these, so what costs (reversing an address,
formatting a date, a percentage) is done once per process for each language and value.
"""

import datetime
import functools

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format, localize
from django.utils.formats import number_format as _number_format
from django.utils.text import Truncator
from django.utils.timezone import localtime, template_localtime
from django.utils.translation import get_language, gettext
from markupsafe import escape

from commitments.services.progress import FRESHNESS_LABELS, STATUS_LABELS

# (language, whole percentage) -> its text; 0 to 100 in each language, so it stays small.
_pct_texts = {}


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
    text = gettext("%(value)s %%") % {"value": _number_format(value, 0)}
    if cacheable:
        _pct_texts[key] = text
    return text


def status_label(value):
    """A status's name in the active language (the status itself when unknown)."""
    label = STATUS_LABELS.get(value)
    return value if label is None else str(label)


def freshness_label(value):
    """A freshness light's meaning in the active language."""
    label = FRESHNESS_LABELS.get(value)
    return value if label is None else str(label)


@functools.lru_cache(maxsize=4096)
def _date_text(language, format_name, value):
    return date_format(value, format_name)


def date_text(value, format_name="DATE_FORMAT"):
    """``value`` as Django's ``date`` filter writes it in the active language, local time for
    a date and time; each formatted once per process. "" for no value.

    The public pages write every date a reader sees in one style, the language's long date
    ("26 de noviembre de 2026", "Nov. 26, 2026", "26 novembre 2026"): they call this with no
    format. A format such as "Y-m-d" is for the machine (a ``<time datetime>``)."""
    if value is None or value == "":
        return ""
    if getattr(value, "tzinfo", None) is not None:
        value = localtime(value)
    return _date_text(get_language(), format_name, value)


def machine_datetime(value):
    """``value`` as a ``<time datetime>`` takes it: local time to the second, with its offset
    ("2020-10-20T14:05:09-06:00"). HTML allows at most three digits of a second's fraction,
    and a published report's time has six. "" for no value."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return value.isoformat()  # a date
    if value.tzinfo is not None:
        value = localtime(value)
    return value.isoformat(timespec="seconds")


def localized(value):
    """A value as Django's template engine prints it: dates and times in local time and the
    language's format, numbers localised, ``None`` as "None"."""
    return localize(template_localtime(value))


def truncatewords(value, count):
    """Django's ``truncatewords`` filter."""
    return Truncator(value).words(count, truncate=" …")


@functools.lru_cache(maxsize=4096)
def _reverse(urlconf, prefix, language, viewname, args):
    return reverse(viewname, urlconf=urlconf, args=args)


def url(viewname, *args):
    """``reverse(viewname, args=args)``, once per process for each language, name and
    arguments: reversing costs more than anything else a link does, and the dashboard has
    a few hundred links to the same hundred pages."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(urlconf, get_script_prefix(), get_language(), viewname, args)


# How each model the pages link to builds its address: the argument of the URL pattern
# its get_absolute_url() reverses (tests/test_dashboard_links.py keeps the two the same).
LINKED = {
    "commitments.commitment": ("public:commitment", "reference"),
    "commitments.memberstate": ("public:state", "iso_code"),
    "commitments.progressreport": ("public:report", "pk"),
    "areas.workarea": ("public:area", "number"),
    "areas.agency": ("public:agency", "acronym"),
}


# (language, script prefix, URL configuration, model, value) -> the object's address.
_links = {}


def link(obj):
    """``obj.get_absolute_url()``, reversed once per process for each object and language."""
    found = LINKED.get(obj._meta.label_lower)
    if found is None:
        return obj.get_absolute_url()
    viewname, attribute = found
    value = getattr(obj, attribute)
    key = (get_language(), get_script_prefix(), get_urlconf(), viewname, value)
    address = _links.get(key)
    if address is None:
        if len(_links) >= 8192:  # reports are many: keep the memory bounded
            _links.clear()
        # Marked safe once escaped: Jinja2 then writes it as it is, hundreds of times a page.
        address = _links[key] = escape(url(viewname, value))
    return address


# The view that downloads each kind of evidence's files.
EVIDENCE_DOWNLOADS = {
    "commitments.evidence": "workspace:evidence",
    "indicators.indicatorevidence": "workspace:indicator_evidence",
}


def evidence_href(evidence):
    """Where the public opens a piece of evidence: its link, or the file's download view."""
    if not evidence.is_file:
        return evidence.url
    try:
        return url(EVIDENCE_DOWNLOADS[evidence._meta.label_lower], evidence.pk)
    except NoReverseMatch:
        return evidence.file.url


def file_size(size):
    """A file's size in words ("1.2 MB"), in the active language."""
    return filesizeformat(size)
