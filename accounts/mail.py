"""The account e-mails that carry a set-password link. They are queued through the outbox
like every other e-mail, but written only when the worker sends them, with a fresh token,
so that no usable link is ever kept in the database."""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outbox import mail
from outbox.messages import Message


def _active_user(user_id):
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    return user if user is not None and user.email else None


def _set_password_path(user):
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def set_password_message(user_id):
    """The welcome of a new official: a one-time link to choose a password."""
    user = _active_user(user_id)
    if user is None:
        return None
    context = {
        "user": user,
        "link": settings.SITE_URL.rstrip("/") + _set_password_path(user),
        "member_state": getattr(getattr(user, "official_profile", None), "member_state", None),
    }
    subject = loader.render_to_string("accounts/welcome_subject.txt", context).strip()
    body = loader.render_to_string("accounts/welcome_email.txt", context)
    return Message(subject=subject, body=body, to=[user.email])


def queue_set_password_link(user, key=None):
    """Queue the set-password e-mail for ``user``; ``key`` names the event (a new one each
    call unless given). Returns the queued message, or None."""
    if not user.email or not user.is_active:
        return None
    return mail.queue(
        key or f"set-password:{user.pk}:{uuid.uuid4().hex}",
        [user.email],
        subject="",
        builder="accounts.mail.set_password_message",
        params={"user_id": user.pk},
    )


def password_reset_message(
    user_id,
    subject_template_name,
    email_template_name,
    html_email_template_name=None,
    from_email=None,
    extra_context=None,
):
    """Django's password-reset e-mail, with the context PasswordResetForm gives it."""
    user = _active_user(user_id)
    if user is None:
        return None
    context = {
        **(extra_context or {}),
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
    body = loader.render_to_string(email_template_name, context)
    message = Message(subject, body, from_email, [user.email])
    if html_email_template_name is not None:
        message.attach_alternative(
            loader.render_to_string(html_email_template_name, context), "text/html"
        )
    return message
