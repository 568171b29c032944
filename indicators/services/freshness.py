"""Which ``DataVersion`` token each change to indicators replaces, so public pages refresh.

Indicators and their baselines and targets are part of the plan as the public sees it
(``plan``); values and their evidence are figures (``progress``), and only once published:
saving a draft or a submission changes no page.
"""

from django.db.models.signals import post_delete, post_save

from commitments.models import DataVersion

from ..models import Indicator, IndicatorEvidence, IndicatorStateTarget, IndicatorValue


def _value_of(sender, instance):
    return instance if sender is IndicatorValue else instance.value


def plan_changed(sender, **kwargs):
    DataVersion.bump(DataVersion.PLAN)


def value_changed(sender, instance=None, **kwargs):
    if instance is not None and not _value_of(sender, instance).is_published:
        return
    DataVersion.bump(DataVersion.PROGRESS)


def connect_signals():
    for model, receiver in (
        (Indicator, plan_changed),
        (IndicatorStateTarget, plan_changed),
        (IndicatorValue, value_changed),
        (IndicatorEvidence, value_changed),
    ):
        uid = f"data-version:{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete")
