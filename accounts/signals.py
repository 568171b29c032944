"""A new official gets a link to choose a password, and the officials' group."""

import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import OFFICIALS_GROUP, OfficialProfile

logger = logging.getLogger(__name__)


def send_set_password_link(user):
    """E-mail ``user`` a one-time link to choose a password (Django's reset token)."""
    if not user.email or not user.is_active:
        return 0
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": settings.SITE_URL.rstrip("/") + path,
        "member_state": user.official_profile.member_state,
    }
    subject = render_to_string("accounts/welcome_subject.txt", context).strip()
    body = render_to_string("accounts/welcome_email.txt", context)
    try:
        return EmailMessage(subject=subject, body=body, to=[user.email]).send()
    except OSError:
        logger.exception("Could not send the set-password link to user %s", user.pk)
        return 0


@receiver(post_save, sender=OfficialProfile, dispatch_uid="accounts.welcome_official")
def welcome_official(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    user = instance.user
    group = Group.objects.filter(name=OFFICIALS_GROUP).first()
    if group is not None:
        user.groups.add(group)
    transaction.on_commit(lambda: send_set_password_link(user))
