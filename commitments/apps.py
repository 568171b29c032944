from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments and progress")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from .services import current, search

        current.connect_signals()
        # SQLite's search folds accents in the query with the same rule as Python's.
        connection_created.connect(search.register_sqlite_fold, dispatch_uid="celac-fold")
        # A flush empties the tokens the migration made; without them nothing is kept.
        post_migrate.connect(ensure_data_versions, sender=self)


def ensure_data_versions(sender, using="default", **kwargs):
    import uuid

    from .models import DataVersion

    for name in (DataVersion.PLAN, DataVersion.PROGRESS):
        DataVersion.objects.using(using).get_or_create(
            name=name, defaults={"token": uuid.uuid4().hex}
        )
