"""Officials' accounts get an admin of their own, and curators lose every permission on
users: with "add" and "change" on users, Django's user admin let them make anyone,
themselves included, a superuser."""

from importlib import import_module

from django.db import migrations

import accounts.models
from accounts.roles import ensure_roles

# The curators' permissions as this migration gives them; accounts.roles holds today's list.
CURATOR_PERMISSIONS = [
    ("areas", "thematicaxis", ("view", "add", "change", "delete")),
    ("areas", "agency", ("view", "add", "change", "delete")),
    ("areas", "official", ("view", "add", "change", "delete")),
    ("areas", "workarea", ("view", "add", "change", "delete")),
    ("areas", "objective", ("view", "add", "change", "delete")),
    ("commitments", "commitment", ("view", "add", "change", "delete")),
    ("commitments", "memberstate", ("view", "change")),
    ("commitments", "progressreport", ("view", "change", "review")),
    ("commitments", "evidence", ("view",)),
    ("commitments", "currentprogress", ("view",)),
    ("accounts", "officialaccount", ("view", "add", "change")),
]


def narrow_curators(apps, schema_editor):
    import_module("accounts.migrations.0002_roles").create_permissions_now(apps)
    ensure_roles(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        schema_editor.connection.alias,
        CURATOR_PERMISSIONS,
    )


def widen_curators(apps, schema_editor):
    previous = import_module("accounts.migrations.0002_roles")
    ensure_roles(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        schema_editor.connection.alias,
        previous.CURATOR_PERMISSIONS,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficialAccount",
            fields=[],
            options={
                "verbose_name": "official's account",
                "verbose_name_plural": "officials' accounts",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("auth.user",),
            managers=[
                ("objects", accounts.models.OfficialAccountManager()),
            ],
        ),
        migrations.RunPython(narrow_curators, widen_curators),
    ]
