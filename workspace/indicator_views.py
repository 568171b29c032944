"""Indicator values in the officials' workspace and the curators' review, beside reports.

The same rules as reports (``workspace.views``): an official works on their own state's
values only (``_official_state``; another state's value is a 404), curators review
(``_require_curator``), and a lost race is a 409 with the official's text shown, not saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments.forms import ReturnForm
from commitments.models import AWAITING_REVIEW, OPEN_REVIEW_STATES, may_review
from indicators.models import Indicator, IndicatorEvidence, IndicatorValue
from indicators.services import values as value_service

from .forms import IndicatorValueForm
from .views import _official_state, _require_curator


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
    if request.method == "POST" and not value.is_editable:
        if request.POST.get("version") in (None, "", str(value.version)):
            raise PermissionDenied
        return _submitted_meanwhile(request, value)
    return _value_form(request, value)


def _value_form(request, value, initial=None):
    editable = value.pk is None or value.is_editable
    if request.method == "POST" and editable:
        submitting = request.POST.get("action") == "submit"
        form = IndicatorValueForm(
            request.POST, request.FILES, instance=value, submitting=submitting
        )
        if form.is_valid():
            try:
                saved = value_service.save_value(
                    form.save(commit=False),
                    by=request.user,
                    expected_version=form.cleaned_data.get("version") if value.pk else None,
                    links=form.cleaned_data["links"],
                    files=form.cleaned_data["files"],
                    submit=submitting,
                )
            except value_service.StaleReport as stale:
                messages.error(
                    request,
                    _(
                        "Someone else saved this value while you were editing it. Your entry "
                        "was not saved; the form shows it over the saved version. Save again "
                        "to replace it with yours."
                    ),
                )
                data = request.POST.copy()
                data["version"] = str(stale.current.version)
                current = _value_for_official(request, stale.current.pk)
                form = IndicatorValueForm(data, instance=current)
                form.is_valid()
                return _render_value(request, current, form, status=409)
            except value_service.ReviewError as error:
                if error.report is None:
                    raise Http404 from None
                return _submitted_meanwhile(request, _value_for_official(request, value.pk))
            except value_service.OpenReportExists as opened:
                messages.error(
                    request,
                    _(
                        "A colleague opened a value for this period for your state while you "
                        "were writing yours, and a state has one open value per indicator and "
                        "period. Your entry was not saved; it is shown below. Continue in your "
                        "colleague's value."
                    ),
                )
                existing = _value_for_official(request, opened.existing.pk)
                form = IndicatorValueForm(instance=existing) if existing.is_editable else None
                return _render_value(request, existing, form, unsaved=request.POST, status=409)
            if submitting:
                messages.success(request, _("Value submitted: the curators have been told."))
                return redirect("workspace:indicators")
            messages.success(request, _("Draft saved."))
            return redirect("workspace:indicator_value", pk=saved.pk)
        return _render_value(request, value, form, status=400)
    form = IndicatorValueForm(instance=value, initial=initial) if editable else None
    return _render_value(request, value, form)


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
    history = []
    if value.pk:
        history = list(value.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "workspace/indicator_value_form.html",
        {
            "value": value,
            "indicator": value.indicator,
            "form": form,
            "evidence": evidence,
            "history": history,
            "unsaved": unsaved,
        },
        status=status,
    )


@login_required
@require_POST
def evidence_delete(request, pk):
    state = _official_state(request)
    evidence = get_object_or_404(
        IndicatorEvidence.objects.select_related("value"), pk=pk, value__member_state=state
    )
    if not evidence.value.is_editable:
        raise PermissionDenied
    try:
        value_service.remove_evidence(evidence, by=request.user)
    except value_service.ReviewError:
        return _submitted_meanwhile(request, _value_for_official(request, evidence.value_id))
    messages.success(request, _("Evidence removed."))
    return redirect("workspace:indicator_value", pk=evidence.value_id)


def evidence_download(request, pk):
    """Published evidence is public; unpublished evidence only reaches the owning state's
    officials and curators; anyone else gets a 404."""
    evidence = get_object_or_404(
        IndicatorEvidence.objects.select_related("value").exclude(file=""), pk=pk
    )
    value = evidence.value
    if not (value.is_published or may_review(request.user)):
        profile = getattr(request.user, "official_profile", None)
        if profile is None or profile.member_state_id != value.member_state_id:
            raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    if not value.is_published:
        response["Cache-Control"] = "private, no-store"
    return response


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


def _posted_version(request):
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


@login_required
def review_value(request, pk):
    _require_curator(request)
    value = _value_for_review(pk)
    return_form = ReturnForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if value.review_state not in AWAITING_REVIEW and action in ("publish", "return"):
                raise value_service.ReviewError(value)
            if action == "publish":
                value_service.publish(
                    value, by=request.user, expected_version=_posted_version(request)
                )
                messages.success(request, _("Value published."))
                return redirect("workspace:review_indicator_values")
            if action == "return":
                return_form = ReturnForm(request.POST)
                if return_form.is_valid():
                    value_service.return_value(
                        value,
                        by=request.user,
                        reason=return_form.cleaned_data["reason"],
                        expected_version=_posted_version(request),
                    )
                    messages.success(request, _("Value returned to its state."))
                    return redirect("workspace:review_indicator_values")
            status = 400
        except value_service.ReviewError as error:
            if error.report is None:
                raise Http404 from None
            if action == "publish":
                message = _("The value was not published: %(reason)s.")
            else:
                message = _("The value was not returned: %(reason)s.")
            messages.error(request, message % {"reason": error.reason})
            value = _value_for_review(pk)
            status = 409
    history = list(value.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "workspace/review_indicator_value.html",
        {
            "value": value,
            "indicator": value.indicator,
            "return_form": return_form,
            "evidence": list(value.evidence.all()),
            "history": history,
            "awaiting_review": value.review_state in AWAITING_REVIEW,
        },
        status=status,
    )


def _value_for_review(pk):
    return get_object_or_404(
        IndicatorValue.objects.select_related(
            "indicator__commitment__area", "indicator__area", "member_state", "author"
        ).prefetch_related(Prefetch("evidence", queryset=IndicatorEvidence.objects.order_by("id"))),
        pk=pk,
    )
