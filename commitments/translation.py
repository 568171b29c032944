"""The commitments' and their milestones' texts in English, Portuguese and French (see
``areas.translation``)."""

from modeltranslation.translator import TranslationOptions, register

from areas.translation import register_history

from .models import Commitment, Milestone


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("text", "due_label")


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("title", "planned_text", "place")


register_history(Commitment, Milestone)
