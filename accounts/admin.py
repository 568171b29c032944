"""Accounts in the admin.

Curators manage officials' accounts only, through ``OfficialAccountAdmin``: it shows no
superuser or staff flag, no groups, no permissions and no password form, and it lists and
opens only officials' accounts (``OfficialAccount.objects.officials()``); any other account
is a 404 to it. Django's own user and group admin stay, for superusers only.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .forms import OfficialAccountChangeForm, OfficialAccountCreationForm
from .mail import queue_set_password_link
from .models import OfficialAccount, OfficialProfile


def is_superuser(request):
    return request.user.is_active and request.user.is_superuser


class SuperusersOnly:
    """Whatever permissions a group was given, only superusers open this admin."""

    def has_module_permission(self, request):
        return is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return is_superuser(request)

    def has_add_permission(self, request):
        return is_superuser(request)

    def has_change_permission(self, request, obj=None):
        return is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(SuperusersOnly, UserAdmin):
    """Every account, with its flags, groups, permissions and password: superusers only."""


@admin.register(Group)
class SuperuserGroupAdmin(SuperusersOnly, GroupAdmin):
    pass


@admin.register(OfficialProfile)
class OfficialProfileAdmin(SuperusersOnly, SimpleHistoryAdmin):
    """Any account's member state. Curators set an official's state on the official's
    account instead, which cannot reach anyone else's."""

    list_display = ("user", "member_state")
    list_filter = ("member_state",)
    list_select_related = ("user", "member_state")
    search_fields = ("user__username", "user__email", "member_state__name")
    autocomplete_fields = ("user",)


class NoLongerAnOfficial(Exception):
    """The account stopped being an official's between opening the form and saving it."""


@admin.register(OfficialAccount)
class OfficialAccountAdmin(admin.ModelAdmin):
    """Officials' accounts: create one (it gets a link to choose its password), change its
    name, e-mail and member state, deactivate or reactivate it, send a new link. Nothing
    here can make an account staff or superuser, or touch any other account.

    Who may use it is Django's permissions on the model (curators and superusers have
    them); which accounts it reaches is ``get_queryset``, and nothing else.
    """

    form = OfficialAccountChangeForm
    add_form = OfficialAccountCreationForm
    fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "member_state")}),
        (None, {"fields": ("is_active", "send_link")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "member_state")}),
    )
    readonly_fields = ("last_login", "date_joined")
    # Five columns under short headings: in Spanish a sixth (the last log-in, on each
    # account's page) and "dirección de correo electrónico" pushed the last ones out of a
    # 1280-pixel window.
    list_display = ("username", "full_name", "email_address", "member_state", "is_active")
    list_filter = ("is_active", "official_profile__member_state")
    list_select_related = ("official_profile__member_state",)
    search_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "official_profile__member_state__name",
    )
    ordering = ("username",)
    actions = ["send_set_password_links", "deactivate", "reactivate"]

    def get_queryset(self, request):
        return OfficialAccount.objects.officials().select_related("official_profile__member_state")

    def get_object(self, request, object_id, from_field=None):
        # Any account outside get_queryset (staff, a superuser, a curator, nobody) is a 404,
        # on the change, history and delete pages alike.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("There is no official's account with this number."))
        return obj

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: their reports keep their author.
        return False

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = self.add_form if obj is None else self.form
        kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, account):
        return account.get_full_name()

    @admin.display(description=_("e-mail"), ordering="email")
    def email_address(self, account):
        return account.email

    @admin.display(description=_("member state"), ordering="official_profile__member_state__name")
    def member_state(self, account):
        profile = getattr(account, "official_profile", None)
        return profile.member_state if profile is not None else "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (NoLongerAnOfficial, IntegrityError):
            # Someone changed the account (or took its user name) while the form was open;
            # the admin's transaction has rolled back everything this request wrote.
            context = {**self.admin_site.each_context(request), "opts": self.opts}
            return TemplateResponse(
                request, "admin/accounts/officialaccount/conflict.html", context, status=409
            )

    def save_model(self, request, obj, form, change):
        if change:
            # Re-checked and locked in this transaction: a superuser may have made the
            # account staff since the curator opened the form.
            still_official = (
                OfficialAccount.objects.officials().select_for_update().filter(pk=obj.pk)
            )
            if not still_official.exists():
                raise NoLongerAnOfficial
            changed = [name for name in form.changed_data if name in form._meta.fields]
            if changed:
                # Only what the form shows is written: never a flag read before the lock.
                obj.save(update_fields=changed)
        else:
            obj.set_unusable_password()
            obj.save()
        # A new profile welcomes the official with a link to choose a password
        # (accounts.signals); a changed one moves them to another state.
        form.save_member_state(obj)
        if change and form.cleaned_data.get("send_link"):
            queue_set_password_link(obj)
            self.message_user(
                request,
                _("A link to choose a password will be sent to %(email)s.") % {"email": obj.email},
                messages.SUCCESS,
            )

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("A link to choose a password will be sent to %(email)s.") % {"email": obj.email},
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Send a link to choose a password"), permissions=["change"])
    def send_set_password_links(self, request, queryset):
        sent = sum(queue_set_password_link(account) is not None for account in queryset)
        self.message_user(
            request,
            ngettext(
                "A link to choose a password will be sent to %(count)d account.",
                "A link to choose a password will be sent to %(count)d accounts.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        with transaction.atomic():
            count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(
            request,
            ngettext(
                "%(count)d account deactivated: it can no longer log in.",
                "%(count)d accounts deactivated: they can no longer log in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate the selected accounts"), permissions=["change"])
    def reactivate(self, request, queryset):
        with transaction.atomic():
            count = queryset.filter(is_active=False).update(is_active=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d account reactivated.",
                "%(count)d accounts reactivated.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
