from django.core.management.base import BaseCommand

from follow.emails import send_digests
from follow.models import Frequency


class Command(BaseCommand):
    help = (
        "Queue the daily or weekly digest of newly published reports for every confirmed "
        "subscription of that frequency; run again in the same period, it queues nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Frequency.values, required=True)

    def handle(self, *args, frequency, **options):
        queued = send_digests(frequency)
        self.stdout.write(f"{queued} {frequency} digest(s) queued.")
