"""The curator and official groups, with exactly the permissions each role needs."""

from django.db import migrations

CURATORS_GROUP = "Curadores SRE"
OFFICIALS_GROUP = "Funcionarios de Estados miembros"

# (app_label, model, actions) a curator may use in the admin.
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


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    wanted = []
    for app_label, model, actions in CURATOR_PERMISSIONS:
        for action in actions:
            codename = f"{action}_{model}"
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    curators.permissions.set(wanted)
    Group.objects.get_or_create(name=OFFICIALS_GROUP)


def remove_roles(apps, schema_editor):
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
