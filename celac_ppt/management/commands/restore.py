from django.core.management.base import BaseCommand, CommandError

from celac_ppt.management.backup import restore


class Command(BaseCommand):
    help = "Replace the whole database with the backup at PATH (made by `manage.py backup`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup to restore")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, path, interactive=True, **options):
        if interactive:
            answer = input(
                f"This replaces every row of the database with the backup {path}. "
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        restore(path)
        self.stdout.write(f"Restored from {path}.")
