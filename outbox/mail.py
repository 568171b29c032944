"""Queue an e-mail for an event: ``queue()`` records it and, once the transaction commits,
hands it to the worker, which sends it and tries again when the mail server fails."""

import contextlib
import logging
import signal
import threading

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from .models import OutgoingEmail

logger = logging.getLogger(__name__)


def queue(key, to, *, subject="", body="", builder="", params=None):
    """Record the message announcing the event ``key`` to ``to`` (once, however often it is
    called for that event) and send it after the current transaction commits; nothing is
    sent if it rolls back. Returns the message, or None when there is nobody to send it to."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    email, created = OutgoingEmail.objects.get_or_create(
        key=key[:200],
        defaults={
            "to": recipients,
            "subject": subject,
            "body": body,
            "builder": builder,
            "params": params or {},
            "language": get_language() or settings.LANGUAGE_CODE,
        },
    )
    if created:
        transaction.on_commit(lambda: enqueue(email.pk))
    return email


def enqueue(email_id, delay=None):
    from .tasks import send_email

    task = send_email
    if delay is not None and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    return task.enqueue(email_id)


def deliver(email_id):
    """One attempt at sending the message ``email_id``; what happened, in a word."""
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or not email.claim():
        return "skipped"
    try:
        message = email.message()
        if message is not None:
            with time_limit_held():
                # The mail server answers within EMAIL_TIMEOUT; once it has taken the
                # message, the time limit must not strike before the row says so.
                message.send()
                email.mark_sent()
    except BaseException as error:
        # Whatever stopped this attempt (the mail server, the time limit, the worker
        # stopping), the message stays, to be tried again or seen by an operator.
        delay = email.mark_failed(error)
        logger.warning("E-mail %s, attempt %s, failed: %s", email.pk, email.attempts, error)
        if delay is not None:
            enqueue(email.pk, delay)
        raise
    if message is None:
        # The account went away or lost its address before the message was written.
        email.last_error = "Nothing to send: no recipient any more."
        email.mark_sent()
    return "sent"


@contextlib.contextmanager
def time_limit_held():
    """Hold the worker's time-limit alarm (SIGALRM) until the block ends; it strikes then
    if it came meanwhile. Outside the main thread (tests running tasks at once) there is
    no alarm to hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
