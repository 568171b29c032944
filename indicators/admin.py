"""Curators define indicators here, with each member state's baseline and target inline.

Values are reported in the officials' workspace and reviewed in the review queue
(``/review/indicator-values/``), whose transitions keep the current value and the e-mails
right; the admin only shows them, with their history. An indicator's title, description and
unit are edited in every language, as the plan's texts are (``areas.admin.PlanAdmin``).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from areas.admin import PlanAdmin

from .models import Indicator, IndicatorEvidence, IndicatorStateTarget, IndicatorValue


class IndicatorStateTargetInline(admin.TabularInline):
    model = IndicatorStateTarget
    extra = 0
    fields = ("member_state", "baseline_value", "baseline_year", "target_value", "target_year")


@admin.register(Indicator)
class IndicatorAdmin(PlanAdmin):
    list_display = (
        "title",
        "commitment",
        "area",
        "kind",
        "aggregation",
        "baseline_value",
        "target_value",
        "is_demo",
    )
    list_filter = ("kind", "aggregation", "is_demo", "area", "commitment__area")
    list_select_related = ("commitment", "area")
    search_fields = ("title", "description", "commitment__reference")
    fieldsets = (
        (None, {"fields": ("commitment", "area", "order", "title", "description", "unit")}),
        (None, {"fields": ("kind", "aggregation")}),
        (None, {"fields": (("baseline_value", "baseline_year"), ("target_value", "target_year"))}),
        (None, {"fields": ("is_demo",)}),
    )
    inlines = [IndicatorStateTargetInline]


class IndicatorEvidenceInline(admin.TabularInline):
    model = IndicatorEvidence
    extra = 0
    fields = ("title", "url", "file", "content_type", "size")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = (
        "indicator",
        "member_state",
        "period",
        "value",
        "review_state",
        "is_current",
        "published_at",
        "is_demo",
    )
    list_filter = ("review_state", "is_current", "member_state", "is_demo")
    list_select_related = ("indicator__commitment", "indicator__area", "member_state")
    search_fields = ("narrative", "indicator__title", "member_state__name")
    # Every field, read-only, in the order a curator reads a value: what, whose, which
    # period, then where its review stands.
    readonly_fields = (
        "id",
        "indicator",
        "member_state",
        "period",
        "value",
        "narrative",
        "author",
        "review_state",
        "return_reason",
        "reviewed_by",
        "submitted_at",
        "published_at",
        "is_current",
        "supersedes",
        "version",
        "is_demo",
        "created_at",
        "updated_at",
    )
    inlines = [IndicatorEvidenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
