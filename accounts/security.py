"""Who logged in, who failed, who was locked out: one log line each, for the operators.

Also how a locked-out client is told so: django-axes calls `lockout_response`.
"""

import logging

from axes.helpers import get_client_ip_address, get_cool_off
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("celac_ppt.security")


def _address(request):
    return get_client_ip_address(request) if request is not None else "-"


@receiver(user_logged_in, dispatch_uid="security-log-login")
def log_login(sender, request, user, **kwargs):
    log.info("login user=%s ip=%s", user.get_username(), _address(request))


@receiver(user_logged_out, dispatch_uid="security-log-logout")
def log_logout(sender, request, user, **kwargs):
    username = user.get_username() if user is not None else "-"
    log.info("logout user=%s ip=%s", username, _address(request))


@receiver(user_login_failed, dispatch_uid="security-log-failure")
def log_login_failure(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is logged.
    log.warning("login-failed user=%s ip=%s", credentials.get("username", "-"), _address(request))


@receiver(user_locked_out, dispatch_uid="security-log-lockout")
def log_lockout(sender, request, username, ip_address, **kwargs):
    log.warning("lockout user=%s ip=%s", username or "-", ip_address or "-")


def lockout_response(request, original_response=None, credentials=None):
    """The log-in page's answer while an account or address is locked: why, and until when.

    Every failure during a lockout restarts the cool-off, so it ends one cool-off from now.
    """
    cool_off = get_cool_off(request)
    context = {
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "locked_until": timezone.now() + cool_off if cool_off else None,
    }
    return render(request, "accounts/lockout.html", context, status=429)
