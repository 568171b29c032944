"""Production mode (DJANGO_DEBUG=0) refuses to start half-configured and passes Django's
deployment checklist with no warning."""

import os
import subprocess
import sys

import pytest
from production import BASE_DIR, DROPPED, PRODUCTION_ENV

PRODUCTION = PRODUCTION_ENV


def manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in DROPPED}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    run = manage("check", **env)
    assert run.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG=0" in run.stderr


def test_production_passes_the_deployment_checklist_with_no_warning():
    run = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    print(run.stdout.strip())
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout


def test_development_settings_would_fail_the_checklist():
    """The check is not vacuous: the development defaults do fail it."""
    run = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="1")
    assert run.returncode != 0
    assert "security.W018" in run.stderr  # DEBUG on


def test_production_settings_values():
    run = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.STORAGES['staticfiles']['BACKEND'])",
        **PRODUCTION,
    )
    assert run.returncode == 0, run.stderr
    hsts, session_secure, csrf_secure, httponly, redirect, storage = run.stdout.split()[-6:]
    assert int(hsts) >= 365 * 24 * 3600
    assert (session_secure, csrf_secure, httponly, redirect) == ("True",) * 4
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
