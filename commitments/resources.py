"""Import/export of commitments, member states and reports by natural keys."""

from import_export import fields, resources, widgets

from areas.models import WorkArea

from .models import Commitment, MemberState, ProgressReport


class MemberStateResource(resources.ModelResource):
    class Meta:
        model = MemberState
        fields = ("iso_code", "name")
        import_id_fields = ("iso_code",)
        skip_unchanged = True


class CommitmentResource(resources.ModelResource):
    area = fields.Field(
        attribute="area", column_name="area", widget=widgets.ForeignKeyWidget(WorkArea, "number")
    )
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=widgets.ForeignKeyWidget(Commitment, "reference"),
    )

    class Meta:
        model = Commitment
        fields = ("reference", "area", "parent", "order", "text", "due_date", "due_label")
        import_id_fields = ("reference",)
        skip_unchanged = True

    def get_export_queryset(self, request=None, **kwargs):
        return (
            super()
            .get_export_queryset(request, **kwargs)
            .select_related("area", "parent")
            .order_by("reference_key")
        )


class ProgressReportResource(resources.ModelResource):
    commitment = fields.Field(
        attribute="commitment",
        column_name="commitment",
        widget=widgets.ForeignKeyWidget(Commitment, "reference"),
    )
    member_state = fields.Field(
        attribute="member_state",
        column_name="member_state",
        widget=widgets.ForeignKeyWidget(MemberState, "iso_code"),
    )

    class Meta:
        model = ProgressReport
        fields = (
            "id",
            "commitment",
            "member_state",
            "status",
            "percentage",
            "reported_on",
            "narrative",
            "review_state",
            "published_at",
            "is_demo",
        )
        export_order = fields
        skip_unchanged = True

    def get_export_queryset(self, request=None, **kwargs):
        return (
            super()
            .get_export_queryset(request, **kwargs)
            .select_related("commitment", "member_state")
        )
