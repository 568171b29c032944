"""Settings for the CELAC PPT 2020 portal.

One module; every deploy-time value comes from the environment. The defaults serve
development: DEBUG on, SQLite under var/, local-memory cache, e-mail to the console.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    return int(os.environ.get(name, default))


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off-0123456789abcdef"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # The plan's texts in every language; before the admin, whose forms it extends.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks_db",
    "celac_ppt",
    "outbox",
    "areas",
    "commitments",
    # Before accounts: the curators' role (accounts.roles, after migrate) grants
    # permissions on indicators, which must exist by then.
    "indicators",
    "accounts",
    "public",
    "workspace",
    "exchange",
    # The read-only API (api/), its OpenAPI schema and documentation.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "follow",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so that pages it serves carry these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "celac_ppt.http.PublicPageMiddleware",
    "celac_ppt.http.private_by_default",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads forms), after the locale for its pages.
    "celac_ppt.middleware.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Inside the locale and CSP middleware, so its 503 page is translated and carries the CSP.
    "celac_ppt.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "celac_ppt.urls"

# Pages are Jinja2 templates under jinja2/ (celac_ppt.jinja2 sets up the environment): the
# dashboard writes several hundred figures, and Django's engine took too long over them.
# Django's engine, second, serves the admin (and its overrides under templates/admin/) and
# the plain-text e-mails.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "celac_ppt.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.csp",
                "celac_ppt.context_processors.languages",
                # Only pages for signed-in people (staff_base.html) read these two.
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "celac_ppt.wsgi.application"

# SQLite under var/ unless DATABASE_URL names another database.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        # Each worker keeps its connection for a minute rather than opening one per request:
        # on PostgreSQL, opening it cost more than rendering a page from the kept figures.
        # Health checks before each reuse let the portal recover when the database returns.
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Rendered public pages are kept here under the data versions (celac_ppt.http), so they are
# never stale and any number of processes may keep their own: local memory by default,
# Redis (shared by every app server) when REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "celac"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": envint("LOCAL_CACHE_ENTRIES", 2000)},
        }
    }

# Seconds a rendered public page is kept (0: never kept, every request renders). Kept pages
# are never stale: their key changes with the data.
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", 24 * 60 * 60)
# Bytes of the most recently sent pages each server process keeps in its own memory, in
# front of the cache (celac_ppt.http.RecentPages); under the same tags, so never stale.
PUBLIC_PAGES_MEMORY_BYTES = envint("PUBLIC_PAGES_MEMORY_BYTES", 32 * 1024 * 1024)
# How long browsers (max-age) and shared caches such as nginx or a CDN (s-maxage) may reuse
# a public page without asking. 0, the default, has them revalidate every time (a 304 when
# nothing changed), so nothing is ever shown stale; a few seconds of s-maxage lets a caching
# proxy answer bursts itself (deploy/nginx.conf).
PUBLIC_MAX_AGE = envint("PUBLIC_MAX_AGE", 0)
PUBLIC_SHARED_MAX_AGE = envint("PUBLIC_SHARED_MAX_AGE", 0)
# What the portal's code is; pages of another release never share a tag. Derived from the
# files when unset.
RELEASE = os.environ.get("RELEASE", "")

# Each process keeps the plan and its figures between pages, until the database says either
# changed (commitments.services.current). 0 reads and computes them on every page: the
# benchmark measures that too.
KEEP_PUBLIC_FIGURES = envbool("KEEP_PUBLIC_FIGURES", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection (django-axes, with accounts.security): AXES_FAILURE_LIMIT failed
# log-ins on one account from one address lock that account from that address, and
# AXES_ADDRESS_FAILURE_LIMIT failures from one address on any accounts lock the address,
# for AXES_COOLOFF_MINUTES; a success clears that account's count from that address.
# Neither can lock an official out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = envint("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
# One list inside the list: the account and the address together, not either one.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.security.AccountAndAddressHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
# Behind a reverse proxy, the number of proxies that append to X-Forwarded-For (1 behind
# deploy/nginx.conf); 0 counts by the socket's address only, so a client cannot pick the
# address it is counted under. Behind a proxy with 0, every client has the proxy's address.
REVERSE_PROXY_COUNT = envint("AXES_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_address"
AXES_ALLOWED_CORS_ORIGINS = SITE_URL
# Password-reset e-mails an hour to one e-mail address, and requests an hour from one
# client address (accounts.security.may_send_password_reset, counted in the cache).
PASSWORD_RESET_EMAIL_LIMIT = envint("PASSWORD_RESET_EMAIL_LIMIT", 3)
PASSWORD_RESET_ADDRESS_LIMIT = envint("PASSWORD_RESET_ADDRESS_LIMIT", 20)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "public:dashboard"

# Internationalisation: Spanish first, then the region's other working languages.
LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The plan's texts (areas/translation.py): Spanish is the original, and a text not yet
# translated reads in Spanish.
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es",)
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
# WhiteNoise expects the folder even before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# E-mail: the console in development; SMTP when EMAIL_HOST is set, and always in production
# (to a relay on localhost unless EMAIL_HOST names another).
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", True),
                # Well inside TASK_TIME_LIMIT: a silent mail server fails the attempt.
                "timeout": envint("EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "celac-ppt@localhost")
CURATORS_EMAIL = envlist("CURATORS_EMAIL")

# Evidence uploads and imports.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body taken at all, refused with 413 before it is read
# (celac_ppt.middleware.RequestLimitsMiddleware): a report's 10 evidence files
# (workspace.forms.MAX_FILES) of EVIDENCE_MAX_BYTES, its other fields
# (DATA_UPLOAD_MAX_MEMORY_SIZE) and 1 MiB for the multipart framing; 106 MiB by default.
# deploy/nginx.conf's client_max_body_size says the same.
MAX_REQUEST_BYTES = envint(
    "MAX_REQUEST_BYTES", 10 * EVIDENCE_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
)

# A strict policy: nothing unless listed, everything from this origin, nothing inline.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# The read-only API (/api/v1/): JSON only, whatever the Accept header asks, so an address is
# one resource that the public-page cache and ETags (celac_ppt.http) serve to everyone; no
# sessions or log-ins; anonymous clients limited to API_ANON_RATE requests (DRF's syntax:
# "120/minute", "5000/day"), counted in the default cache.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.AlwaysJSON",
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    # As the log-in lockout counts clients (0: the socket address; X-Forwarded-For is never
    # trusted from a client).
    "NUM_PROXIES": REVERSE_PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "PAGE_SIZE": envint("API_PAGE_SIZE", 50),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CELAC PPT 2020 work plan API",
    "DESCRIPTION": (
        "Read-only access to the work plan of Mexico's 2020 Pro Tempore Presidency of CELAC: "
        "work areas, thematic axes, agencies, commitments with their figures and coverage, "
        "member states, published progress reports with their evidence, the member state x "
        "work area matrix and the monthly progress history. The figures are those of the "
        "public pages. Only published reports are ever shown. Every response carries a strong "
        "ETag: send it back in If-None-Match to get 304 Not Modified while nothing changed."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CommitmentStatusEnum": "commitments.services.columns.STATUS_VALUES",
        "ReportStatusEnum": "commitments.services.columns.REPORT_STATUS_VALUES",
        "IndicatorKindEnum": "indicators.models.Kind.values",
    },
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Curators import (they hold "change" on the plan's models) and export ("view"). An upload
# is kept in the database as an import job (exchange.models.ImportJob), which every app
# server and the task worker read, never in a local temporary folder.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Imports (admin and import_plan): largest file accepted, most rows in one sheet.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 50_000)
# What a file may hold, checked before it is read in full, so that reading any file takes
# time in proportion to its size: columns of one table (the widest has about ten), cells in
# one file, characters in one cell, the distinct texts of an XLSX file and their size once
# unpacked, and how deeply a JSON file nests (an object of lists of rows is 3 deep; one more
# level lets the message name the row that is not flat).
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 50)
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", 1_000_000)
IMPORT_MAX_CELL_CHARS = envint("IMPORT_MAX_CELL_CHARS", 100_000)
IMPORT_MAX_SHARED_STRINGS = envint("IMPORT_MAX_SHARED_STRINGS", 500_000)
IMPORT_MAX_SHARED_STRINGS_BYTES = envint("IMPORT_MAX_SHARED_STRINGS_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_JSON_DEPTH = envint("IMPORT_MAX_JSON_DEPTH", 4)

# Background tasks (Django's tasks framework): imports and e-mails are queued in the database
# (django-tasks-db, so nothing else needs to run) and run by `manage.py run_worker`, which
# stops a task after TASK_TIME_LIMIT seconds and keeps its process under
# TASK_MEMORY_LIMIT_MB of address space, at a lower CPU priority than the app servers.
# TASKS_BACKEND may name another backend, such as
# django.tasks.backends.immediate.ImmediateBackend to run each task inside the request.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email"],
    }
}
TASK_TIME_LIMIT = envint("TASK_TIME_LIMIT", 60)
TASK_MEMORY_LIMIT_MB = envint("TASK_MEMORY_LIMIT_MB", 1024)
# The worker yields the processor to app servers on the same machine (nice 10).
TASK_WORKER_NICE = envint("TASK_WORKER_NICE", 10)
# A notification that the mail server refuses is tried again after 30 s, 2, 8 and 32 min.
EMAIL_MAX_ATTEMPTS = envint("EMAIL_MAX_ATTEMPTS", 5)
EMAIL_RETRY_SECONDS = envint("EMAIL_RETRY_SECONDS", 30)

# Following the plan (follow/): officials are reminded this many days before their state's
# latest report on a commitment turns amber (send_reminders).
FOLLOW_REMINDER_DAYS = envint("FOLLOW_REMINDER_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Log-ins, failures, lockouts and log-outs are logged once, by celac_ppt.security.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
