from django.core.management.base import BaseCommand

from celac_ppt.management.backup import backup, default_path


class Command(BaseCommand):
    help = (
        "Back up the database to PATH (default: var/backups/celac-ppt-<time>.sqlite3 or .dump): "
        "SQLite's online backup, or pg_dump -Fc on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="where to write the backup")

    def handle(self, path=None, **options):
        written = backup(path or default_path())
        self.stdout.write(f"Backed up to {written} ({written.stat().st_size} bytes).")
