from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import mail
from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """What the portal sent or failed to send. Superusers may send a failed message again."""

    list_display = ("subject", "recipients", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state",)
    search_fields = ("key", "subject")
    readonly_fields = [
        "key",
        "to",
        "subject",
        "body",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    fields = readonly_fields
    actions = ["send_again"]

    @admin.display(description=_("recipients"))
    def recipients(self, email):
        return ", ".join(email.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_send_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Send again"), permissions=["send"])
    def send_again(self, request, queryset):
        emails = list(queryset.exclude(state=OutgoingEmail.State.SENT))
        for email in emails:
            email.send_again()
            mail.enqueue(email.pk)
        self.message_user(
            request,
            ngettext(
                "%(count)s message will be sent again.",
                "%(count)s messages will be sent again.",
                len(emails),
            )
            % {"count": len(emails)},
            messages.SUCCESS,
        )
