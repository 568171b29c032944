"""Which texts of the plan have English, Portuguese and French versions.

django-modeltranslation adds a column per language beside each field named here
(``name_es``, ``name_en``, ``name_pt``, ``name_fr``) and reads the field in the active
language, falling back to Spanish. The Spanish text is the original and stays authoritative:
the field's own column keeps it word for word (``areas.plan_text`` keeps the two in step).
"""

from modeltranslation.translator import TranslationOptions, register, translator

from .models import Agency, Objective, Official, ThematicAxis, WorkArea


@register(ThematicAxis)
class ThematicAxisTranslation(TranslationOptions):
    fields = ("name",)


@register(Agency)
class AgencyTranslation(TranslationOptions):
    fields = ("name", "note")


@register(Official)
class OfficialTranslation(TranslationOptions):
    fields = ("title",)


@register(WorkArea)
class WorkAreaTranslation(TranslationOptions):
    fields = ("name", "axis_rationale")


@register(Objective)
class ObjectiveTranslation(TranslationOptions):
    fields = ("text",)


def register_history(*models):
    """Give each model's history (django-simple-history) the same columns, so that the
    history keeps every language's version and a save can copy them into it."""
    for model in models:
        options = translator.get_options_for_model(model)
        translator.register(
            model.history.model,
            type(
                f"{model.__name__}HistoryTranslation",
                (TranslationOptions,),
                {"fields": tuple(options.fields)},
            ),
        )


register_history(ThematicAxis, Agency, Official, WorkArea, Objective)
