from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments and progress")

    def ready(self):
        from . import cache
        from .services import current

        cache.connect_signals()
        current.connect_signals()
