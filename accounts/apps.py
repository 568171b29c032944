from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Connects the log-in, log-out and lockout loggers; welcomes new officials.
        from . import security, signals  # noqa: F401
