"""The role groups at run time, for databases emptied after migrating (a flush, a restore
of a partial backup, a transactional test): the data migration's list, applied again."""

import importlib

from django.contrib.auth.models import Group, Permission

from .models import CURATORS_GROUP, OFFICIALS_GROUP

_roles_migration = importlib.import_module("accounts.migrations.0002_roles")


def ensure_roles():
    """Create the curator and official groups if missing and give curators exactly their
    permissions. Returns the curators' group."""
    curators, _created = Group.objects.get_or_create(name=CURATORS_GROUP)
    wanted = []
    for app_label, model, actions in _roles_migration.CURATOR_PERMISSIONS:
        for action in actions:
            wanted.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )
    curators.permissions.set(wanted)
    Group.objects.get_or_create(name=OFFICIALS_GROUP)
    return curators
