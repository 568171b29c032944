"""Portal accounts: which member state an official speaks for."""

from django.conf import settings
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
