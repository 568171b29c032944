"""Export the whole plan: one XLSX, a ZIP of CSVs or one JSON, every cell safe to open."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.imports import EXPORT_FORMATS, export_tables


class Command(BaseCommand):
    help = (
        "Export every table of the plan: --format xlsx (one sheet per table), csv (a ZIP "
        "with one CSV per table) or json (one object, one list per table)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="xlsx")
        parser.add_argument(
            "--output", help="file to write (default: celac-ppt-plan-DATE.EXT; - for stdout)"
        )

    def handle(self, *args, format, output, **options):
        data = export_tables(format)
        if output == "-":
            if sys.stdout.isatty() and format != "json":
                raise CommandError(_("This format is binary: redirect it to a file."))
            self.stdout.flush()
            sys.stdout.buffer.write(data)
            return
        if not output:
            output = f"celac-ppt-plan-{timezone.localdate():%Y-%m-%d}.{EXPORT_FORMATS[format]}"
        with open(output, "wb") as target:
            target.write(data)
        self.stdout.write(_("Wrote %(path)s.") % {"path": output})
