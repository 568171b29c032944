"""Public pages as plain HTTP resources: a strong ``ETag``, ``304 Not Modified``, shared
caching, compression, and a page cache that is never stale.

A public page (the dashboard, the plan's pages, the open-data downloads) shows the same
bytes to everyone. What it shows depends on the data (the ``DataVersion`` tokens), the day
(deadlines and freshness), the release of the portal (code, templates, translations), the
language and the address, and on nothing else: together they are its *tag*. The tag is
the ``ETag`` (with the encoding appended) and the key under which the rendered page and its
compressed forms are kept in Django's cache (local memory by default, Redis with
``REDIS_URL``). A write in any process replaces a token in its own transaction, so the next
request everywhere has a new tag: nothing is ever invalidated, and nothing is ever stale.

``PublicPageMiddleware`` answers a revalidation (``304``) or a kept page right after the
security middleware, before sessions, authentication and the rest of the stack; anything
else goes to the view, which ``public_page`` wraps to keep what it rendered.

Every other response (logged-in pages, forms, the admin) is ``private, no-store`` unless
its view said otherwise.
"""

import functools
import gzip
import hashlib
import logging
from pathlib import Path

import brotli
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from commitments.models import DataVersion
from commitments.services.current import tokens_read

from .middleware import UNAVAILABLE

logger = logging.getLogger(__name__)

# Headers of the view's response that a kept page repeats; the middleware add the rest.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
# Large downloads would crowd the pages out of the cache; they are rendered every time.
MAX_KEPT_BYTES = 2 * 1024 * 1024
ENCODINGS = ("br", "gzip")


@functools.cache
def release():
    """What the portal's code, templates and translations are, as a short hash.

    ``RELEASE`` when the deployment sets it; otherwise the content of every file that shapes
    a page, read once per process, so servers running the same checkout agree.
    """
    if getattr(settings, "RELEASE", ""):
        return settings.RELEASE
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    patterns = ("*/*.py", "*/*/*.py", "*/*/*.py", "templates/**/*", "jinja2/**/*", "**/*.mo")
    files = sorted({path for pattern in patterns for path in base.glob(pattern)})
    for path in files:
        if path.is_file() and ".venv" not in path.parts and "var" not in path.parts:
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def page_tag(request, versions=None):
    """The tag of the page ``request`` asks for: one query for the data versions."""
    versions = DataVersion.read() if versions is None else versions
    key = "\n".join(
        (
            release(),
            versions.get(DataVersion.PLAN, "-"),
            versions.get(DataVersion.PROGRESS, "-"),
            timezone.localdate().isoformat(),
            translation.get_language_from_path(request.path_info) or "",
            request.get_full_path(),
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _cache_key(tag):
    return f"page:{tag}"


def _etag(tag, encoding):
    return f'"{tag}-{encoding}"' if encoding else f'"{tag}"'


def _encoding(request, page):
    """The best encoding that both the client accepts and the page is kept in."""
    accepted = {
        part.split(";")[0].strip().lower()
        for part in request.headers.get("Accept-Encoding", "").split(",")
        if not part.strip().endswith(";q=0")
    }
    for encoding in ENCODINGS:
        if encoding in accepted and encoding in page:
            return encoding
    return None


def _cache_control():
    return f"public, max-age={settings.PUBLIC_MAX_AGE}, s-maxage={settings.PUBLIC_SHARED_MAX_AGE}"


def _finish(response, tag, encoding):
    response["ETag"] = _etag(tag, encoding)
    response["Cache-Control"] = _cache_control()
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def not_modified(request, tag):
    """A 304 when the client's copy carries ``tag`` in any encoding, else None.

    If-None-Match compares weakly (RFC 9110, 13.1.2): a proxy or CDN that marked the tag weak
    (``W/"..."``) still holds the same page.
    """
    header = request.headers.get("If-None-Match")
    if not header:
        return None
    for etag in parse_etags(header):
        opaque = etag.removeprefix("W/").strip('"')
        name, _dash, encoding = opaque.partition("-")
        if etag == "*" or name == tag:
            encoding = encoding if encoding in ENCODINGS else None
            return _finish(HttpResponseNotModified(), tag, encoding)
    return None


def kept_page(tag):
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return None  # the page cache is off: not even a look-up
    try:
        return cache.get(_cache_key(tag))
    except Exception:
        # The cache being down must not take the public pages with it: render them.
        logger.warning("Page cache unavailable", exc_info=True)
        return None


def keep_page(tag, response):
    """Compress the view's response and keep it; returns what was kept (or None)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    body = response.content
    if len(body) > MAX_KEPT_BYTES:
        return None
    page = {
        "body": body,
        "headers": [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)],
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
        "br": brotli.compress(body, quality=5),
    }
    if settings.PUBLIC_PAGE_CACHE_SECONDS:
        try:
            cache.set(_cache_key(tag), page, settings.PUBLIC_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
    return page


def page_response(request, tag, page):
    encoding = _encoding(request, page)
    response = HttpResponse(page[encoding] if encoding else page["body"])
    for name, value in page["headers"]:
        response[name] = value
    if encoding:
        response["Content-Encoding"] = encoding
    if language := translation.get_language_from_path(request.path_info):
        response["Content-Language"] = language
    response["Content-Length"] = str(len(response.content))
    return _finish(response, tag, encoding)


def public_page(view):
    """Serve ``view`` as a public page: 304 for a current copy, the kept page if there is
    one, else the view's rendering, compressed and kept under the page's tag."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        versions = getattr(request, "data_versions", None)
        if versions is None:
            versions = request.data_versions = DataVersion.read()
        tag = page_tag(request, versions)
        if (response := not_modified(request, tag)) is not None:
            return response
        # The page is built under the tokens its tag names, without reading them again.
        with tokens_read(versions):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()
        page = keep_page(tag, response)
        if page is None:
            return response
        return page_response(request, tag, page)

    wrapper.public_page = True
    return wrapper


class PublicPageMiddleware:
    """Answer public pages' revalidations and kept pages before the rest of the stack.

    Placed after the middleware that add the security headers, and before sessions, CSRF
    and authentication, none of which a public page uses. The address is resolved to find
    out whether it is a public page at all; the language comes from its prefix, as
    ``LocaleMiddleware`` would set it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            response = self._early(request)
            if response is not None:
                return response
        response = self.get_response(request)
        if getattr(request, "data_versions", None) is not None:
            _same_for_every_reader(request, response)
        return response

    def _early(self, request):
        language = translation.get_language_from_path(request.path_info)
        # Resolving under i18n_patterns depends on the active language.
        with translation.override(language or settings.LANGUAGE_CODE):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return None
        if not getattr(match.func, "public_page", False):
            return None
        try:
            versions = request.data_versions = DataVersion.read()
        except UNAVAILABLE:
            # The rest of the stack answers with its 503 page, in the address's language.
            return None
        tag = page_tag(request, versions)
        if (response := not_modified(request, tag)) is not None:
            return response
        page = kept_page(tag)
        return page_response(request, tag, page) if page is not None else None


def _same_for_every_reader(request, response):
    """A public page without a language in its address (a download) is one file for every
    reader. ``LocaleMiddleware`` marks a rendered one with the reader's language and
    ``Vary: Accept-Language``: that would set it apart from the kept copy under the same
    ETag, and split shared caches by language for nothing."""
    if translation.get_language_from_path(request.path_info) or not response.has_header("ETag"):
        return
    del response["Content-Language"]
    vary = [
        name.strip()
        for name in response.get("Vary", "").split(",")
        if name.strip() and name.strip().lower() != "accept-language"
    ]
    if vary:
        response["Vary"] = ", ".join(vary)
    else:
        del response["Vary"]


def private_by_default(get_response):
    """Everything that is not a public page is for one visitor's eyes only."""

    def middleware(request):
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware


def public_pages(included):
    """``include(...)`` with every view of that URLconf served by :func:`public_page`.

    Marking at the include keeps pages added later public without anyone remembering to
    decorate them.
    """
    urlconf, app_name, namespace = included
    return _PublicURLConf(urlconf), app_name, namespace


class _PublicURLConf:
    def __init__(self, urlconf):
        self.urlconf = urlconf

    @functools.cached_property
    def urlpatterns(self):
        module = self.urlconf
        if isinstance(module, str):
            from importlib import import_module

            module = import_module(module)
        patterns = getattr(module, "urlpatterns", module)
        return [_public_pattern(pattern) for pattern in patterns]


def _public_pattern(pattern):
    if isinstance(pattern, URLResolver):
        return URLResolver(
            pattern.pattern,
            _PublicURLConf(pattern.urlconf_name),
            pattern.default_kwargs,
            pattern.app_name,
            pattern.namespace,
        )
    return URLPattern(
        pattern.pattern, public_page(pattern.callback), pattern.default_args, pattern.name
    )
