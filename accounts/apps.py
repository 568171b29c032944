from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import ensure_roles_after_migrate

        # A flush (or a restore of a partial backup) empties the groups the migrations made.
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        # Connects the log-in, log-out and lockout loggers; welcomes new officials.
        from . import security, signals  # noqa: F401
