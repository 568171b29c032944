"""Indicator values in the officials' workspace and the curators' review, beside reports.

The same rules as reports (``workspace.views``): an official works on their own state's
values only (``_official_state``; another state's value is a 404), curators review
(``_require_curator``), and a lost race is a 409 with the official's text shown, not saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commitments.models import AWAITING_REVIEW, OPEN_REVIEW_STATES
from indicators.models import Indicator, IndicatorEvidence, IndicatorValue
from indicators.services import values as value_service

from .forms import IndicatorValueForm
from .views import (
    _official_state,
    _require_curator,
    decide,
    edited_again,
    evidence_views,
    history_of,
    official_form,
    opened_meanwhile,
    posted_after_lock,
)


def _value_for_official(request, pk):
    """One of the official's own state's values; 404 for any other state's."""
    state = _official_state(request)
    return get_object_or_404(
        IndicatorValue.objects.select_related(
            "indicator__commitment__area", "indicator__area", "member_state"
        ),
        pk=pk,
        member_state=state,
    )


@login_required
def indicators_home(request):
    """Every indicator with the state's published values and its values in progress."""
    state = _official_state(request)
    indicators = list(Indicator.objects.in_plan_order())
    published, open_values = {}, {}
    for value in (
        IndicatorValue.objects.for_state(state)
        .filter(is_current=True)
        .only("indicator_id", "period", "value", "published_at")
    ):
        published.setdefault(value.indicator_id, []).append(value)
    for value in (
        IndicatorValue.objects.for_state(state)
        .filter(review_state__in=OPEN_REVIEW_STATES)
        .only("indicator_id", "period", "value", "review_state", "return_reason")
    ):
        open_values.setdefault(value.indicator_id, []).append(value)
    rows = [
        {
            "indicator": indicator,
            "published": sorted(published.get(indicator.pk, []), key=lambda v: v.period),
            "open": sorted(open_values.get(indicator.pk, []), key=lambda v: v.period),
        }
        for indicator in indicators
    ]
    return render(
        request,
        "workspace/indicators.html",
        {"state": state, "rows": rows},
    )


@login_required
def value_new(request, pk):
    state = _official_state(request)
    indicator = get_object_or_404(Indicator.objects.with_place(), pk=pk)
    value = IndicatorValue(indicator=indicator, member_state=state)
    initial = {"period": request.GET.get("period", "")}
    return _value_form(request, value, initial=initial)


@login_required
def value_detail(request, pk):
    value = _value_for_official(request, pk)
    if posted_after_lock(request, value):
        return _submitted_meanwhile(request, value)
    return _value_form(request, value)


def _value_form(request, value, initial=None):
    return official_form(
        request,
        value,
        IndicatorValueForm,
        workflow=value_service.VALUES,
        edit_view="workspace:indicator_value",
        page=lambda value, form, status=200: _render_value(request, value, form, status=status),
        refused={
            "stale": lambda current: _stale_form(request, current),
            "locked": lambda pk: _submitted_meanwhile(request, _value_for_official(request, pk)),
            "opened": lambda existing: _opened_meanwhile(request, existing),
        },
        submitted=lambda saved: _submitted(request),
        initial=initial,
    )


def _submitted(request):
    messages.success(request, _("Value submitted: the curators have been told."))
    return redirect("workspace:indicators")


def _stale_form(request, current):
    """The form again with the official's entry, now based on the saved version."""
    messages.error(
        request,
        _(
            "Someone else saved this value while you were editing it. Your entry "
            "was not saved; the form shows it over the saved version. Save again "
            "to replace it with yours."
        ),
    )
    current = _value_for_official(request, current.pk)
    form = edited_again(request, IndicatorValueForm, current)
    return _render_value(request, current, form, status=409)


def _opened_meanwhile(request, existing):
    return opened_meanwhile(
        request,
        existing,
        message=_(
            "A colleague opened a value for this period for your state while you "
            "were writing yours, and a state has one open value per indicator and "
            "period. Your entry was not saved; it is shown below. Continue in your "
            "colleague's value."
        ),
        load=lambda pk: _value_for_official(request, pk),
        form_class=IndicatorValueForm,
        page=lambda value, form, **kwargs: _render_value(request, value, form, **kwargs),
    )


def _submitted_meanwhile(request, value):
    messages.error(
        request,
        _(
            "Someone else submitted this value while you were editing it, so it can no longer "
            "be edited. Your entry was not saved; it is shown below."
        ),
    )
    return _render_value(request, value, None, unsaved=request.POST, status=409)


def _render_value(request, value, form, unsaved=None, status=200):
    evidence = list(value.evidence.all()) if value.pk else []
    return render(
        request,
        "workspace/indicator_value_form.html",
        {
            "value": value,
            "indicator": value.indicator,
            "form": form,
            "evidence": evidence,
            "history": history_of(value),
            "unsaved": unsaved,
        },
        status=status,
    )


# Published evidence is public; unpublished evidence only reaches the owning state's
# officials and curators; anyone else gets a 404.
evidence_delete, evidence_download = evidence_views(
    value_service.VALUES,
    locked=lambda request, pk: _submitted_meanwhile(request, _value_for_official(request, pk)),
    back="workspace:indicator_value",
)


@login_required
def review_queue(request):
    _require_curator(request)
    queue = (
        IndicatorValue.objects.awaiting_review()
        .select_related("indicator__commitment", "indicator__area", "member_state")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/review_indicator_values.html",
        {"page_obj": page},
    )


@login_required
def review_value(request, pk):
    _require_curator(request)
    decision = decide(
        request,
        _value_for_review(pk),
        workflow=value_service.VALUES,
        reload=_value_for_review,
        done=lambda value: reverse("workspace:review_indicator_values"),
        texts={
            "published": _("Value published."),
            "returned": _("Value returned to its state."),
            "not_published": _("The value was not published: %(reason)s."),
            "not_returned": _("The value was not returned: %(reason)s."),
        },
    )
    if decision.response is not None:
        return decision.response
    value = decision.item
    return render(
        request,
        "workspace/review_indicator_value.html",
        {
            "value": value,
            "indicator": value.indicator,
            "return_form": decision.return_form,
            "evidence": list(value.evidence.all()),
            "history": history_of(value),
            "awaiting_review": value.review_state in AWAITING_REVIEW,
        },
        status=decision.status,
    )


def _value_for_review(pk):
    return get_object_or_404(
        IndicatorValue.objects.select_related(
            "indicator__commitment__area", "indicator__area", "member_state", "author"
        ).prefetch_related(Prefetch("evidence", queryset=IndicatorEvidence.objects.order_by("id"))),
        pk=pk,
    )
