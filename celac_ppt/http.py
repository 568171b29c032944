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

import datetime
import functools
import gzip
import hashlib
import logging
import threading
from collections import OrderedDict
from pathlib import Path

import brotli
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import close_old_connections
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.http import parse_etags

from commitments.models import DataVersion
from commitments.services.current import tokens_read

from .middleware import UNAVAILABLE

logger = logging.getLogger(__name__)

# What the request's environ carries between PublicPagesServer and the middleware: the
# page's tag once known (the address is a public page) and the data versions already read.
PUBLIC_TAG = "celac_ppt.public_tag"
DATA_VERSIONS = "celac_ppt.data_versions"
# Headers of the view's response that a kept page repeats; the middleware add the rest.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
# Large downloads would crowd the pages out of the cache; they are rendered every time.
MAX_KEPT_BYTES = 2 * 1024 * 1024
ENCODINGS = ("br", "gzip")
# Bodies compressed already (the share images): kept and sent as they are.
COMPRESSED_TYPES = ("image/png",)
# Settings a kept page's headers depend on (see ``release``).
HEADER_SETTINGS = (
    "PUBLIC_MAX_AGE",
    "PUBLIC_SHARED_MAX_AGE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CSP",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SITE_URL",
)


@functools.cache
def release():
    """What the portal's code, templates and translations are, as a short hash.

    ``RELEASE`` when the deployment sets it; otherwise the content of every file that shapes
    a page, read once per process, so servers running the same checkout agree.
    """
    digest = hashlib.sha256()
    # The settings that shape what a kept page's headers say, which no file shows.
    for name in HEADER_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}\n".encode())
    if getattr(settings, "RELEASE", ""):
        digest.update(settings.RELEASE.encode())
        return digest.hexdigest()[:16]
    base = Path(settings.BASE_DIR)
    patterns = (
        "*/*.py",
        "*/*/*.py",
        "*/*/*/*.py",
        "*/data/*.json",
        "templates/**/*",
        "jinja2/**/*",
    )
    files = {path for pattern in patterns for path in base.glob(pattern)}
    files |= {path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("**/*.mo")}
    for path in sorted(files):
        if path.is_file() and not {".venv", "var", "node_modules"} & set(path.parts):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def _served():
    """The settings every request to a kept page reads, read once: a lookup in Django's lazy
    settings costs more than the rest of answering a revalidation. Read again whenever a
    setting changes (tests do; a deployment restarts)."""
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS,
        settings.SECURE_SSL_REDIRECT,
        settings.SECURE_PROXY_SSL_HEADER,
    )


@functools.lru_cache(maxsize=256)
def _host_allowed(host):
    """Whether Django would accept ``Host: host`` (``ALLOWED_HOSTS``), as ``get_host`` reads it."""
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


@functools.lru_cache(maxsize=4096)
def _language_of(path_info):
    """The language an address names in its prefix ('' for none)."""
    return translation.get_language_from_path(path_info) or ""


@functools.lru_cache(maxsize=1024)
def _full_path(path_info, query):
    """``request.get_full_path()`` of a request for ``path_info`` and ``query``."""
    return escape_uri_path(path_info) + (f"?{iri_to_uri(query)}" if query else "")


@receiver(setting_changed)
def _settings_changed(**kwargs):
    _served.cache_clear()
    _host_allowed.cache_clear()
    _language_of.cache_clear()


def today():
    """The day the pages show. The portal never activates a reader's time zone, so it is
    ``timezone.localdate()``, without that function's look-up of the active zone."""
    return datetime.datetime.now(timezone.get_default_timezone()).date()


def page_tag(request, versions=None):
    """The tag of the page ``request`` asks for: one query for the data versions."""
    versions = DataVersion.read() if versions is None else versions
    return _tag(request.path_info, request.get_full_path(), versions)


def _tag(path_info, full_path, versions):
    key = "\n".join(
        (
            release(),
            versions.get(DataVersion.PLAN, "-"),
            versions.get(DataVersion.PROGRESS, "-"),
            today().isoformat(),
            _language_of(path_info),
            full_path,
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _cache_key(tag, encoding):
    """Each encoding of a page is kept apart: a hit reads only the bytes it sends."""
    return f"page:{tag}:{encoding or 'identity'}"


def _headers_key(tag):
    return f"page-headers:{tag}"


def _etag(tag, encoding):
    return f'"{tag}-{encoding}"' if encoding else f'"{tag}"'


@functools.lru_cache(maxsize=256)
def _accepted(header):
    """The codings ``Accept-Encoding: header`` accepts: every one named, less those given
    a weight of 0 (``br;q=0``, ``br; q=0.0``)."""
    accepted = set()
    for part in header.split(","):
        coding, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _equals, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding and weight > 0:
            accepted.add(coding.lower())
    return frozenset(accepted)


def _best_encoding(header, offered):
    """The first of ``offered`` that ``Accept-Encoding: header`` accepts (None: none)."""
    accepted = _accepted(header)
    for encoding in offered:
        if encoding in accepted:
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
    matched, encoding = _revalidates(request.headers.get("If-None-Match"), tag)
    return _finish(HttpResponseNotModified(), tag, encoding) if matched else None


@functools.lru_cache(maxsize=1024)
def _revalidates(header, tag):
    """(whether ``If-None-Match: header`` holds ``tag``, the encoding its copy names)."""
    if not header:
        return False, None
    for etag in parse_etags(header):
        opaque = etag.removeprefix("W/").strip('"')
        name, _dash, encoding = opaque.partition("-")
        if name == tag:
            return True, encoding if encoding in ENCODINGS else None
    return False, None


def kept_page(tag, encoding):
    """What is kept of the page ``tag`` in ``encoding`` (None: uncompressed): (the view's
    headers, the body), or None."""
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return None  # the page cache is off: not even a look-up
    try:
        return cache.get(_cache_key(tag, encoding))
    except Exception:
        # The cache being down must not take the public pages with it: render them.
        logger.warning("Page cache unavailable", exc_info=True)
        return None


def _for_one_reader(request, response):
    """Whether rendering the page used what belongs to one visitor: a cookie, the session or
    the CSRF token. Such a page is never kept, nor sent as public."""
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.accessed)
    )


COMPRESS = {
    "gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
    "br": lambda body: brotli.compress(body, quality=5),
}


def keep_page(tag, response, request, store=True):
    """Compress the view's response and keep every encoding of it; returns the one
    ``request`` is sent, as (encoding, headers, body), or None if the page is not kept.

    With the page cache off, or ``store`` false, only that encoding is made, and nothing
    is kept."""
    store = store and bool(settings.PUBLIC_PAGE_CACHE_SECONDS)
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    body = response.content
    if len(body) > MAX_KEPT_BYTES:
        return None
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    wanted = _best_encoding(request.headers.get("Accept-Encoding", ""), ENCODINGS)
    encodings = (None, *ENCODINGS) if store else (wanted,)
    # A body compressed already (a share image) is kept as it is under every encoding's key,
    # and sent without a Content-Encoding (see ``_sent_as_is``).
    as_is = _sent_as_is(headers)
    kept = {
        encoding: (headers, body if as_is or not encoding else COMPRESS[encoding](body))
        for encoding in encodings
    }
    if store:
        try:
            cache.set_many(
                {_cache_key(tag, encoding): page for encoding, page in kept.items()},
                settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
    return (wanted, *kept[wanted])


def _sent_as_is(headers):
    """Whether a page with these headers is compressed already (``COMPRESSED_TYPES``): it is
    sent as it is, whatever encoding the client accepts."""
    return any(
        name.lower() == "content-type" and value.startswith(COMPRESSED_TYPES)
        for name, value in headers
    )


def page_response(request, tag, encoding, headers, body):
    if encoding and _sent_as_is(headers):
        encoding = None
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
    if encoding:
        response["Content-Encoding"] = encoding
    if language := translation.get_language_from_path(request.path_info):
        response["Content-Language"] = language
    response["Content-Length"] = str(len(body))
    return _finish(response, tag, encoding)


def never_kept(view):
    """Mark a public page whose addresses are as many as its visitors can type (the search
    page: one per query): it keeps its ETag, its 304s and its ``Cache-Control``, but is
    rendered every time rather than kept in Django's cache, where each new query would push
    out a page that many read."""
    view.kept = False
    return view


def public_page(view):
    """Serve ``view`` as a public page: 304 for a current copy, the kept page if there is
    one, else the view's rendering, compressed and kept under the page's tag (unless the
    view is ``never_kept``)."""
    kept = getattr(view, "kept", True)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        versions = getattr(request, "data_versions", None)
        if versions is None:
            versions = request.data_versions = DataVersion.read()
        tag = request.META[PUBLIC_TAG] = page_tag(request, versions)
        if (response := not_modified(request, tag)) is not None:
            return response
        # The page is built under the tokens its tag names, without reading them again.
        with tokens_read(versions):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()
        if _for_one_reader(request, response):
            logger.error("Public page %s used the session or CSRF token", request.path)
            del request.META[PUBLIC_TAG]
            response["Cache-Control"] = "private, no-store"
            return response
        if not kept:
            # Nor is its tag named to PublicPagesServer, which would keep its headers.
            del request.META[PUBLIC_TAG]
        page = keep_page(tag, response, request, store=kept)
        if page is None:
            return response
        return page_response(request, tag, *page)

    wrapper.public_page = True
    wrapper.kept = kept
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
        request.get_host()  # DisallowedHost (400) for a host not in ALLOWED_HOSTS
        versions = request.META.get(DATA_VERSIONS)
        if versions is None:
            try:
                versions = DataVersion.read()
            except UNAVAILABLE:
                # The rest of the stack answers with its 503 page, in the address's language.
                return None
        request.data_versions = versions
        tag = request.META[PUBLIC_TAG] = page_tag(request, versions)
        if (response := not_modified(request, tag)) is not None:
            return response
        if not getattr(match.func, "kept", True):
            return None
        encoding = _best_encoding(request.headers.get("Accept-Encoding", ""), ENCODINGS)
        page = kept_page(tag, encoding)
        return page_response(request, tag, encoding, *page) if page is not None else None


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


# Headers that depend on the encoding sent, or that a server writes itself: never kept.
_PER_RESPONSE = frozenset(
    ("content-length", "content-encoding", "etag", "set-cookie", "date", "server", "connection")
)
# Headers a 304 leaves out: they describe a body it does not send (RFC 9110, 15.4.5).
_BODY_HEADERS = frozenset(("content-type", "content-language", "content-disposition"))


class RecentPages:
    """The most recently sent pages, {(tag, encoding): (headers, body)}, within ``budget``
    bytes of bodies: the least recently sent goes first. Safe across threads."""

    def __init__(self, budget):
        self.budget = budget
        self.size = 0
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.pages.get(key)
            if found is not None:
                self.pages.move_to_end(key)
            return found and found[0]

    def put(self, key, value, size):
        if size > self.budget:
            return
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = (value, size)
            self.size += size
            while self.size > self.budget:
                _key, (_value, dropped) = self.pages.popitem(last=False)
                self.size -= dropped


class _Sendable:
    """A kept page in one encoding as ``PublicPagesServer`` sends it: the headers of its 200
    and of its 304, made once, and its body (None when only its headers were read)."""

    __slots__ = ("headers", "not_modified", "body")

    def __init__(self, tag, encoding, headers, body):
        if encoding and _sent_as_is(headers):
            encoding = None
        etag = ("ETag", _etag(tag, encoding))
        self.not_modified = (
            *(header for header in headers if header[0].lower() not in _BODY_HEADERS),
            etag,
        )
        self.body = body
        self.headers = ()
        if body is not None:
            self.headers = (*headers, etag, ("Content-Length", str(len(body))))
            if encoding:
                self.headers += (("Content-Encoding", encoding),)


class PublicPagesServer:
    """The WSGI application in front of Django: a public page's revalidation and its kept
    copy are answered here, with the very headers Django sent for that page, without
    building a request, running the middleware or resolving the address.

    It answers only for addresses that Django has served as public pages in this process
    (the middleware names their tag in the environ), and only from what Django's cache holds
    under the tag of the data versions read now: one query, as in the middleware, so it is
    exactly as fresh. Anything else, or anything it cannot read, goes to Django as before.

    The pages it sent most recently it also keeps in its own memory (``RecentPages``, up to
    ``PUBLIC_PAGES_MEMORY_BYTES``), under the same tags: never stale either, and with no
    look-up in a shared cache (Redis) and no copy of the bytes out of it.
    """

    MAX_PATHS = 20_000

    def __init__(self, application):
        self.application = application
        self.public_paths = set()
        self.recent = RecentPages(settings.PUBLIC_PAGES_MEMORY_BYTES)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            path in self.public_paths
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and not environ.get("SCRIPT_NAME")
        ):
            served = self._serve(environ, start_response, path)
            if served is not None:
                return served
        sent = {}

        def capture(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.application(environ, capture)
        if (tag := environ.get(PUBLIC_TAG)) is not None and "status" in sent:
            self._learn(path, tag, sent["status"], sent["headers"])
        return result

    def _learn(self, path, tag, status, headers):
        if not status.startswith("200") or not _served()[0]:
            return
        names = {name.lower() for name, _value in headers}
        if "set-cookie" in names or "etag" not in names:
            return
        kept = [(name, value) for name, value in headers if name.lower() not in _PER_RESPONSE]
        try:
            cache.set(_headers_key(tag), kept, _served()[0])
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
            return
        if len(self.public_paths) >= self.MAX_PATHS:
            self.public_paths.clear()
        self.public_paths.add(path)

    def _serve(self, environ, start_response, path):
        if not self._as_django_would(environ):
            return None
        try:
            versions = environ[DATA_VERSIONS] = DataVersion.read()
        except Exception:
            # The database: Django answers, with its 503 page if need be.
            close_old_connections()
            return None
        tag = _tag(path, _full_path(path, environ.get("QUERY_STRING", "")), versions)
        matched, encoding = _revalidates(environ.get("HTTP_IF_NONE_MATCH"), tag)
        if not matched:
            encoding = _best_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""), ENCODINGS)
        found = self.recent.get((tag, encoding))
        if found is None:
            found = self._from_cache(tag, encoding, with_body=not matched)
            if found is None:
                return None
        if matched:
            start_response("304 Not Modified", list(found.not_modified))
            return []
        start_response("200 OK", list(found.headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [found.body]

    def _from_cache(self, tag, encoding, *, with_body):
        """The page ``tag`` in ``encoding`` from Django's cache (its body None unless
        ``with_body``); a whole page is remembered in this process too."""
        keys = [_headers_key(tag)]
        if with_body:
            keys.append(_cache_key(tag, encoding))
        try:
            found = cache.get_many(keys)
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
            return None
        headers = found.get(_headers_key(tag))
        if headers is None:
            return None
        if not with_body:
            return _Sendable(tag, encoding, headers, None)
        page = found.get(_cache_key(tag, encoding))
        if page is None:
            return None
        sendable = _Sendable(tag, encoding, headers, page[1])
        self.recent.put((tag, encoding), sendable, len(page[1]))
        return sendable

    @staticmethod
    def _as_django_would(environ):
        """Whether Django would answer this request with the page at all: its host is allowed
        and, where HTTPS is required, it came over HTTPS. Otherwise Django answers (400, or
        the redirect)."""
        if not _host_allowed(environ.get("HTTP_HOST", "")):
            return False
        _seconds, ssl_redirect, proxy_ssl_header = _served()
        if ssl_redirect:
            # As HttpRequest.is_secure() reads it.
            header, secure = proxy_ssl_header or (None, None)
            if header is not None and environ.get(header) is not None:
                return environ[header].split(",", 1)[0].strip() == secure
            return environ.get("wsgi.url_scheme") == "https"
        return True
