from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "areas"
    verbose_name = _("Work plan")

    def ready(self):
        from . import plan_text

        plan_text.connect_signals()
