import sys

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache

from .middleware import UNAVAILABLE, unavailable_response


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def server_error(request):
    """The 500 page, or the 503 page when the error was the database being unreachable.

    Errors raised outside a view (a session saved on the way out, say) arrive here rather
    than at the middleware; they are told apart the same way.
    """
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return unavailable_response(request)
    return render(request, "500.html", status=500)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, error pages')."""
    return redirect(static("img/favicon.svg"), permanent=True)


# Pages for signed-in people and forms, under every language prefix, and the admin: nothing
# for a search engine to index. Public pages, downloads and the API may be crawled.
ROBOTS_TXT = """User-agent: *
Disallow: /admin/
Disallow: /*/accounts/
Disallow: /*/my-state/
Disallow: /*/review/
Disallow: /*/follow/
"""


@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """What crawlers may read (RFC 9309)."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
