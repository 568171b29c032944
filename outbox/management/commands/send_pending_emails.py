"""Hand the worker every message that is waiting and due: after an outage, or to send again
the ones whose attempts all failed (--failed)."""

from django.core.management.base import BaseCommand

from outbox import mail
from outbox.models import OutgoingEmail


class Command(BaseCommand):
    help = (
        "Queue every e-mail waiting to be sent whose next attempt is due. With --failed, "
        "also give each message whose attempts all failed a fresh set of attempts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed", action="store_true", help="send again the messages that failed"
        )

    def handle(self, *args, failed, **options):
        if failed:
            for email in OutgoingEmail.objects.filter(state=OutgoingEmail.State.FAILED):
                email.send_again()
        ids = list(OutgoingEmail.objects.due().values_list("pk", flat=True))
        for email_id in ids:
            mail.enqueue(email_id)
        self.stdout.write(f"{len(ids)} e-mail(s) queued.")
