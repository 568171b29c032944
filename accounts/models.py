"""Portal accounts: which member state an official speaks for."""

from django.conf import settings
from django.contrib.auth.models import User, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import MemberState

CURATORS_GROUP = "Curadores SRE"
OFFICIALS_GROUP = "Funcionarios de Estados miembros"


class OfficialProfile(models.Model):
    """Ties a user account to the one member state it reports for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="official_profile",
        verbose_name=_("user"),
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="officials",
        verbose_name=_("member state"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member-state official")
        verbose_name_plural = _("member-state officials")

    def __str__(self):
        return f"{self.user.get_username()} ({self.member_state.iso_code})"


class OfficialAccountQuerySet(models.QuerySet):
    def officials(self):
        """The accounts curators manage: neither staff nor superusers nor curators. The one
        statement of who counts as an official's account (one query, as a subquery)."""
        return self.filter(is_staff=False, is_superuser=False).exclude(groups__name=CURATORS_GROUP)


class OfficialAccountManager(UserManager.from_queryset(OfficialAccountQuerySet)):
    pass


class OfficialAccount(User):
    """A user account seen as a member-state official's: what curators may manage in the
    admin, without any of the flags, groups or permissions of Django's user admin."""

    objects = OfficialAccountManager()

    class Meta:
        proxy = True
        verbose_name = _("official's account")
        verbose_name_plural = _("officials' accounts")
