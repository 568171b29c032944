"""Stop an upgrade, naming them, if values stored before 0005 (and areas' 0002) made the
shape of the keys that become addresses a rule cannot have an address: an agency's acronym,
a commitment's reference or a member state's code. Those pages would answer 500 until the
row is fixed; which value was meant is the curators' to say, so nothing is changed here."""

from django.core.exceptions import ValidationError
from django.db import migrations

from areas.validators import validate_acronym
from commitments.validators import validate_member_state_code, validate_reference

CHECKS = (
    ("areas", "Agency", "acronym", validate_acronym),
    ("commitments", "Commitment", "reference", validate_reference),
    ("commitments", "MemberState", "iso_code", validate_member_state_code),
)


def invalid(value, validator):
    try:
        validator(value)
    except ValidationError:
        return True
    return False


def refuse_values_without_an_address(apps, schema_editor):
    found = []
    for app_label, model_name, field, validator in CHECKS:
        model = apps.get_model(app_label, model_name)
        for pk, value in model.objects.order_by("pk").values_list("pk", field):
            if invalid(value, validator):
                found.append(f"{model_name} {pk}: {field} {value!r}")
    if found:
        raise RuntimeError(
            "These values cannot be part of an address, so their pages cannot be shown: "
            + "; ".join(found)
            + ". Correct them (in the admin of the version you are upgrading from, or in the "
            "database), then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0003_agency_name_en_agency_name_es_agency_name_fr_and_more"),
        ("commitments", "0009_progresssnapshot_monthlypairprogress"),
    ]

    operations = [
        migrations.RunPython(
            refuse_values_without_an_address, migrations.RunPython.noop, elidable=True
        ),
    ]
