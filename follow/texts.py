"""Texts the feeds, calendars and e-mails write in the reader's language."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext

from commitments.models import Status
from commitments.services.links import absolute  # noqa: F401  (the feeds' and e-mails' links)


def pct(value):
    """A whole percentage as the active language writes it ("48 %", "48%")."""
    return gettext("%(value)s %%") % {"value": number_format(value, 0)}


def status(value):
    return str(Status(value).label)


def day(value):
    return date_format(value, "DATE_FORMAT")


def short(text, length=80):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def host():
    """The portal's host name, from SITE_URL: what names its calendar events and entries."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
