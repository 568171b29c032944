"""Failing cleanly when the database does: a 503 page, and nothing half-written."""

import logging

from django.db import InterfaceError, OperationalError, transaction
from django.shortcuts import render

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
