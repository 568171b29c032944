"""Every interface string is translated into the four working languages of the region."""

import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def catalogue(code):
    path = LOCALE / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make messages`"
    return polib.pofile(str(path))


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_string_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_plural_has_each_form_its_language_needs(code):
    """Spanish and French have three plural forms (one, a million, other): a string with
    fewer reads in English wherever the count takes the missing form."""
    po = catalogue(code)
    forms = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    for entry in po:
        if entry.msgid_plural:
            filled = {index for index, text in entry.msgstr_plural.items() if text}
            assert filled == set(range(forms)), f"{code}: {entry.msgid!r} has forms {filled}"


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_catalogue_keeps_the_placeholders_of_each_string(code):
    for entry in catalogue(code).translated_entries():
        for placeholder in ("%(", "{{", "%s", "%d"):
            if entry.msgid.count(placeholder) and not entry.msgid_plural:
                assert entry.msgstr.count(placeholder) == entry.msgid.count(placeholder), (
                    f"{code}: {entry.msgid!r} -> {entry.msgstr!r}"
                )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "heading"),
    [
        ("es", "Avance por área de trabajo"),
        ("en", "Progress by work area"),
        ("pt", "Progresso por área de trabalho"),
        ("fr", "Avancement par domaine de travail"),
    ],
)
def test_dashboard_speaks_each_language(code, heading):
    response = Client().get(f"/{code}/")
    assert response.status_code == 200
    assert response["Content-Language"] == code
    assert f'<html lang="{code}">' in response.content.decode()
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("es", "3 de diciembre de 2026"),
        ("pt", "3 de dezembro de 2026"),
        ("fr", "3 décembre 2026"),
        ("en", "Dec. 3, 2026"),
    ],
)
def test_a_date_names_its_month_as_the_language_writes_it(code, written):
    """Portuguese writes the months in lower case; Django's own catalog capitalises them."""
    with translation.override(code):
        assert date_format(datetime.date(2026, 12, 3)) == written
        month = date_format(datetime.date(2026, 5, 1), "YEAR_MONTH_FORMAT")
    assert month == {"es": "mayo de 2026", "pt": "maio de 2026", "fr": "mai 2026"}.get(code, month)
