"""The officials' workspace ("My state") and the curators' review queue.

Access rules live in one private helper each; a report of another member state is a 404
whatever URL or form field asks for it, so its existence is not revealed either.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments.forms import ReturnForm
from commitments.models import (
    AWAITING_REVIEW,
    OPEN_REVIEW_STATES,
    Commitment,
    CurrentProgress,
    Evidence,
    ProgressReport,
    ReviewState,
    may_review,
)
from commitments.services import reports as report_service

from .filters import ReviewQueueFilter
from .forms import BulkReviewForm, ReportForm

# What a publish form carries once the curator has said "yes, publish" on the confirmation
# page: publishing cannot be undone, so a publish without it only asks.
CONFIRMED = "yes"


def _official_state(request):
    """The member state the logged-in official speaks for; 403 for anyone else."""
    profile = getattr(request.user, "official_profile", None)
    if profile is None:
        raise PermissionDenied
    return profile.member_state


def _report_for_official(request, pk):
    """One of the official's own state's reports; 404 for any other state's."""
    state = _official_state(request)
    return get_object_or_404(
        ProgressReport.objects.select_related("commitment__area", "member_state"),
        pk=pk,
        member_state=state,
    )


def _require_curator(request):
    if not may_review(request.user):
        raise PermissionDenied


def evidence_views(workflow, *, locked, back):
    """The two views of the evidence of anything reviewed (its ``workflow``): an
    official's removal, which goes ``back`` to the item's page (a view taking its pk) or,
    when the item was locked meanwhile, to ``locked(request, item pk)``; and the download."""

    @login_required
    @require_POST
    def evidence_delete(request, pk):
        return delete_evidence(request, pk, workflow=workflow, locked=locked, back=back)

    def evidence_download(request, pk):
        return evidence_file(request, workflow, pk)

    return evidence_delete, evidence_download


def evidence_file(request, workflow, pk):
    """The file of one piece of evidence of anything reviewed (its ``workflow``), as a
    download. Published evidence is public; unpublished evidence only reaches the owning
    state's officials and curators, and is never kept by a shared cache. Anyone else gets
    a 404, as if it did not exist."""
    backs = workflow.evidence_of
    evidence = get_object_or_404(
        workflow.evidence.objects.select_related(backs).exclude(file=""), pk=pk
    )
    item = getattr(evidence, backs)
    if not (item.is_published or may_review(request.user)):
        profile = getattr(request.user, "official_profile", None)
        if profile is None or profile.member_state_id != item.member_state_id:
            raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    if not item.is_published:
        response["Cache-Control"] = "private, no-store"
    return response


def delete_evidence(request, pk, *, workflow, locked, back):
    """An official removes one piece of evidence of their state's editable item (its
    ``workflow``) and goes ``back`` (a view taking the item's pk); another state's is a 404,
    a locked item's a 403, and one locked meanwhile is ``locked(request, item pk)``."""
    state = _official_state(request)
    backs = workflow.evidence_of
    evidence = get_object_or_404(
        workflow.evidence.objects.select_related(backs),
        pk=pk,
        **{f"{backs}__member_state": state},
    )
    item = getattr(evidence, backs)
    if not item.is_editable:
        raise PermissionDenied
    try:
        report_service.remove_item_evidence(workflow, evidence, by=request.user)
    except report_service.ReviewError:
        return locked(request, item.pk)
    messages.success(request, _("Evidence removed."))
    return redirect(back, pk=item.pk)


@login_required
def home(request):
    """Every reportable commitment with the state's current progress and open reports."""
    state = _official_state(request)
    commitments = Commitment.objects.reportable().in_plan_order()
    current = {
        row.commitment_id: row
        for row in CurrentProgress.objects.filter(member_state=state)
        .select_related("report")
        .only(
            "commitment_id",
            "report_id",
            "status",
            "percentage",
            "reported_on",
            "report__is_demo",
        )
    }
    open_reports = {}
    # Oldest first so that the newest open report of a commitment wins.
    for report in (
        ProgressReport.objects.for_state(state)
        .filter(review_state__in=OPEN_REVIEW_STATES)
        .order_by("updated_at", "pk")
        .only(
            "commitment_id", "review_state", "return_reason", "reported_on", "updated_at", "is_demo"
        )
    ):
        open_reports[report.commitment_id] = report
    today = timezone.localdate()
    rows = []
    for commitment in commitments:
        progress = current.get(commitment.pk)
        report = open_reports.get(commitment.pk)
        completed = progress is not None and progress.percentage == 100
        rows.append(
            {
                "commitment": commitment,
                "current": progress,
                "open_report": report,
                "overdue": bool(commitment.due_date and commitment.due_date < today)
                and not completed,
            }
        )
    waiting = [
        {"report": row["open_report"], "commitment": row["commitment"]}
        for row in rows
        if row["open_report"] is not None
        and row["open_report"].review_state in (ReviewState.DRAFT, ReviewState.RETURNED)
    ]
    return render(
        request,
        "workspace/home.html",
        {
            "state": state,
            "rows": rows,
            "waiting": waiting,
            "overdue_count": sum(1 for row in rows if row["overdue"]),
            "pending_count": sum(
                1 for report in open_reports.values() if report.review_state in AWAITING_REVIEW
            ),
        },
    )


@login_required
def pending(request):
    """The state's reports waiting for the curators, newest submission first: where an
    official lands after submitting, the report just sent at the top."""
    state = _official_state(request)
    reports = (
        ProgressReport.objects.for_state(state)
        .awaiting_review()
        .select_related("commitment", "member_state")
        .order_by("-submitted_at", "-pk")
    )
    return render(request, "workspace/pending.html", {"state": state, "reports": list(reports)})


def _submitted(request, report):
    messages.success(request, _("Report submitted: the curators have been told."))
    return redirect(reverse("workspace:pending") + f"#report-{report.pk}")


@login_required
def report_new(request, reference):
    state = _official_state(request)
    commitment = get_object_or_404(
        Commitment.objects.reportable().select_related("area"), reference=reference
    )
    open_report = (
        ProgressReport.objects.for_state(state)
        .filter(commitment=commitment, review_state__in=OPEN_REVIEW_STATES)
        .order_by("-updated_at")
        .first()
    )
    if open_report is not None:
        if request.method == "POST":
            return _opened_meanwhile(request, open_report)
        messages.info(request, _("Your state already has a report on this commitment in progress."))
        return redirect("workspace:report", pk=open_report.pk)
    current = (
        CurrentProgress.objects.filter(commitment=commitment, member_state=state)
        .select_related("report")
        .first()
    )
    report = ProgressReport(commitment=commitment, member_state=state)
    initial = {"reported_on": timezone.localdate()}
    previous_files = []
    if current is not None:
        # A correction starts from the state's current report: its figures, its narrative
        # and its evidence links, all editable. Its files stay on that report (public once
        # published); the form lists them, to attach again where they still apply.
        previous = current.report
        evidence = list(previous.evidence.order_by("pk"))
        initial.update(
            status=previous.status,
            percentage=previous.percentage,
            narrative=previous.narrative,
            links="\n".join(item.url for item in evidence if item.url),
        )
        previous_files = [item for item in evidence if item.is_file]
    return _report_form(
        request, report, initial=initial, correcting=current, previous_files=previous_files
    )


@login_required
def report(request, pk):
    report = _report_for_official(request, pk)
    if posted_after_lock(request, report):
        return _submitted_meanwhile(request, report)
    return _report_form(request, report)


def posted_after_lock(request, item):
    """Whether this request posts an official's form on ``item`` that was locked (submitted
    or published) after the form was loaded: then the entry is shown, unsaved, as a 409.
    A post on an item that its form already showed locked is a 403."""
    if request.method != "POST" or item.is_editable:
        return False
    if request.POST.get("version") in (None, "", str(item.version)):
        raise PermissionDenied
    return True


def _submitted_meanwhile(request, report):
    """Submitted or published by someone else while this form was open: 409, the text shown
    but not saved."""
    messages.error(
        request,
        _(
            "Someone else submitted this report while you were editing it, so it can no "
            "longer be edited. Your text was not saved; it is shown below."
        ),
    )
    return _render_report(request, report, None, unsaved=request.POST, status=409)


def official_form(
    request, item, form_class, *, workflow, edit_view, page, refused, submitted, initial=None
):
    """An official's form on ``item`` (new, or their state's; anything reviewed: its
    ``workflow``): shown, or posted and saved as a draft or submitted, with its evidence.
    ``page(item, form, status=…)`` renders it; a draft saved goes back to ``edit_view``
    (a view taking the item's pk), a submission to ``submitted(item)``. A save that
    someone else's change refused is ``refused``'s: "stale" (saved since: the item as
    stored), "locked" (submitted since: its pk), "opened" (a colleague opened one in its
    place: theirs); each is a 409 that shows the official's entry, unsaved."""
    editable = item.pk is None or item.is_editable
    if request.method == "POST" and editable:
        submitting = request.POST.get("action") == "submit"
        form = form_class(request.POST, request.FILES, instance=item, submitting=submitting)
        if not form.is_valid():
            return page(item, form, status=400)
        try:
            saved = report_service.save(
                workflow,
                form.save(commit=False),
                by=request.user,
                expected_version=form.cleaned_data.get("version") if item.pk else None,
                links=form.cleaned_data["links"],
                files=form.cleaned_data["files"],
                submit=submitting,
            )
        except report_service.StaleReport as stale:
            return refused["stale"](stale.current)
        except report_service.ReviewError as error:
            if error.report is None:
                raise Http404 from None
            return refused["locked"](item.pk)
        except report_service.OpenReportExists as opened:
            return refused["opened"](opened.existing)
        if submitting:
            return submitted(saved)
        messages.success(request, _("Draft saved."))
        return redirect(edit_view, pk=saved.pk)
    form = form_class(instance=item, initial=initial) if editable else None
    return page(item, form)


def edited_again(request, form_class, current):
    """The official's posted entry in a form on ``current`` (the item as saved by someone
    else meanwhile), at its version: saving once more is a deliberate choice made after
    seeing the other person's changes."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = form_class(data, instance=current)
    form.is_valid()
    return form


def _report_form(request, report, initial=None, correcting=None, previous_files=()):
    def page(report, form, status=200):
        return _render_report(
            request,
            report,
            form,
            correcting=correcting,
            previous_files=previous_files,
            status=status,
        )

    return official_form(
        request,
        report,
        ReportForm,
        workflow=report_service.REPORTS,
        edit_view="workspace:report",
        page=page,
        refused={
            "stale": lambda current: _stale_form(request, current),
            "locked": lambda pk: _submitted_meanwhile(request, _report_for_official(request, pk)),
            "opened": lambda existing: _opened_meanwhile(request, existing),
        },
        submitted=lambda saved: _submitted(request, saved),
        initial=initial,
    )


def opened_meanwhile(request, existing, *, message, load, form_class, page):
    """A colleague opened ``existing`` in the place of the official's new item first (a
    state has one open item there), so this one is not created: 409, the ``message``,
    the colleague's item (``load(pk)``) to continue in, and the entry shown unsaved."""
    messages.error(request, message)
    existing = load(existing.pk)
    form = form_class(instance=existing) if existing.is_editable else None
    return page(existing, form, unsaved=request.POST, status=409)


def _opened_meanwhile(request, existing):
    return opened_meanwhile(
        request,
        existing,
        message=_(
            "A colleague opened a report on this commitment for your state while you were "
            "writing yours, and a state has one open report per commitment. Your text was not "
            "saved; it is shown below. Continue in your colleague's report."
        ),
        load=lambda pk: _report_for_official(request, pk),
        form_class=ReportForm,
        page=lambda report, form, **kwargs: _render_report(request, report, form, **kwargs),
    )


def _stale_form(request, current):
    """The form again with the user's text, now based on the saved version: saving once
    more is a deliberate choice made after seeing the other person's changes."""
    messages.error(
        request,
        _(
            "Someone else saved this report while you were editing it. Your text is kept in "
            "the form below but was not saved; the saved version is shown beside it. Save "
            "again to replace it with yours."
        ),
    )
    form = edited_again(request, ReportForm, ProgressReport.objects.get(pk=current.pk))
    return _render_report(request, current, form, saved_version=current, status=409)


def _render_report(
    request,
    report,
    form,
    correcting=None,
    saved_version=None,
    unsaved=None,
    previous_files=(),
    status=200,
):
    evidence = list(report.evidence.all()) if report.pk else []
    return render(
        request,
        "workspace/report_form.html",
        {
            "report": report,
            "commitment": report.commitment,
            "form": form,
            "evidence": evidence,
            "history": history_of(report),
            "correcting": correcting,
            "previous_files": previous_files,
            "saved_version": saved_version,
            "unsaved": unsaved,
        },
        status=status,
    )


@login_required
@require_POST
def report_submit(request, pk):
    report = _report_for_official(request, pk)
    if not report.is_editable:
        raise PermissionDenied
    if not report.narrative.strip():
        messages.error(request, _("Describe the progress before submitting the report."))
        return redirect("workspace:report", pk=report.pk)
    try:
        report_service.submit(report, by=request.user)
    except report_service.ReviewError:
        return _submitted_meanwhile(request, _report_for_official(request, pk))
    return _submitted(request, report)


evidence_delete, evidence_download = evidence_views(
    report_service.REPORTS,
    locked=lambda request, pk: _submitted_meanwhile(request, _report_for_official(request, pk)),
    back="workspace:report",
)


@login_required
def review_queue(request):
    _require_curator(request)
    status = 200
    if request.method == "POST":
        form = BulkReviewForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["action"] == "publish" and not _confirmed(request):
                return _confirm_bulk_publish(request, form.cleaned_data)
            result = _bulk_review(request, form.cleaned_data)
            if not result.left:
                return redirect(request.get_full_path())
            # Some reports were taken by someone else meanwhile: the page says which.
            status = 409
            form = BulkReviewForm()
        else:
            status = 400
    else:
        form = BulkReviewForm()
    return review_queue_page(request, form, status)


def _queue():
    """Every report awaiting review, in the queue's order: oldest submission first."""
    return ProgressReport.objects.awaiting_review().order_by("submitted_at", "pk")


def review_queue_page(request, form, status=200):
    queue = ReviewQueueFilter(
        request.GET,
        queryset=_queue().select_related("commitment", "member_state", "author"),
    )
    page = Paginator(queue.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/review_queue.html",
        {"filter": queue, "page_obj": page, "form": form},
        status=status,
    )


def _confirmed(request):
    return request.POST.get("confirm") == CONFIRMED


def _still_publishable(report, expected_version):
    """None when ``report``, as just read from the database, may still be published at the
    version the curator saw; otherwise the ``ReviewError`` that publishing would raise."""
    if report.review_state not in AWAITING_REVIEW:
        return report_service.ReviewError(report)
    if expected_version is not None and expected_version != report.version:
        return report_service.ReviewError(report, changed=True)
    return None


def _confirm_bulk_publish(request, cleaned):
    """The selection to publish, read again from the database, with the state's current
    figure beside each: nothing is published until the curator says yes. A selection none
    of which can be published any more is a 409 back on the queue."""
    chosen = list(cleaned["reports"].select_related("commitment", "member_state").order_by("pk"))
    versions = cleaned["versions"]
    ready, left = [], []
    for report in chosen:
        error = _still_publishable(report, versions.get(report.pk))
        if error is None:
            ready.append(report)
        else:
            left.append((report, error))
    for report, error in left:
        messages.warning(
            request, _("%(report)s was not published: %(reason)s.") % _left_as_it_was(report, error)
        )
    if not ready:
        return review_queue_page(request, BulkReviewForm(), status=409)
    return render(
        request,
        "workspace/review_confirm.html",
        {
            "reports": ready,
            "current": _current_figures(ready),
            "bulk": True,
            "back": request.get_full_path(),
        },
    )


def _current_figures(reports):
    """{(commitment id, member state id): CurrentProgress} for these reports' pairs: the
    figure each state has published now, shown beside the submitted one (one query)."""
    if not reports:
        return {}
    pairs = Q()
    for report in reports:
        pairs |= Q(commitment_id=report.commitment_id, member_state_id=report.member_state_id)
    return {
        (row.commitment_id, row.member_state_id): row
        for row in CurrentProgress.objects.filter(pairs)
    }


def _bulk_review(request, cleaned):
    """Publish or return each chosen report on its own; one message for those done and one
    per report left as it was, saying why."""
    chosen = cleaned["reports"].select_related("commitment", "member_state").order_by("pk")
    if cleaned["action"] == "publish":
        result = report_service.publish_many(chosen, by=request.user, versions=cleaned["versions"])
        done = _("%(count)d report(s) published.")
        left = _("%(report)s was not published: %(reason)s.")
    else:
        result = report_service.return_many(
            chosen, by=request.user, reason=cleaned["reason"], versions=cleaned["versions"]
        )
        done = _("%(count)d report(s) returned.")
        left = _("%(report)s was not returned: %(reason)s.")
    if result.done or not result.left:
        messages.success(request, done % {"count": len(result.done)})
    for report, error in result.left:
        messages.warning(request, left % _left_as_it_was(report, error))
    return result


def _left_as_it_was(report, error):
    return {"report": report.title, "reason": error.reason}


def _posted_version(request):
    """The version of the report the curator's page showed, or None if it did not say."""
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


class Decision:
    """What a curator's post on a review page came to: a ``response`` to send (the
    redirect after a decision, a confirmation page), or none, and then the page again with
    the ``item`` as stored now, its ``return_form`` and the ``status``."""

    def __init__(self, item, return_form, status=200, response=None):
        self.item = item
        self.return_form = return_form
        self.status = status
        self.response = response


def decide(request, item, *, workflow, reload, done, texts, confirm=None):
    """The curator's decision on one ``item`` awaiting review (anything reviewed: its
    ``workflow``), posted from its review page: publish, or return with a reason. The item
    is checked as stored; one someone else moved on meanwhile is a 409, read again with
    ``reload(pk)``. ``done(item)`` is where the curator goes after deciding; ``texts``
    holds the messages ("published", "returned", "not_published", "not_returned").
    With ``confirm``, a publish without the curator's "yes" changes nothing and gets the
    page ``confirm(item)`` instead."""
    return_form = ReturnForm()
    if request.method != "POST":
        return Decision(item, return_form)
    action = request.POST.get("action")
    try:
        if item.review_state not in AWAITING_REVIEW and action in ("publish", "return"):
            raise report_service.ReviewError(item)
        if action == "publish" and confirm is not None and not _confirmed(request):
            error = _still_publishable(item, _posted_version(request))
            if error is not None:
                raise error
            return Decision(item, return_form, response=confirm(item))
        if action == "publish":
            report_service.publish_item(
                workflow, item, by=request.user, expected_version=_posted_version(request)
            )
            messages.success(request, texts["published"])
            return Decision(item, return_form, response=redirect(done(item)))
        if action == "return":
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                report_service.return_item(
                    workflow,
                    item,
                    by=request.user,
                    reason=return_form.cleaned_data["reason"],
                    expected_version=_posted_version(request),
                )
                messages.success(request, texts["returned"])
                return Decision(item, return_form, response=redirect(done(item)))
        return Decision(item, return_form, status=400)
    except report_service.ReviewError as error:
        if error.report is None:
            raise Http404 from None
        message = texts["not_published"] if action == "publish" else texts["not_returned"]
        messages.error(request, message % {"reason": error.reason})
        return Decision(reload(item.pk), return_form, status=409)


def history_of(item):
    """The latest changes of ``item`` (none before it is saved), newest first."""
    if item.pk is None:
        return []
    return list(item.history.select_related("history_user").order_by("-history_date")[:20])


@login_required
def review_report(request, pk):
    """One report, the state's current published figure beside it, and the two decisions.
    Publishing asks first (it cannot be undone): a publish without the confirmation shows
    the confirmation page and changes nothing. Both steps re-read the report from the
    database; one someone else moved on meanwhile is a 409."""
    _require_curator(request)
    decision = decide(
        request,
        _report_for_review(pk),
        workflow=report_service.REPORTS,
        reload=_report_for_review,
        done=lambda report: reverse("workspace:review_report", args=[report.pk]),
        texts={
            "published": _("Report published."),
            "returned": _("Report returned to its state."),
            "not_published": _("The report was not published: %(reason)s."),
            "not_returned": _("The report was not returned: %(reason)s."),
        },
        confirm=lambda report: render(
            request,
            "workspace/review_confirm.html",
            {
                "reports": [report],
                "current": _current_figures([report]),
                "bulk": False,
                "back": reverse("workspace:review_report", args=[report.pk]),
            },
        ),
    )
    if decision.response is not None:
        return decision.response
    report = decision.item
    return render(
        request,
        "workspace/review_report.html",
        {
            "report": report,
            "current": _current_figures([report]).get(
                (report.commitment_id, report.member_state_id)
            ),
            "next_report": _next_in_queue(report),
            "return_form": decision.return_form,
            "evidence": list(report.evidence.all()),
            "history": history_of(report),
            "awaiting_review": report.review_state in AWAITING_REVIEW,
        },
        status=decision.status,
    )


def _next_in_queue(report):
    """The report after ``report`` in the queue's order, else the first one still waiting
    (``report`` itself never): where the curator goes on after deciding on this one."""
    queue = _queue().exclude(pk=report.pk).select_related("commitment", "member_state")
    if report.submitted_at is not None:
        later = queue.filter(
            Q(submitted_at__gt=report.submitted_at)
            | Q(submitted_at=report.submitted_at, pk__gt=report.pk)
        ).first()
        if later is not None:
            return later
    return queue.first()


def _report_for_review(pk):
    return get_object_or_404(
        ProgressReport.objects.select_related(
            "commitment__area", "member_state", "author", "reviewed_by"
        ).prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id"))),
        pk=pk,
    )
