import uuid

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from commitments.models import MemberState
from outbox import mail

from .models import OfficialAccount, OfficialProfile
from .security import may_send_password_reset

# Written afresh when the message is sent, never stored.
SECRET_CONTEXT = {"user", "uid", "token", "email"}


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the e-mail queued for the task worker (retried if the
    mail server fails) instead of sent inside the request, and a limit on how many go out
    (accounts.security.may_send_password_reset). Over the limit nothing is queued and the
    page says the same as always."""

    def save(self, *args, request=None, **kwargs):
        if may_send_password_reset(request, self.cleaned_data["email"]):
            super().save(*args, request=request, **kwargs)

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


class OfficialAccountCreationForm(forms.ModelForm):
    """A new official: who they are, where a link to choose a password goes, and the state
    they report for. No password, no flag, no group."""

    member_state = forms.ModelChoiceField(
        queryset=MemberState.objects.order_by("name"), label=capfirst(_("member state"))
    )

    class Meta:
        model = OfficialAccount
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The link to choose a password is sent here.")
        profile = getattr(self.instance, "official_profile", None) if self.instance.pk else None
        if profile is not None:
            self.fields["member_state"].initial = profile.member_state_id

    def save_member_state(self, account):
        """Give ``account`` the chosen state; a first one welcomes the official by e-mail
        (accounts.signals), in the caller's transaction."""
        state = self.cleaned_data["member_state"]
        profile = OfficialProfile.objects.select_for_update().filter(user=account).first()
        if profile is None:
            OfficialProfile.objects.create(user=account, member_state=state)
        elif profile.member_state_id != state.pk:
            profile.member_state = state
            profile.save(update_fields=["member_state"])


class OfficialAccountChangeForm(OfficialAccountCreationForm):
    send_link = forms.BooleanField(
        label=_("Send a new link to choose a password"),
        required=False,
        help_text=_("For an official who lost the first link or cannot log in."),
    )

    class Meta(OfficialAccountCreationForm.Meta):
        fields = ("username", "first_name", "last_name", "email", "is_active")
        help_texts = {
            "is_active": _("An inactive account cannot log in; its reports stay."),
        }
