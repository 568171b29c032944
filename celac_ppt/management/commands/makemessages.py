"""``makemessages`` that also reads the Jinja2 templates.

Django's command understands Python and Django templates only. This one leaves the jinja2/
folders out of Django's own pass and extracts them with Babel and Jinja2's extractor,
adding their strings to the same template catalogue (locale/django.pot) before Django
merges it into each language's django.po. So a string added to a page and left
untranslated still fails tests/test_translations.py after ``make check-messages``.
"""

import io
import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import write_po
from django.core.management.commands import makemessages
from django.core.management.utils import is_ignored_path
from jinja2.ext import babel_extract

# What Django's xgettext call reads as translatable, plus ``_`` and the functions that
# Jinja2's i18n extension calls for {% trans %} blocks.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
JINJA2_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "newstyle_gettext": "true",
    "trimmed": "false",
}
TEMPLATE_FOLDER = "jinja2"


class Command(makemessages.Command):
    help = makemessages.Command.help + " Templates under jinja2/ folders are read too."

    def handle(self, *args, **options):
        # Django's pass would read Jinja2 syntax as Django's and find the wrong strings.
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), TEMPLATE_FOLDER]
        return super().handle(*args, **options)

    def process_files(self, file_list):
        super().process_files(file_list)
        if self.domain == "django":
            self.extract_jinja2_templates()

    def jinja2_templates(self):
        """Every file under a jinja2/ folder of the project, outside ignored paths."""
        ignored = [pattern for pattern in self.ignore_patterns if pattern != TEMPLATE_FOLDER]
        found = []
        for dirpath, dirnames, filenames in os.walk(".", topdown=True):
            dirnames[:] = sorted(
                name
                for name in dirnames
                if not is_ignored_path(os.path.normpath(os.path.join(dirpath, name)), ignored)
            )
            if TEMPLATE_FOLDER not in Path(dirpath).parts:
                continue
            for name in sorted(filenames):
                path = os.path.normpath(os.path.join(dirpath, name))
                if not is_ignored_path(path, ignored):
                    found.append(path)
        return found

    def extract_jinja2_templates(self):
        catalog = Catalog(charset="utf-8")
        for path in self.jinja2_templates():
            if self.verbosity > 1:
                self.stdout.write(f"processing file {os.path.basename(path)} in {path}")
            with open(path, "rb") as template:
                for lineno, message, comments, context in extract(
                    babel_extract,
                    template,
                    keywords=KEYWORDS,
                    comment_tags=("Translators",),
                    options=JINJA2_OPTIONS,
                ):
                    catalog.add(
                        message,
                        locations=[(path.replace(os.sep, "/"), lineno)],
                        auto_comments=comments,
                        context=context,
                    )
        if not len(catalog):
            return
        buffer = io.BytesIO()
        # msguniq then drops the locations when --no-location asks for it.
        write_po(buffer, catalog, width=79)
        potfile = os.path.join(self.default_locale_path, f"{self.domain}.pot")
        makemessages.write_pot_file(potfile, buffer.getvalue().decode("utf-8"))
