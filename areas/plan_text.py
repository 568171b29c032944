"""The plan's texts in four languages: which exist, which version a reader gets, and the
translations' own fixture.

Spanish (``es``) is the original and authoritative; English, Portuguese and French are
unofficial translations written for this portal. django-modeltranslation keeps each
version in a column of its own (``text_es``, ``text_en``, …; ``areas/translation.py`` and
``commitments/translation.py`` name the fields) and the field itself (``text``) reads the
active language's version, or the Spanish one while a translation is missing. The field's
own column keeps the Spanish original word for word, so that it is the same whichever
language saved the row (``keep_spanish_original``).
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils import translation
from modeltranslation.translator import translator

ORIGINAL = "es"
TRANSLATIONS = ("en", "pt", "fr")
LANGUAGES = (ORIGINAL, *TRANSLATIONS)
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "ppt2020-translations.json"


def column(field, lang):
    return f"{field}_{lang}"


def plan_models():
    """The models with translated texts, without their histories."""
    return [
        model
        for model in translator.get_registered_models(abstract=False)
        if not model._meta.model_name.startswith("historical")
    ]


def translated_fields(model):
    """The names of ``model``'s translated fields, in declaration order."""
    return list(translator.get_options_for_model(model).fields)


def reader_language():
    """The active language if the plan has versions in it, else the original's."""
    lang = (translation.get_language() or ORIGINAL).split("-")[0]
    return lang if lang in LANGUAGES else ORIGINAL


def versions(obj, field):
    """``(lang, text, original)``: the version of ``obj.field`` a reader of the active
    language gets, the language it is in, and the Spanish original (None when the reader
    gets the original itself, or when no translation exists yet)."""
    original = getattr(obj, column(field, ORIGINAL)) or ""
    lang = reader_language()
    if lang == ORIGINAL:
        return ORIGINAL, original, None
    text = getattr(obj, column(field, lang))
    if not text:
        return ORIGINAL, original, None
    return lang, text, original


def fill_spanish_column(sender, instance, **kwargs):
    """Before a save: a row made without the Spanish column (a fixture, an older caller)
    gets it from the field."""
    for field in translated_fields(sender):
        if getattr(instance, column(field, ORIGINAL)) is None:
            setattr(instance, column(field, ORIGINAL), instance.__dict__.get(field))


def keep_spanish_original(field):
    """Make ``field`` save the Spanish version into its own column. Django saves what the
    field reads, and django-modeltranslation makes it read the active language's version:
    without this, a save on an English page would write English into it."""
    spanish = column(field.name, ORIGINAL)

    def pre_save(instance, add):
        return getattr(instance, spanish)

    field.pre_save = pre_save


def connect_signals():
    for model in plan_models():
        # The history's rows too: they copy the field as the active language reads it.
        for saved in (model, model.history.model):
            for name in translated_fields(model):
                keep_spanish_original(saved._meta.get_field(name))
        pre_save.connect(
            fill_spanish_column, sender=model, dispatch_uid=f"plan-text:{model._meta.label}"
        )


def missing_translations():
    """``[(label, natural key, field, lang), …]``: every plan text without a version in one
    of the translations' languages."""
    missing = []
    for model in plan_models():
        fields = translated_fields(model)
        for obj in model._default_manager.all():
            for field in fields:
                if not getattr(obj, column(field, ORIGINAL)):
                    continue
                # An indicator, defined in the admin, has no natural key: its number.
                key = obj.natural_key() if hasattr(obj, "natural_key") else (obj.pk,)
                missing.extend(
                    (model._meta.label, key, field, lang)
                    for lang in TRANSLATIONS
                    if not getattr(obj, column(field, lang))
                )
    return missing


def load_translations(path=FIXTURE, *, replace=False):
    """Write the translations of ``path`` into the plan, in one transaction, and return how
    many texts changed. A translation is only written where its column is empty (a
    curator's edit stays) unless ``replace``, and only if the plan's Spanish text is still
    the one it translates: a translation of a text since changed is left out."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    changed = 0
    with transaction.atomic():
        for entry in entries:
            model = apps.get_model(entry["model"])
            try:
                obj = model._default_manager.get_by_natural_key(*entry["key"])
            except model.DoesNotExist:
                continue
            update = []
            for field, texts in entry["fields"].items():
                if getattr(obj, column(field, ORIGINAL)) != texts[ORIGINAL]:
                    continue
                for lang in TRANSLATIONS:
                    name = column(field, lang)
                    current = getattr(obj, name)
                    if texts.get(lang) and current != texts[lang] and (replace or not current):
                        setattr(obj, name, texts[lang])
                        update.append(name)
            if update:
                # Part of loading the plan, as the fixture is: no history record, so "what
                # changed lately" tells of curators' edits, not of the portal's set-up.
                obj.skip_history_when_saving = True
                obj.save(update_fields=update)
                changed += 1
    return changed
