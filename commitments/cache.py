"""The public pages' cache, and the one rule that keeps it honest.

Every rendered public page is stored under the *generation* that was current when its
rendering started. Any write that changes what the public sees bumps the generation, so the
next request on any app server that shares the cache (Redis) misses and renders afresh.
Nothing is ever invalidated page by page: there is no list of pages to forget.

Only anonymous visitors without a session or pending messages are served from, or fill,
the cache; everyone else always gets a fresh rendering. The CSRF token of the language
switcher is never stored: it is replaced by a placeholder and filled in per request.

Pages are stored by the views' wrapper (``cache_public_page``) and served by
``PublicPageCacheMiddleware``, which answers a hit before sessions, authentication and the
rest of the stack run: a hit then costs little more than the static file it is measured
against.
"""

import functools
import hashlib
import logging
import re
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import URLPattern, URLResolver
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_language_from_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"\x00csrf\x00"
# Headers the view itself sets that a cached copy must repeat; the middleware adds the rest.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
# Large downloads would crowd the pages out of the cache; they are rendered every time.
MAX_CACHED_BYTES = 1024 * 1024


def page_cache_seconds():
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)


def current_generation():
    """The generation pages are stored under. One cache read."""
    generation = cache.get(GENERATION_KEY)
    return generation if generation is not None else _start_generation()


def _start_generation():
    # A lost counter restarts at the clock, never at a number older pages may carry.
    cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    return cache.get(GENERATION_KEY)


def bump_generation():
    """Make every cached public page stale, on every server sharing the cache."""
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:
        _start_generation()
        return cache.incr(GENERATION_KEY)


def public_content_changed(**kwargs):
    """Signal receiver for every model whose rows the public pages show.

    Bumps once now, so that later reads in the same transaction never get a page rendered
    before the change, and once on commit, so that a page another server rendered from the
    not-yet-committed state in between is dropped too.
    """
    bump_generation()
    transaction.on_commit(bump_generation, robust=True)


def connect_signals():
    from django.apps import apps

    for label in (
        "areas.ThematicAxis",
        "areas.Agency",
        "areas.Official",
        "areas.WorkArea",
        "areas.Objective",
        "commitments.Commitment",
        "commitments.MemberState",
        "commitments.ProgressReport",
        "commitments.Evidence",
        "commitments.CurrentProgress",
    ):
        model = apps.get_model(label)
        uid = f"public-pages:{label}"
        post_save.connect(public_content_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(public_content_changed, sender=model, dispatch_uid=uid + ":delete")
    work_area = apps.get_model("areas.WorkArea")
    for field in ("agencies", "officials"):
        m2m_changed.connect(
            public_content_changed,
            sender=getattr(work_area, field).through,
            dispatch_uid=f"public-pages:areas.WorkArea.{field}",
        )


def _is_anonymous_read(request):
    """A GET or HEAD from a visitor without a session or pending messages (so not logged in)."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _is_cacheable_request(request):
    return _is_anonymous_read(request) and not request.user.is_authenticated


def _is_cacheable_response(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > MAX_CACHED_BYTES:
        return False
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
        "Cache-Control", ""
    ):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    return not getattr(get_messages(request), "added_new", False)


def _page_key(request, language=None):
    digest = hashlib.sha256(
        f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode()
    ).hexdigest()
    return f"public-pages:parts:{language or get_language()}:{digest}"


def _stored_page(key):
    """The stored (generation, page) under ``key`` if it is of the current generation."""
    generation = current_generation()
    stored = _recent_pages.get(key)
    if stored is None or stored[0] != generation:
        stored = cache.get(key)
    if stored is not None and stored[0] == generation:
        _remember(key, stored)
        return generation, stored
    return generation, None


def cache_public_page(view):
    """Cache ``view``'s rendered page for anonymous visitors, per URL and language."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = page_cache_seconds()
        if not seconds or not _is_cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        try:
            generation, stored = _stored_page(key)
        except Exception:
            # The cache being down must not take the public pages with it: render them.
            logger.warning("Public page cache unavailable", exc_info=True)
            return view(request, *args, **kwargs)
        if stored is not None:
            return _replay(request, stored[1])
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if _is_cacheable_response(request, response):
            stored = (generation, _freeze(response))
            _remember(key, stored)
            try:
                cache.set(key, stored, seconds)
            except Exception:
                logger.warning("Public page cache unavailable", exc_info=True)
        return response

    return wrapper


# The pages this process served lately, with their generation. A hit then reads only the
# generation (a few bytes) from the shared cache, not the page; the generation check keeps
# these copies exactly as fresh as the shared ones.
_recent_pages = {}
RECENT_PAGES_MAX = 200


def _remember(key, stored):
    if len(_recent_pages) >= RECENT_PAGES_MAX and key not in _recent_pages:
        _recent_pages.clear()
    _recent_pages[key] = stored


def _freeze(response):
    # The page is kept cut at each CSRF token: a replay joins the visitor's token in with one
    # copy of the page, where searching a page this size for a placeholder costs more than
    # the rest of the hit.
    content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    return tuple(content.split(CSRF_PLACEHOLDER)), headers


def _replay(request, frozen):
    parts, headers = frozen
    content = parts[0] if len(parts) == 1 else get_token(request).encode().join(parts)
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


class PublicPageCacheMiddleware:
    """Serve stored public pages before the rest of the middleware stack runs.

    Placed right after WhiteNoise and the middleware that add the security headers, and
    before sessions, locale, CSRF and authentication: a hit needs none of them but the
    language, chosen exactly as ``LocaleMiddleware`` chooses it, and the visitor's CSRF
    token for the language switcher. It adds what those middleware would have added to the
    page (``Content-Language``, ``Vary``, the CSRF cookie). Anything else, a miss included,
    goes through the whole stack to the view, whose wrapper stores the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if page_cache_seconds() and _is_anonymous_read(request):
            response = self._hit(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _hit(self, request):
        try:
            language = get_language_from_request(request)
            _generation, stored = _stored_page(_page_key(request, language))
        except DisallowedHost:
            return None  # the stack answers it with its own 400
        except Exception:
            logger.warning("Public page cache unavailable", exc_info=True)
            return None
        if stored is None:
            return None
        self.csrf.process_request(request)
        response = _replay(request, stored[1])
        response = self.csrf.process_response(request, response)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Length", str(len(response.content)))
        return response


def cache_public_pages(included):
    """``include(...)`` with every view of that URLconf wrapped in :func:`cache_public_page`.

    Wrapping at the include keeps pages added to the app later cached without anyone
    remembering to decorate them; the request and response rules above keep pages that
    must not be shared (logged-in, redirects, forms that set cookies) out of the cache.
    """
    urlconf, app_name, namespace = included
    return _CachedURLConf(urlconf), app_name, namespace


class _CachedURLConf:
    def __init__(self, urlconf):
        self.urlconf = urlconf

    @functools.cached_property
    def urlpatterns(self):
        patterns = getattr(self.urlconf, "urlpatterns", self.urlconf)
        return [_cached_pattern(pattern) for pattern in patterns]


def _cached_pattern(pattern):
    if isinstance(pattern, URLResolver):
        return URLResolver(
            pattern.pattern,
            _CachedURLConf(pattern.urlconf_name),
            pattern.default_kwargs,
            pattern.app_name,
            pattern.namespace,
        )
    return URLPattern(
        pattern.pattern, cache_public_page(pattern.callback), pattern.default_args, pattern.name
    )
