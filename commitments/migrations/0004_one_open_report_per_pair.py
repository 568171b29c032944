"""At most one open (not yet published) report per commitment × member state."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count

OPEN = ("draft", "submitted", "returned", "resubmitted")


def refuse_duplicates(apps, schema_editor):
    """Stop, naming them, if some pair already has several open reports: which one its
    officials meant to keep is theirs to say, so nothing is deleted here."""
    ProgressReport = apps.get_model("commitments", "ProgressReport")
    pairs = (
        ProgressReport.objects.filter(review_state__in=OPEN)
        .values("commitment_id", "member_state_id")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
    )
    duplicates = []
    for pair in pairs:
        ids = ProgressReport.objects.filter(
            review_state__in=OPEN,
            commitment_id=pair["commitment_id"],
            member_state_id=pair["member_state_id"],
        ).values_list("id", flat=True)
        duplicates.append(", ".join(str(pk) for pk in sorted(ids)))
    if duplicates:
        raise RuntimeError(
            "These open reports share a commitment and a member state: "
            + "; ".join(duplicates)
            + ". Delete or publish all but one of each group in the admin, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0003_data_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="progressreport",
            constraint=models.UniqueConstraint(
                condition=models.Q(review_state__in=OPEN),
                fields=("commitment", "member_state"),
                name="one_open_report_per_pair",
            ),
        ),
    ]
