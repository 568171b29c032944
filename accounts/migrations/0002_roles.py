"""The curator and official groups, with exactly the permissions each role needs."""

from django.db import migrations

from accounts.roles import ensure_roles

# The curators' permissions as this migration gave them; 0003 narrowed them, and
# accounts.roles holds today's list.
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
    ("accounts", "officialprofile", ("view", "add", "change", "delete")),
    ("auth", "user", ("view", "add", "change")),
]


def create_permissions_now(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    create_permissions_now(apps)
    ensure_roles(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        schema_editor.connection.alias,
        CURATOR_PERMISSIONS,
    )


def remove_roles(apps, schema_editor):
    from accounts.models import CURATORS_GROUP, OFFICIALS_GROUP

    apps.get_model("auth", "Group").objects.filter(
        name__in=[CURATORS_GROUP, OFFICIALS_GROUP]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("areas", "0001_initial"),
        ("commitments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
