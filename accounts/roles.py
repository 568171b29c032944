"""The portal's roles: which groups exist and what curators may do.

Applied after every ``migrate`` or flush (``post_migrate``), so a database emptied after
migrating still has its roles and a database migrated from an older release gets exactly
today's permissions; the data migrations ``0002_roles`` and ``0003_official_accounts`` apply
the lists of their own time.

Curators hold no permission on users, groups or permissions: they manage officials' accounts
only, through ``accounts.OfficialAccount`` (``accounts/admin.py``). Only superusers manage
staff, groups and permissions.
"""

from .models import CURATORS_GROUP, OFFICIALS_GROUP

# (app_label, model, actions) a curator may use in the admin. Officials work in the portal
# itself and need no admin permission.
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
    # Indicators: defined by the curators, with each state's baseline and target; values
    # are reviewed like reports (the review permission above) and never added in the admin.
    ("indicators", "indicator", ("view", "add", "change", "delete")),
    ("indicators", "indicatorstatetarget", ("view", "add", "change", "delete")),
    ("indicators", "indicatorvalue", ("view",)),
    ("indicators", "indicatorevidence", ("view",)),
    ("commitments", "milestone", ("view", "add", "change", "delete")),
    # Officials' accounts: create, set the state, deactivate and reactivate; never delete.
    ("accounts", "officialaccount", ("view", "add", "change")),
]


def ensure_roles(
    group_model=None, permission_model=None, using="default", permissions=CURATOR_PERMISSIONS
):
    """Create the curator and official groups if missing and give curators exactly
    ``permissions``. Takes historical models (and their list) from a migration; returns the
    curators' group."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model
        from django.contrib.auth.models import Permission as permission_model

    granted = [
        permission_model.objects.using(using).get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for app_label, model, actions in permissions
        for action in actions
    ]
    curators, _created = group_model.objects.using(using).get_or_create(name=CURATORS_GROUP)
    curators.permissions.set(granted)
    group_model.objects.using(using).get_or_create(name=OFFICIALS_GROUP)
    return curators


def ensure_roles_after_migrate(sender, apps=None, using="default", **kwargs):
    if apps is None:
        from django.apps import apps
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), using)
