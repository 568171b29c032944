from django.core.management.base import BaseCommand

from follow.emails import send_reminders


class Command(BaseCommand):
    help = (
        "Queue a reminder to the officials of each state whose latest published report on a "
        "commitment turns amber (12 months old) within FOLLOW_REMINDER_DAYS; each once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        queued = send_reminders(days=days)
        self.stdout.write(f"{queued} reminder(s) queued.")
