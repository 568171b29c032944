"""Import the plan, or part of it, from a file: everything or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange.imports import ImportFileError, check_size, import_file


class Command(BaseCommand):
    help = (
        "Import the plan from FILE: .xlsx (one sheet per table), .zip of CSVs, .json (one "
        "list per table) or one .csv. Any problem, or --dry-run, writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, but write nothing"
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            check_size(path.stat().st_size)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from None
        except ImportFileError as error:
            raise CommandError(error.message) from None
        outcome = import_file(path.name, path.read_bytes(), dry_run=dry_run)
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("Nothing was imported: %(count)s problem(s).") % {"count": len(outcome.problems)}
            )
        for table, totals in outcome.totals.items():
            self.stdout.write(
                _("%(table)s: %(new)s new, %(update)s updated, %(skip)s unchanged.")
                % {"table": table, **totals}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
