import time

from django.core.management.base import BaseCommand

from commitments.services.reports import rebuild_current_progress


class Command(BaseCommand):
    help = (
        "Recompute every commitment × member state's current progress from the published "
        "reports (one SQL statement; safe to run at any time)."
    )

    def handle(self, **options):
        started = time.perf_counter()
        count = rebuild_current_progress()
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} current states rebuilt in {time.perf_counter() - started:.1f} s."
            )
        )
