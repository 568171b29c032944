"""The security settings that production mode (DJANGO_DEBUG=0) really computes.

They are read from celac_ppt/settings.py in a child process with a production environment,
rather than copied by hand, so a test applying them checks what a deployment would serve.
"""

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "a-production-secret-of-sufficient-length-and-variety-8f3k2j9x7q",
    "ALLOWED_HOSTS": "celac.example.org",
}
# The test run's own settings stay out of the child process (conftest allows async-unsafe ORM
# calls for the browser tests, which a deployment must not).
DROPPED = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")

SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CSP",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
]


def child_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(PRODUCTION_ENV)
    env.update(extra)
    return env


@cache
def production_settings():
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(run.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def apply_production_settings(settings):
    """Apply them to pytest-django's `settings` fixture (undone after the test)."""
    for name, value in production_settings().items():
        setattr(settings, name, value)
    assert settings.DEBUG is False


def pages_to_grade():
    """The public pages (in the four languages), a download, the log-in pages and the admin's
    log-in: what a header check reads."""
    from django.urls import reverse
    from django.utils import translation

    from areas.models import Agency
    from commitments.models import Commitment

    commitment = Commitment.objects.order_by("pk").first()
    agency = Agency.objects.order_by("pk").first()
    with translation.override("en"):
        commitment_url = commitment.get_absolute_url()
        login_url = reverse("accounts:login")
    with translation.override("fr"):
        agency_url = agency.get_absolute_url()
        reset_url = reverse("accounts:password_reset")
    return [
        "/es/",
        "/en/commitments/",
        commitment_url,
        "/pt/areas/1/",
        "/es/states/MX/",
        agency_url,
        "/open-data/matrix.csv",
        login_url,
        reset_url,
        reverse("admin:login"),
    ]
