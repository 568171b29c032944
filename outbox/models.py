"""Every e-mail the portal sends is first a row here, then a task of the worker: a message is
never lost (a failed attempt stays, for an operator to see and send again; an attempt its
worker abandoned is taken up again) and sent once per event (one row per event, claimed by
one conditional UPDATE before it is sent). A worker killed between the mail server taking a
message and the row recording it sends that message again: delivery is at least once."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .messages import Message


def abandoned_before():
    """An attempt still "being sent" after this moment belongs to a worker that is gone
    (killed, out of memory, the machine restarted): no attempt runs past the time limit."""
    return timezone.now() - timedelta(seconds=settings.TASK_TIME_LIMIT + 60)


def _claimable():
    return models.Q(state=OutgoingEmail.State.PENDING) | models.Q(
        state=OutgoingEmail.State.SENDING, updated_at__lt=abandoned_before()
    )


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self):
        """Messages waiting to be sent whose next attempt is due, and those whose attempt
        was abandoned by a worker that stopped."""
        now = timezone.now()
        return self.filter(_claimable()).filter(
            models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
        )


class OutgoingEmail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent: every attempt failed")

    # The event this message announces, e.g. "report-returned:12:v4": a second message for
    # the same event is refused by the database.
    key = models.CharField(_("event"), max_length=200, unique=True)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    body = models.TextField(_("body"), blank=True)
    # Messages holding a secret (a set-password link) are written when sent, by this
    # function of ``params``, so that no usable link is kept in the database.
    builder = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            # send_pending_emails and the admin's list: messages by state.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due"),
        ]

    def __str__(self):
        return self.subject or self.key

    def message(self):
        """The message to send, in the language of the event."""
        with translation.override(self.language):
            if self.builder:
                return import_string(self.builder)(**self.params)
            return Message(subject=self.subject, body=self.body, to=self.to)

    def claim(self):
        """Take this message for one attempt unless another attempt has (or it was sent):
        one conditional UPDATE, so two runs of its task cannot both send it."""
        moved = OutgoingEmail.objects.filter(_claimable(), pk=self.pk).update(
            state=self.State.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
        if moved:
            self.refresh_from_db(fields=["state", "attempts"])
        return bool(moved)

    def mark_sent(self):
        self.state = self.State.SENT
        self.sent_at = timezone.now()
        self.next_attempt_at = None
        self.save(update_fields=["state", "sent_at", "next_attempt_at", "last_error", "updated_at"])

    def mark_failed(self, error):
        """Record a failed attempt; returns the delay before the next one, or None when
        there are no attempts left."""
        self.last_error = f"{type(error).__name__}: {error}"[:2000]
        if self.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            self.state, self.next_attempt_at, delay = self.State.FAILED, None, None
        else:
            delay = timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 4 ** (self.attempts - 1))
            self.state, self.next_attempt_at = self.State.PENDING, timezone.now() + delay
        self.save(update_fields=["state", "last_error", "next_attempt_at", "updated_at"])
        return delay

    def send_again(self):
        """Give a failed (or stuck) message a fresh set of attempts."""
        self.state, self.attempts, self.next_attempt_at = self.State.PENDING, 0, None
        self.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
