"""A new official gets a link to choose a password, and the officials' group."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from django.dispatch import receiver

from .mail import queue_set_password_link
from .models import OFFICIALS_GROUP, OfficialProfile


def send_set_password_link(user, key=None):
    """Queue an e-mail giving ``user`` a one-time link to choose a password (Django's reset
    token, made when the worker sends it); returns 1 if queued, 0 when there is nobody to
    send it to."""
    return 0 if queue_set_password_link(user, key) is None else 1


@receiver(post_save, sender=OfficialProfile, dispatch_uid="accounts.welcome_official")
def welcome_official(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    user = instance.user
    group = Group.objects.filter(name=OFFICIALS_GROUP).first()
    if group is not None:
        user.groups.add(group)
    # Recorded in the transaction that creates the official, sent after it commits.
    send_set_password_link(user, key=f"welcome:{instance.pk}")
