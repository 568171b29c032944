"""Who follows what by e-mail. An address is kept only to send what its owner asked for, and
is gone when they unsubscribe or delete it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import WorkArea
from commitments.models import Commitment, MemberState


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """One address following the whole plan, a member state, a work area or a commitment."""

    email = models.EmailField(_("e-mail address"))
    # What is followed, as a key: "plan", "state:AR", "area:3", "commitment:13.1".
    target = models.CharField(_("followed"), max_length=40)
    member_state = models.ForeignKey(
        MemberState, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        WorkArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency, default=Frequency.WEEKLY
    )
    # The language the address subscribed in: every e-mail to it is written in it.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Reports published after this moment go into the next digest.
    digested_until = models.DateTimeField(_("digest sent up to"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "target"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["email", "target"], name="one_subscription_per_target")
        ]
        indexes = [
            # send_digests: the confirmed subscriptions of one frequency.
            models.Index(fields=["frequency", "confirmed_at"], name="subscription_digest_idx"),
        ]

    def __str__(self):
        return f"{self.email} → {self.target}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
