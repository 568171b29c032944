"""Log-ins under attack: where a request comes from, when failures lock a log-in, and one
log line for the operators for each log-in, failure, lockout and log-out.

django-axes counts the failures; this module tells it the client's address
(``client_address``), adds the per-address limit it has no setting for
(``AccountAndAddressHandler``) and writes the page a locked-out client gets
(``lockout_response``).
"""

import hashlib
import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("celac_ppt.security")


def client_address(request):
    """The address a request comes from, under which log-in failures and password resets
    are counted.

    Without a reverse proxy (``REVERSE_PROXY_COUNT`` 0) it is the socket's address and
    ``X-Forwarded-For`` is ignored, since any client can write it. Behind N proxies, each
    appending the address it was reached from (nginx's ``$proxy_add_x_forwarded_for``), it
    is the N-th address from the right: the one the outermost proxy saw. Whatever a client
    wrote into the header itself sits further left and is never read. django-ipware, which
    django-axes would otherwise use, is not needed for this.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.REVERSE_PROXY_COUNT
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(chain) < count:
        return remote  # not through the proxies the settings describe
    try:
        return str(ipaddress.ip_address(chain[-count]))
    except ValueError:
        return remote


RESET_WINDOW_SECONDS = 60 * 60


def _count(key):
    """Add one to the counter ``key`` of the current window and return it (atomic in
    Redis and in local memory); the window starts at a counter's first request."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, RESET_WINDOW_SECONDS)
        return 1


def may_send_password_reset(request, email):
    """Whether a password-reset e-mail may go to ``email`` for this request: at most
    ``PASSWORD_RESET_EMAIL_LIMIT`` an hour to one e-mail address and
    ``PASSWORD_RESET_ADDRESS_LIMIT`` requests an hour from one client address. Counts the
    request, whether or not an account has that address, so the answer gives nothing away."""
    digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    address = client_address(request) if request is not None else "-"
    within = [
        _count(f"reset-email:{digest}") <= settings.PASSWORD_RESET_EMAIL_LIMIT,
        _count(f"reset-address:{address}") <= settings.PASSWORD_RESET_ADDRESS_LIMIT,
    ]
    if not all(within):
        log.warning("password-reset-limited ip=%s", address)
    return all(within)


def address_failures(request):
    """Failed log-ins from the request's address within the cool-off, on any account (one
    query)."""
    total = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher limit.

    Failures count per account and address together (``AXES_LOCKOUT_PARAMETERS``):
    ``AXES_FAILURE_LIMIT`` of them lock that account from that address only, so whoever
    guesses an official's password never locks the official out at their own office, and
    guessing from one address never locks the other accounts used from it (an office, a
    proxy). An address with ``AXES_ADDRESS_FAILURE_LIMIT`` failures on any accounts within
    the cool-off is locked for every account, so that it cannot guess its way through the
    user names either. django-axes compares every set of parameters with the one limit, so
    the second limit lives here.
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


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
