"""The commitments' texts in English, Portuguese and French (see ``areas.translation``)."""

from modeltranslation.translator import TranslationOptions, register

from areas.translation import register_history

from .models import Commitment


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("text", "due_label")


register_history(Commitment)
