from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Commitment, CurrentProgress, Evidence, MemberState, ProgressReport
from .resources import CommitmentResource, MemberStateResource, ProgressReportResource


class ChildInline(admin.TabularInline):
    model = Commitment
    fk_name = "parent"
    extra = 0
    fields = ("reference", "order", "text", "due_date", "due_label")
    verbose_name = _("nested commitment")
    verbose_name_plural = _("nested commitments")


@admin.register(Commitment)
class CommitmentAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [CommitmentResource]
    list_display = ("reference", "short_text", "area", "parent", "due_date")
    list_filter = ("area", "area__axis", "area__agencies", ("parent", admin.EmptyFieldListFilter))
    list_select_related = ("area", "parent")
    search_fields = ("reference", "text", "due_label")
    ordering = ("reference_key",)
    inlines = [ChildInline]
    autocomplete_fields = ("parent",)

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, commitment):
        return commitment.text[:120]


@admin.register(MemberState)
class MemberStateAdmin(ImportExportModelAdmin):
    resource_classes = [MemberStateResource]
    list_display = ("iso_code", "name")
    search_fields = ("iso_code", "name")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ("title", "url", "file", "content_type", "size")
    readonly_fields = ("content_type", "size")


@admin.register(ProgressReport)
class ProgressReportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [ProgressReportResource]
    list_display = (
        "commitment",
        "member_state",
        "status",
        "percentage",
        "reported_on",
        "review_state",
        "published_at",
        "is_demo",
    )
    list_filter = ("review_state", "status", "member_state", "commitment__area", "is_demo")
    list_select_related = ("commitment", "member_state")
    search_fields = ("narrative", "commitment__reference", "member_state__name")
    date_hierarchy = "reported_on"
    raw_id_fields = ("commitment", "supersedes")
    readonly_fields = ("author", "reviewed_by", "submitted_at", "published_at", "version")
    inlines = [EvidenceInline]


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
