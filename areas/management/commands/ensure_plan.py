from django.core.management import call_command
from django.core.management.base import BaseCommand

from areas.models import WorkArea


class Command(BaseCommand):
    help = (
        "Load the PPT 2020 plan (fixtures/ppt2020.json) and the events it names "
        "(fixtures/ppt2020-milestones.json) when the database holds no work area."
    )

    def handle(self, *args, **options):
        if WorkArea.objects.exists():
            self.stdout.write("The plan is already loaded.")
            return
        call_command("loaddata", "ppt2020", "ppt2020-milestones", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the plan: {WorkArea.objects.count()} work areas.")
        )
