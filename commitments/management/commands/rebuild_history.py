import time

from django.core.management.base import BaseCommand
from django.db import transaction

from commitments.services.history import rebuild_history
from commitments.services.reports import lock_all_commitments


class Command(BaseCommand):
    help = (
        "Recompute the monthly progress history (each pair's months and the monthly snapshots "
        "of the plan, work areas, commitments and member states) from the published reports. "
        "Safe to run at any time; `rebuild_progress` does it too."
    )

    def handle(self, **options):
        started = time.perf_counter()
        with transaction.atomic():
            lock_all_commitments()
            months = rebuild_history()
        self.stdout.write(
            self.style.SUCCESS(
                f"{months} months of history rebuilt in {time.perf_counter() - started:.1f} s."
            )
        )
