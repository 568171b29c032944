"""Absolute addresses of the portal's pages, for e-mails and downloads.

Built from ``SITE_URL`` (the portal's public address), never from the request: a download
or an e-mail is the same for every reader, whatever host name or scheme they came by.
"""

from django.conf import settings


def absolute(path):
    """``path`` (``/es/reports/8/``) at the portal's public address."""
    return settings.SITE_URL.rstrip("/") + path
