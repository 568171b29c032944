"""Failing cleanly: a 503 page when the database does, and nothing half-written; a 400 or
413 page, before anything is read, for a request the portal will not take."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

log = logging.getLogger("celac_ppt.database")

UNAVAILABLE = (OperationalError, InterfaceError)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def unavailable_response(request):
    """The 503 page. It reads nothing from the database, which is the thing that is down."""
    response = render(request, "503.html", status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 when the database cannot be reached, and makes each write request atomic.

    A request that may write (POST, PUT, PATCH, DELETE) runs in one transaction that is rolled
    back when the answer is a server error, so a failure half-way leaves no partial change.
    Reads stay outside a transaction: with SQLite's IMMEDIATE mode every transaction takes the
    write lock, so wrapping reads too would queue every page behind every write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
        except UNAVAILABLE as error:
            return self._unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, error):
        log.error("database unavailable on %s %s: %s", request.method, request.path, error)
        return unavailable_response(request)


# What the database refuses in a text: PostgreSQL takes any other character but no NUL
# ("A string literal cannot contain NUL (0x00) characters"), and would answer a search
# for one with a server error.
REFUSED_CHARACTERS = frozenset("\x00")


def _refused(text):
    return not REFUSED_CHARACTERS.isdisjoint(text)


class RequestLimitsMiddleware:
    """Refuses a request the portal will not take before anything reads it.

    - A body larger than ``MAX_REQUEST_BYTES`` (by its ``Content-Length``): 413, before a byte
      of it is read, so a 200 MB upload costs the portal nothing. nginx refuses the same
      bodies first (``client_max_body_size`` in deploy/nginx.conf).
    - An address, query string or cookie with a character the database refuses: 400,
      whatever the page (an admin search or autocomplete, a public filter, a forged session
      cookie: Django's cookie parser turns ``"\\000"`` into a NUL), instead of a server
      error.

    Placed after ``LocaleMiddleware``, so both pages speak the visitor's language, and
    before ``CsrfViewMiddleware``, the first to read a form's body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return render(request, "400.html", status=400)
        if length > settings.MAX_REQUEST_BYTES:
            log.warning(
                "request body refused on %s %s: %s bytes", request.method, request.path, length
            )
            context = {"limit": filesizeformat(settings.MAX_REQUEST_BYTES)}
            return render(request, "413.html", context, status=413)
        refused = self.refused_parts(request)
        if refused:
            if request.path_info.startswith("/api/"):
                # The API's own shape for a value it does not take (its schema's 400).
                message = _("This value holds a character that is not accepted (NUL).")
                return JsonResponse({"errors": {part: [message] for part in refused}}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def refused_parts(request):
        """The parts of the request holding a character the database refuses: "address",
        each such query parameter by name, "cookie"."""
        parts = []
        if _refused(request.path_info):
            parts.append("address")
        parts.extend(
            key.replace("\x00", "")
            for key, values in request.GET.lists()
            if _refused(key) or any(_refused(value) for value in values)
        )
        # The session is read lazily, after this middleware: its key is still unused.
        if any(_refused(key) or _refused(value) for key, value in request.COOKIES.items()):
            parts.append("cookie")
        return parts
