"""Import/export of the plan, rows matched by natural keys, never by database ids."""

from django.utils.translation import gettext as _
from import_export import fields

from .imports import (
    NaturalForeignKeyWidget,
    NaturalManyToManyWidget,
    PlanResource,
    WholeNumberWidget,
)
from .models import Agency, Objective, Official, ThematicAxis, WorkArea


def _number_outside(value, low, high):
    return value is not None and not low <= value <= high


class ThematicAxisResource(PlanResource):
    key = "axes"
    number = fields.Field(attribute="number", column_name="number", widget=WholeNumberWidget())

    class Meta:
        model = ThematicAxis
        fields = ("number", "name")
        import_id_fields = ("number",)

    def check_instance(self, instance):
        if _number_outside(instance.number, 1, 4):
            return {"number": [_("Thematic axes are numbered 1 to 4.")]}
        return {}


class AgencyResource(PlanResource):
    key = "agencies"

    class Meta:
        model = Agency
        fields = ("acronym", "name", "note")
        import_id_fields = ("acronym",)


class OfficialResource(PlanResource):
    key = "officials"
    agency = fields.Field(
        attribute="agency", column_name="agency", widget=NaturalForeignKeyWidget(Agency, "acronym")
    )

    class Meta:
        model = Official
        fields = ("name", "title", "agency")
        import_id_fields = ("name",)

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("agency")


class WorkAreaResource(PlanResource):
    key = "areas"
    number = fields.Field(attribute="number", column_name="number", widget=WholeNumberWidget())
    axis = fields.Field(
        attribute="axis",
        column_name="axis",
        widget=NaturalForeignKeyWidget(ThematicAxis, "number"),
    )
    agencies = fields.Field(
        attribute="agencies",
        column_name="agencies",
        widget=NaturalManyToManyWidget(Agency, "acronym"),
    )
    officials = fields.Field(
        attribute="officials",
        column_name="officials",
        widget=NaturalManyToManyWidget(Official, "name"),
    )

    class Meta:
        model = WorkArea
        fields = (
            "number",
            "name",
            "axis",
            "axis_rationale",
            "responsible_as_written",
            "agencies",
            "officials",
        )
        import_id_fields = ("number",)

    def check_instance(self, instance):
        if _number_outside(instance.number, 1, 14):
            return {"number": [_("Work areas are numbered 1 to 14.")]}
        return {}

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("axis")
            .prefetch_related("agencies", "officials")
        )


class ObjectiveResource(PlanResource):
    key = "objectives"
    area = fields.Field(
        attribute="area", column_name="area", widget=NaturalForeignKeyWidget(WorkArea, "number")
    )
    order = fields.Field(attribute="order", column_name="order", widget=WholeNumberWidget())

    class Meta:
        model = Objective
        fields = ("area", "order", "text")
        import_id_fields = ("area", "order")

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("area")
