"""Import/export of the plan, its member states and published reports: rows matched by natural
keys, never by database ids."""

import math

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from import_export import fields, widgets
from simple_history.utils import bulk_create_with_history

from areas.models import Agency, Objective, Official, ThematicAxis, WorkArea
from areas.plan_text import ORIGINAL, TRANSLATIONS
from commitments.models import (
    Commitment,
    CurrentProgress,
    MemberState,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReviewState,
    Status,
)
from commitments.services import reports as report_service
from commitments.validators import validate_reference

from .imports import (
    IsoDateTimeWidget,
    NaturalForeignKeyWidget,
    NaturalManyToManyWidget,
    PlainDateWidget,
    PlanResource,
    WholeNumberWidget,
)


def spanish(name):
    """A plan text's Spanish original, under the column it always had (``name``): written to
    and read from its Spanish column whatever language the curator's admin speaks."""
    return fields.Field(
        attribute=f"{name}_{ORIGINAL}",
        column_name=name,
        widget=widgets.CharWidget(coerce_to_string=True, allow_blank=True),
    )


def translations(*names):
    """The columns of the plan texts' translations, ``name_en``, ``name_pt``, ``name_fr``:
    after the table's own columns, so that a file without them still imports."""
    return tuple(f"{name}_{lang}" for name in names for lang in TRANSLATIONS)


def _is_reference(value):
    try:
        validate_reference(value)
    except ValidationError:
        return False
    return True


def _number_outside(value, low, high):
    return value is not None and not low <= value <= high


class ThematicAxisResource(PlanResource):
    key = "axes"
    number = fields.Field(attribute="number", column_name="number", widget=WholeNumberWidget())
    name = spanish("name")

    class Meta:
        model = ThematicAxis
        fields = ("number", "name", *translations("name"))
        import_id_fields = ("number",)

    def check_instance(self, instance):
        if _number_outside(instance.number, 1, 4):
            return {"number": [_("Thematic axes are numbered 1 to 4.")]}
        return {}


class AgencyResource(PlanResource):
    key = "agencies"
    name = spanish("name")
    note = spanish("note")

    class Meta:
        model = Agency
        fields = ("acronym", "name", "note", *translations("name", "note"))
        import_id_fields = ("acronym",)


class OfficialResource(PlanResource):
    key = "officials"
    agency = fields.Field(
        attribute="agency", column_name="agency", widget=NaturalForeignKeyWidget(Agency, "acronym")
    )
    title = spanish("title")

    class Meta:
        model = Official
        fields = ("name", "title", "agency", *translations("title"))
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
    name = spanish("name")
    axis_rationale = spanish("axis_rationale")

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
            *translations("name", "axis_rationale"),
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
    text = spanish("text")

    class Meta:
        model = Objective
        fields = ("area", "order", "text", *translations("text"))
        import_id_fields = ("area", "order")

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("area")


class MemberStateResource(PlanResource):
    key = "member_states"

    class Meta:
        model = MemberState
        fields = ("iso_code", "name")
        import_id_fields = ("iso_code",)


class CommitmentResource(PlanResource):
    key = "commitments"
    area = fields.Field(
        attribute="area", column_name="area", widget=NaturalForeignKeyWidget(WorkArea, "number")
    )
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=NaturalForeignKeyWidget(Commitment, "reference"),
    )
    order = fields.Field(attribute="order", column_name="order", widget=WholeNumberWidget())
    due_date = fields.Field(attribute="due_date", column_name="due_date", widget=PlainDateWidget())
    text = spanish("text")
    due_label = spanish("due_label")

    class Meta:
        model = Commitment
        fields = (
            "reference",
            "area",
            "parent",
            "order",
            "text",
            "due_date",
            "due_label",
            *translations("text", "due_label"),
        )
        import_id_fields = ("reference",)

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("area", "parent")
            .order_by("reference_key")
        )

    def prepare_dataset(self, dataset):
        # Parents before their children, whatever order the spreadsheet was sorted in.
        if "reference" not in (dataset.headers or []):
            return dataset
        column = dataset.headers.index("reference")
        lines = dataset.source_lines
        order = sorted(range(len(dataset)), key=lambda i: str(dataset[i][column] or "").count("."))
        if order == list(range(len(dataset))):
            return dataset
        ordered = type(dataset)(headers=dataset.headers, title=dataset.title)
        for i in order:
            ordered.append(dataset[i])
        ordered.source_lines = [lines[i] for i in order]
        return ordered

    def check_instance(self, commitment):
        errors = {}
        reference = commitment.reference or ""
        # A malformed reference is reported by the model's own validator, which runs next.
        if (
            _is_reference(reference)
            and commitment.area_id
            and reference.split(".")[0] != str(commitment.area.number)
        ):
            errors["reference"] = [
                _("Reference %(reference)s does not start with its area's number, %(area)s.")
                % {"reference": reference, "area": commitment.area.number}
            ]
        parent = commitment.parent
        if parent is not None:
            if parent.reference == reference:
                errors["parent"] = [_("A commitment cannot be its own parent.")]
            elif parent.area_id != commitment.area_id:
                errors["parent"] = [
                    _("Parent %(parent)s belongs to another work area.")
                    % {"parent": parent.reference}
                ]
            elif parent.parent_id is not None:
                errors["parent"] = [
                    _("Parent %(parent)s is itself nested; nest one level only.")
                    % {"parent": parent.reference}
                ]
        return errors

    def before_save_instance(self, instance, row, **kwargs):
        # save() sets it too; setting it here keeps any bulk path right.
        instance.reference_key = Commitment.sort_key(instance.reference)


class MilestoneResource(PlanResource):
    """The commitments' milestones, matched by commitment reference and title. An uploaded
    outcome document stays in the portal; files carry the outcome link only."""

    key = "milestones"
    commitment = fields.Field(
        attribute="commitment",
        column_name="commitment",
        widget=NaturalForeignKeyWidget(Commitment, "reference"),
    )
    planned_start = fields.Field(
        attribute="planned_start", column_name="planned_start", widget=PlainDateWidget()
    )
    planned_end = fields.Field(
        attribute="planned_end", column_name="planned_end", widget=PlainDateWidget()
    )
    actual_date = fields.Field(
        attribute="actual_date", column_name="actual_date", widget=PlainDateWidget()
    )
    title = spanish("title")
    planned_text = spanish("planned_text")
    place = spanish("place")

    class Meta:
        model = Milestone
        fields = (
            "commitment",
            "title",
            "planned_text",
            "planned_start",
            "planned_end",
            "status",
            "actual_date",
            "place",
            "document_url",
            "note",
            *translations("title", "planned_text", "place"),
        )
        export_order = fields
        import_id_fields = ("commitment", "title")

    def check_instance(self, milestone):
        if milestone.status not in MilestoneStatus.values:
            return {
                "status": [
                    _("“%(value)s” is not a milestone status; use one of: %(choices)s.")
                    % {"value": milestone.status, "choices": ", ".join(MilestoneStatus.values)}
                ]
            }
        return {}

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("commitment")
            .order_by("commitment__reference_key", "planned_start", "title")
        )


class ProgressReportResource(PlanResource):
    """Published progress reports.

    Natural key: commitment reference + member state ISO code + reporting date. Curators
    import published data: a new row becomes a published report; a changed row that
    matches a published report publishes a correction of it (published reports are
    immutable). Each follows the rules of publishing (``commitments.services.reports``):
    it supersedes its pair's current report only when it ranks above it by
    ``CURRENT_ORDER`` (so a backdated correction replaces nothing), and the import holds
    the commitments' locks from its first read to its commit, then rebuilds the current
    states, so an import and a publish never recompute one pair at once. Drafts and the
    review queue never travel through files. Should a state have published two reports
    with the same date, the export carries the later one, which is the one an import
    updates.
    """

    key = "progress_reports"
    # Percentage and status rules are checked below, without a query per row.
    validate_constraints = False

    commitment = fields.Field(
        attribute="commitment",
        column_name="commitment",
        widget=NaturalForeignKeyWidget(Commitment, "reference"),
    )
    member_state = fields.Field(
        attribute="member_state",
        column_name="member_state",
        widget=NaturalForeignKeyWidget(MemberState, "iso_code"),
    )
    reported_on = fields.Field(
        attribute="reported_on", column_name="reported_on", widget=PlainDateWidget()
    )
    percentage = fields.Field(
        attribute="percentage", column_name="percentage", widget=WholeNumberWidget()
    )
    is_demo = fields.Field(
        attribute="is_demo", column_name="is_demo", widget=widgets.BooleanWidget()
    )
    published_at = fields.Field(
        attribute="published_at",
        column_name="published_at",
        widget=IsoDateTimeWidget(),
        readonly=True,
    )

    class Meta:
        model = ProgressReport
        fields = (
            "commitment",
            "member_state",
            "reported_on",
            "status",
            "percentage",
            "narrative",
            "is_demo",
            "published_at",
        )
        export_order = fields
        import_id_fields = ("commitment", "member_state", "reported_on")
        # Every row is an insert (a new report or a correction): in batches, with their
        # history rows, once every row has passed validation.
        use_bulk = True
        batch_size = 1000

    def get_queryset(self):
        return ProgressReport.objects.published()

    def get_loader_queryset(self):
        return self.get_queryset().order_by("-published_at", "-pk")

    def filter_export(self, queryset, **kwargs):
        later = ProgressReport.objects.published().filter(
            commitment=OuterRef("commitment"),
            member_state=OuterRef("member_state"),
            reported_on=OuterRef("reported_on"),
            published_at__gt=OuterRef("published_at"),
        )
        return (
            super()
            .filter_export(queryset, **kwargs)
            .published()
            .exclude(Exists(later))
            .select_related("commitment", "member_state")
            .order_by("commitment__reference_key", "member_state__iso_code", "reported_on")
        )

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user")
        self._user = user if getattr(user, "is_authenticated", False) else None
        self._parents = set(
            Commitment.objects.filter(children__isnull=False).values_list("pk", flat=True)
        )
        # Before the existing reports are read: a publish waits until the import commits
        # (and an import waits for a publish under way), as two publishes do.
        report_service.lock_all_commitments()
        # Each pair's current report and its rank; a row ranking above it supersedes it.
        self._current = {
            (current.commitment_id, current.member_state_id): (
                report_service.current_rank(current.report),
                current.report,
            )
            for current in CurrentProgress.objects.select_related("report")
        }
        self._replaced = set(
            ProgressReport.objects.filter(
                supersedes__in=CurrentProgress.objects.values("report")
            ).values_list("supersedes_id", flat=True)
        )

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            user = kwargs.get("user")
            instance.review_state = ReviewState.PUBLISHED
            instance.published_at = self._now
            instance.reviewed_by = user if getattr(user, "is_authenticated", False) else None

    def check_instance(self, report):
        errors = {}
        if report.commitment_id in self._parents:
            errors["commitment"] = [
                _("Commitment %(reference)s has nested commitments; report on those.")
                % {"reference": report.commitment.reference}
            ]
        status_ok = report.status in Status.values
        if not status_ok:
            errors["status"] = [
                _("“%(value)s” is not a status; use one of: %(choices)s.")
                % {"value": report.status, "choices": ", ".join(Status.values)}
            ]
        if report.percentage is not None:
            if not 0 <= report.percentage <= 100:
                errors["percentage"] = [_("A percentage runs from 0 to 100.")]
            elif status_ok and (error := Status(report.status).percentage_error(report.percentage)):
                errors["percentage"] = [error]
        return errors

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            self._supersede(instance)
            return
        # A published report is immutable: a changed row publishes a correction, and the
        # corrected report stays in the public timeline. The correction supersedes it
        # when it is the pair's current report (publishing's rule, below).
        instance.pk = instance.id = None
        instance._state.adding = True
        instance.version = 1
        instance.author = None
        instance.return_reason = ""
        instance.published_at = self._now
        user = kwargs.get("user")
        instance.reviewed_by = user if getattr(user, "is_authenticated", False) else None
        self._supersede(instance)

    def _supersede(self, instance):
        """Publishing's rule, row by row in file order: the report supersedes its pair's
        current report when it ranks above it (a row of this file that ranked above the
        stored one is current from then on; it has no pk yet, so nothing links to it)."""
        pair = (instance.commitment_id, instance.member_state_id)
        # Saved after every stored report: its id, still unknown, ranks above theirs.
        rank = (instance.reported_on, instance.published_at, math.inf)
        current_rank, current = self._current.get(pair, (None, None))
        instance.supersedes = None
        if current_rank is not None and not rank > current_rank:
            return
        if current is not None:
            instance.supersedes = report_service.superseded_by(rank, current, self._replaced)
            if instance.supersedes is not None:
                self._replaced.add(current.pk)
        self._current[pair] = (rank, None)

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, True, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                bulk_create_with_history(
                    self.create_instances,
                    ProgressReport,
                    batch_size=batch_size,
                    default_user=self._user,
                    default_date=self._now,
                )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        changed = result.totals["new"] + result.totals["update"]
        failed = result.has_errors() or result.has_validation_errors()
        if changed and not failed and not kwargs.get("dry_run"):
            # By CURRENT_ORDER, as publishing does; the locks are held already.
            report_service.rebuild_current_progress()
