from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from areas.admin import PlanAdmin, PlanTextInline, PlanTextLabels, WorkAreaAdmin
from areas.models import WorkArea

from .forms import ReturnForm
from .models import (
    OPEN_REVIEW_STATES,
    Commitment,
    CurrentProgress,
    Evidence,
    MemberState,
    Milestone,
    ProgressReport,
    may_review,
)
from .services import reports as report_service


class CommitmentInline(PlanTextInline):
    model = Commitment
    extra = 0
    fields = ("reference", "order", "parent", "text", "due_date", "due_label")
    ordering = ("reference_key",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            area_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Commitment.objects.filter(area_id=area_id, parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The work area's admin lists its commitments too: the plan app does not know about them.
admin.site.unregister(WorkArea)


@admin.register(WorkArea)
class WorkAreaWithCommitmentsAdmin(WorkAreaAdmin):
    inlines = [*WorkAreaAdmin.inlines, CommitmentInline]


class ChildInline(PlanTextInline):
    model = Commitment
    fk_name = "parent"
    extra = 0
    fields = ("reference", "order", "text", "due_date", "due_label")
    verbose_name = _("nested commitment")
    verbose_name_plural = _("nested commitments")


MILESTONE_FIELDS = (
    "title",
    "planned_text",
    "planned_start",
    "planned_end",
    "status",
    "actual_date",
    "place",
    "document_url",
    "document_file",
    "note",
)


class MilestoneInline(PlanTextLabels, TranslationStackedInline):
    model = Milestone
    extra = 0
    fields = MILESTONE_FIELDS
    show_change_link = True


@admin.register(Milestone)
class MilestoneAdmin(PlanAdmin):
    list_display = (
        "title",
        "commitment",
        "planned_text",
        "planned_start",
        "status",
        "actual_date",
        "place",
    )
    list_filter = ("status", "commitment__area")
    list_select_related = ("commitment",)
    search_fields = ("title", "place", "planned_text", "commitment__reference")
    autocomplete_fields = ("commitment",)
    fields = ("commitment", *MILESTONE_FIELDS, "document_content_type", "document_size")
    readonly_fields = ("document_content_type", "document_size")


@admin.register(Commitment)
class CommitmentAdmin(PlanAdmin):
    # The area's number and the parent's reference, not their names: with the names the
    # last columns sat behind a horizontal scroll at 1280 pixels.
    list_display = ("reference", "short_text", "area_number", "parent_reference", "due_date")
    list_filter = ("area", "area__axis", "area__agencies", ("parent", admin.EmptyFieldListFilter))
    list_select_related = ("area", "parent")
    search_fields = ("reference", "text", "due_label")
    ordering = ("reference_key",)
    inlines = [ChildInline, MilestoneInline]
    autocomplete_fields = ("parent",)

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, commitment):
        return commitment.text[:120]

    @admin.display(description=_("work area"), ordering="area__number")
    def area_number(self, commitment):
        return commitment.area.number

    @admin.display(description=_("parent commitment"), ordering="parent__reference_key")
    def parent_reference(self, commitment):
        return commitment.parent.reference if commitment.parent_id else "—"


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ("iso_code", "name")
    search_fields = ("iso_code", "name")


class ProgressReportForm(forms.ModelForm):
    """The admin's report form: it never makes a second open report on a commitment × member
    state (the database refuses one too)."""

    def clean(self):
        cleaned = super().clean()
        commitment, state = cleaned.get("commitment"), cleaned.get("member_state")
        if commitment is None or state is None or self.instance.is_published:
            return cleaned
        other = (
            ProgressReport.objects.filter(
                commitment=commitment,
                member_state=state,
                review_state__in=OPEN_REVIEW_STATES,
            )
            .exclude(pk=self.instance.pk)
            .first()
        )
        if other is not None:
            raise forms.ValidationError(
                _(
                    "%(state)s already has an open report on commitment %(reference)s "
                    "(report %(number)s): change that one instead."
                )
                % {"state": state.name, "reference": commitment.reference, "number": other.pk}
            )
        return cleaned


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ("title", "url", "file", "content_type", "size")
    readonly_fields = ("content_type", "size")


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    # The report's name (state · commitment · reporting date) instead of the commitment's
    # text and two more columns: with the text, the other seven columns sat behind a
    # horizontal scroll at 1280 pixels.
    list_display = (
        "name",
        "status",
        "percentage",
        "review_state",
        "published_at",
        "is_demo",
    )
    list_filter = ("review_state", "status", "member_state", "commitment__area", "is_demo")
    list_select_related = ("commitment", "member_state")
    search_fields = ("narrative", "commitment__reference", "member_state__name")
    date_hierarchy = "reported_on"
    raw_id_fields = ("commitment", "supersedes")
    # The review state moves only through the workflow's actions, which keep the current
    # progress and the e-mails right; a form field would bypass them.
    readonly_fields = (
        "review_state",
        "return_reason",
        "supersedes",
        "author",
        "reviewed_by",
        "submitted_at",
        "published_at",
        "version",
    )
    inlines = [EvidenceInline]
    actions = ["publish_selected", "return_selected"]

    @admin.display(description=_("report"), ordering="reported_on")
    def name(self, report):
        return report.title

    def has_review_permission(self, request):
        return may_review(request.user)

    def has_change_permission(self, request, obj=None):
        # A published report is immutable: a correction is a new report that supersedes it.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change=change, form=ProgressReportForm, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            # Saved only if nobody published, returned or edited it since it was loaded;
            # an official's open form on it must now see it as stale.
            report_service.claim_for_edit(obj)
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except report_service.ReviewError as error:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("The report was not saved"),
                "report": error.report,
                "reason": error.reason,
            }
            return TemplateResponse(request, "admin/report_conflict.html", context, status=409)

    @admin.action(description=_("Publish the selected reports"), permissions=["review"])
    def publish_selected(self, request, queryset):
        result = report_service.publish_many(self._chosen(queryset), by=request.user)
        self._report_review(
            request,
            result,
            _("%(count)d report(s) published."),
            _("%(report)s was not published: %(reason)s."),
        )

    @admin.action(
        description=_("Return the selected reports with a reason"), permissions=["review"]
    )
    def return_selected(self, request, queryset):
        form = ReturnForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            result = report_service.return_many(
                self._chosen(queryset), by=request.user, reason=form.cleaned_data["reason"]
            )
            self._report_review(
                request,
                result,
                _("%(count)d report(s) returned."),
                _("%(report)s was not returned: %(reason)s."),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Return reports"),
            "reports": queryset.select_related("commitment", "member_state"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/return_reports.html", context)

    @staticmethod
    def _chosen(queryset):
        return queryset.select_related("commitment", "member_state").order_by("pk")

    def _report_review(self, request, result, done, left):
        """One message for the reports done, one per report left as it was and why: each
        report is published or returned on its own, whatever happened to the others."""
        if result.done or not result.left:
            self.message_user(request, done % {"count": len(result.done)}, messages.SUCCESS)
        for report, error in result.left:
            self.message_user(
                request,
                left % {"report": report.title, "reason": error.reason},
                messages.WARNING,
            )


@admin.register(CurrentProgress)
class CurrentProgressAdmin(admin.ModelAdmin):
    list_display = ("commitment", "member_state", "status", "percentage", "reported_on")
    list_filter = ("status", "member_state", "commitment__area")
    list_select_related = ("commitment", "member_state")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
