"""The indicators' titles, descriptions and units in English, Portuguese and French, as the
plan's texts have them (see ``areas.translation``): the Spanish text is the original."""

from modeltranslation.translator import TranslationOptions, register

from areas.translation import register_history

from .models import Indicator


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("title", "description", "unit")


register_history(Indicator)
