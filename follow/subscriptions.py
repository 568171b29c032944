"""Following by e-mail, without an account: subscribe (double opt-in), confirm, change the
frequency, unsubscribe, delete the address. Each change is one transaction that reads the
row again; the links in e-mails are signed (``django.core.signing``), so the address itself
is the only thing kept, and only until its owner removes it."""

import datetime

from django.core import signing
from django.db import transaction
from django.utils import timezone, translation

from outbox import mail
from outbox.models import OutgoingEmail

from .models import Subscription

CONFIRM_SALT = "follow.confirm"
MANAGE_SALT = "follow.manage"
# A confirmation link works for a week; a new subscription sends a new one.
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


def token(subscription, salt):
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=salt)


def is_signed(value, salt=MANAGE_SALT):
    """Whether ``value`` is a link this portal signed (whatever became of its subscription)."""
    try:
        signing.loads(value, salt=salt)
    except signing.BadSignature:
        return False
    return True


def _from_token(value, salt, max_age=None):
    """The live subscription a signed link names, or None (a bad, expired or spent link)."""
    try:
        data = signing.loads(value, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return Subscription.objects.filter(pk=data.get("s"), email=data.get("e")).first()


def from_confirm_token(value):
    return _from_token(value, CONFIRM_SALT, CONFIRM_MAX_AGE)


def from_manage_token(value):
    return _from_token(value, MANAGE_SALT)


def normalize(email):
    return email.strip().lower()


def subscribe(email, target, frequency, language):
    """Record that ``email`` asks to follow ``target`` and queue the confirmation e-mail.

    Nothing is sent for an address already following it, and at most one confirmation a day
    goes to an address for one target, so the form cannot be used to flood someone's inbox.
    The visitor is told the same thing either way: the page never says who follows what.
    """
    email = normalize(email)
    with transaction.atomic():
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            email=email,
            target=target.key,
            defaults={
                **target.subscription_fields(),
                "frequency": frequency,
                "language": language,
            },
        )
        if subscription.is_confirmed:
            return subscription
        if not created:
            subscription.frequency, subscription.language = frequency, language
            subscription.save(update_fields=["frequency", "language"])
        with translation.override(subscription.language):
            mail.queue(
                f"follow-confirm:{subscription.pk}:{timezone.localdate().isoformat()}",
                [subscription.email],
                builder="follow.emails.confirmation_message",
                params={"subscription_id": subscription.pk},
            )
    return subscription


def confirm(subscription_id):
    """Confirm the subscription (again is harmless); digests cover what is published from
    now on. Returns it, or None when it was removed meanwhile."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if subscription is not None and not subscription.is_confirmed:
            now = timezone.now()
            subscription.confirmed_at = subscription.digested_until = now
            subscription.save(update_fields=["confirmed_at", "digested_until"])
    return subscription


def set_frequency(subscription_id, frequency):
    """Returns the number of subscriptions changed (0: it was removed meanwhile)."""
    with transaction.atomic():
        return Subscription.objects.filter(pk=subscription_id).update(frequency=frequency)


def unsubscribe(subscription_id):
    """Delete the subscription's row. Returns whether there was one to delete."""
    with transaction.atomic():
        _forget_messages([subscription_id])
        deleted, _by_model = Subscription.objects.filter(pk=subscription_id).delete()
    return bool(deleted)


def delete_address(email):
    """Delete every subscription of ``email`` and the messages sent to it for them: the
    portal keeps nothing of the address afterwards."""
    subscriptions = Subscription.objects.filter(email=normalize(email))
    with transaction.atomic():
        _forget_messages(list(subscriptions.values_list("pk", flat=True)))
        deleted, _by_model = subscriptions.delete()
    return deleted


def _forget_messages(subscription_ids):
    """The outbox's copies of the messages to these subscriptions (and the address in them)
    go with the subscriptions: a message not yet sent is then not sent at all."""
    for pk in subscription_ids:
        for kind in ("follow-confirm", "follow-digest"):
            OutgoingEmail.objects.filter(key__startswith=f"{kind}:{pk}:").delete()
