from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from areas.models import WorkArea
from areas.plan_text import load_translations


class Command(BaseCommand):
    help = (
        "Load the PPT 2020 plan (fixtures/ppt2020.json) and the events it names "
        "(fixtures/ppt2020-milestones.json) when the database holds no work area, "
        "and its translations (fixtures/ppt2020-translations.json) where a text has none."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        # The fixture's texts are the Spanish originals, whatever language the shell speaks.
        with translation.override("es"):
            if WorkArea.objects.exists():
                if verbosity:
                    self.stdout.write("The plan is already loaded.")
            else:
                call_command("loaddata", "ppt2020", "ppt2020-milestones", verbosity=0)
                if verbosity:
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"Loaded the plan: {WorkArea.objects.count()} work areas."
                        )
                    )
            translated = load_translations()
        if translated and verbosity:
            self.stdout.write(self.style.SUCCESS(f"Loaded translations of {translated} texts."))
