from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Objective, Official, ThematicAxis, WorkArea


class PlanTextLabels:
    """Each language's version of a plan text under its own label: the Spanish one as the
    original, the others as translations (django-modeltranslation's fields)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        lang = getattr(db_field, "language", None)
        if field is not None and lang:
            original = db_field.translated_field.verbose_name
            if lang == "es":
                field.label = format_lazy("{} ({})", original, _("Spanish original"))
            else:
                name = dict(settings.LANGUAGES)[lang]
                field.label = format_lazy(
                    "{} ({}, {})", original, name, _("unofficial translation")
                )
        return field


class PlanAdmin(PlanTextLabels, TranslationAdmin, SimpleHistoryAdmin):
    """Curators' admin for a piece of the plan, with its history and every language's
    version of its texts (``exchange.admin`` adds import and export)."""


class PlanTextInline(PlanTextLabels, TranslationTabularInline):
    """An inline of plan texts, with a field per language."""


class ObjectiveInline(PlanTextInline):
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
