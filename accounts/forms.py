import uuid

from django.contrib.auth.forms import PasswordResetForm

from outbox import mail

# Written afresh when the message is sent, never stored.
SECRET_CONTEXT = {"user", "uid", "token", "email"}


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the e-mail queued for the task worker (retried if the
    mail server fails) instead of sent inside the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        extra = {
            key: value
            for key, value in context.items()
            if key not in SECRET_CONTEXT and isinstance(value, str | int | bool | None)
        }
        mail.queue(
            f"password-reset:{user.pk}:{uuid.uuid4().hex}",
            [to_email],
            builder="accounts.mail.password_reset_message",
            params={
                "user_id": user.pk,
                "subject_template_name": subject_template_name,
                "email_template_name": email_template_name,
                "html_email_template_name": html_email_template_name,
                "from_email": from_email,
                "extra_context": extra,
            },
        )
