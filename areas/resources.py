"""Import/export of the plan, rows matched by natural keys, never by database ids."""

from import_export import fields, resources, widgets

from .models import Agency, Objective, Official, ThematicAxis, WorkArea


class ThematicAxisResource(resources.ModelResource):
    class Meta:
        model = ThematicAxis
        fields = ("number", "name")
        import_id_fields = ("number",)
        skip_unchanged = True


class AgencyResource(resources.ModelResource):
    class Meta:
        model = Agency
        fields = ("acronym", "name", "note")
        import_id_fields = ("acronym",)
        skip_unchanged = True


class OfficialResource(resources.ModelResource):
    agency = fields.Field(
        attribute="agency", column_name="agency", widget=widgets.ForeignKeyWidget(Agency, "acronym")
    )

    class Meta:
        model = Official
        fields = ("name", "title", "agency")
        import_id_fields = ("name",)
        skip_unchanged = True


class WorkAreaResource(resources.ModelResource):
    axis = fields.Field(
        attribute="axis",
        column_name="axis",
        widget=widgets.ForeignKeyWidget(ThematicAxis, "number"),
    )
    agencies = fields.Field(
        attribute="agencies",
        column_name="agencies",
        widget=widgets.ManyToManyWidget(Agency, separator="|", field="acronym"),
    )
    officials = fields.Field(
        attribute="officials",
        column_name="officials",
        widget=widgets.ManyToManyWidget(Official, separator="|", field="name"),
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
        skip_unchanged = True


class ObjectiveResource(resources.ModelResource):
    area = fields.Field(
        attribute="area", column_name="area", widget=widgets.ForeignKeyWidget(WorkArea, "number")
    )

    class Meta:
        model = Objective
        fields = ("area", "order", "text")
        import_id_fields = ("area", "order")
        skip_unchanged = True

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).select_related("area")
