from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Objective, Official, ThematicAxis, WorkArea


class PlanAdmin(SimpleHistoryAdmin):
    """Curators' admin for a piece of the plan, with its history (``exchange.admin`` adds
    import and export)."""


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ("order", "text")


@admin.register(ThematicAxis)
class ThematicAxisAdmin(PlanAdmin):
    list_display = ("number", "name")
    search_fields = ("name",)


@admin.register(Agency)
class AgencyAdmin(PlanAdmin):
    list_display = ("acronym", "name", "note")
    list_filter = ("areas__axis", "areas")
    search_fields = ("acronym", "name")


@admin.register(Official)
class OfficialAdmin(PlanAdmin):
    list_display = ("name", "title", "agency")
    list_filter = ("agency",)
    list_select_related = ("agency",)
    search_fields = ("name", "title", "agency__acronym")


@admin.register(WorkArea)
class WorkAreaAdmin(PlanAdmin):
    list_display = ("number", "name", "axis", "agency_list")
    list_display_links = ("number", "name")
    list_filter = ("axis", "agencies")
    list_select_related = ("axis",)
    search_fields = ("name", "axis_rationale", "responsible_as_written")
    filter_horizontal = ("agencies", "officials")
    inlines = [ObjectiveInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agencies")

    @admin.display(description=_("responsible agencies"))
    def agency_list(self, area):
        return ", ".join(agency.acronym for agency in area.agencies.all())


@admin.register(Objective)
class ObjectiveAdmin(PlanAdmin):
    list_display = ("area", "order", "text")
    list_filter = ("area",)
    list_select_related = ("area",)
    search_fields = ("text",)
