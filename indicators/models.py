"""Indicators: what a commitment or a work area is measured by, with a baseline and a target,
and the values member states report for each period.

Values go through the review workflow of progress reports (``commitments.models.ReviewState``:
draft → submitted → returned → resubmitted → published), with the same transitions
(``indicators.services.values``). The public sees published values only.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import WorkArea
from commitments.models import (
    EVIDENCE_LINK_XOR_FILE,
    OPEN_REVIEW_STATES,
    PUBLISHED_HAS_DATE,
    Commitment,
    EvidenceBase,
    MemberState,
    ReviewedBase,
    ReviewedQuerySet,
    ReviewState,
)

from .periods import validate_period


class Kind(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage")
    YES_NO = "yes_no", _("Yes or no")


class Aggregation(models.TextChoices):
    """How the member states' values of one period make the region's."""

    SUM = "sum", _("Sum of the states' values")
    MEAN = "mean", _("Mean of the states' values")
    COUNT_YES = "count_yes", _("Number of states answering yes")


VALUE_DIGITS = {"max_digits": 14, "decimal_places": 2}


def value_error(kind, value):
    """Why ``value`` cannot be a value of an indicator of ``kind``, or None. The one
    statement of the rule, for the value form, the admin and the model."""
    if value is None:
        return None
    if kind == Kind.YES_NO and value not in (Decimal(0), Decimal(1)):
        return _("A yes-or-no indicator takes 1 (yes) or 0 (no).")
    if kind == Kind.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
        return _("A percentage is between 0 and 100.")
    if kind == Kind.NUMBER and value < 0:
        return _("The value cannot be negative.")
    return None


def regional_value_error(kind, value):
    """Why ``value`` cannot be the region's baseline or target of an indicator of ``kind``,
    or None: the region's value of a yes-or-no indicator counts states."""
    if kind == Kind.YES_NO and value is not None:
        if value < 0 or value != value.to_integral_value():
            return _("The region's value of a yes-or-no indicator counts states: a whole number.")
        return None
    return value_error(kind, value)


class IndicatorQuerySet(models.QuerySet):
    def with_place(self):
        """With the commitment or the area each indicator is on, in one query."""
        return self.select_related("commitment__area", "area")

    def in_plan_order(self):
        """In the plan's order: by work area, the area's own indicators first, then by
        commitment reference; within one place by ``order``."""
        return self.with_place().order_by(
            Coalesce("commitment__area__number", "area__number"),
            models.F("commitment__reference_key").asc(nulls_first=True),
            "order",
            "pk",
        )


class Indicator(models.Model):
    """A measure of a commitment or a work area (exactly one of the two), defined by the
    curators, with the region's baseline and target."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("commitment"),
    )
    area = models.ForeignKey(
        WorkArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("work area"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(
        _("unit"), max_length=60, blank=True, help_text=_("What the number counts, e.g. states.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    aggregation = models.CharField(
        _("regional aggregation"),
        max_length=20,
        choices=Aggregation,
        help_text=_("A yes-or-no indicator counts the states answering yes."),
    )
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE_DIGITS)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(_("target"), null=True, blank=True, **VALUE_DIGITS)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commitment__isnull=False, area__isnull=True)
                | models.Q(commitment__isnull=True, area__isnull=False),
                name="indicator_on_commitment_xor_area",
            ),
            # "Yes" is counted only where the answer is yes or no, and always there.
            models.CheckConstraint(
                condition=models.Q(kind=Kind.YES_NO, aggregation=Aggregation.COUNT_YES)
                | (~models.Q(kind=Kind.YES_NO) & ~models.Q(aggregation=Aggregation.COUNT_YES)),
                name="indicator_count_yes_with_yes_no",
            ),
        ]

    def __str__(self):
        return f"{self.place_reference} · {self.title}"

    @property
    def place(self):
        """The commitment or the work area the indicator measures."""
        return self.commitment if self.commitment_id else self.area

    @property
    def place_reference(self):
        return self.commitment.reference if self.commitment_id else str(self.area.number)

    @property
    def work_area(self):
        return self.commitment.area if self.commitment_id else self.area

    def get_absolute_url(self):
        return reverse("public:indicator", args=[self.pk])

    def clean(self):
        errors = {}
        if (self.commitment_id is None) == (self.area_id is None):
            errors["commitment"] = _("Choose either a commitment or a work area, not both.")
        if (self.kind == Kind.YES_NO) != (self.aggregation == Aggregation.COUNT_YES):
            errors["aggregation"] = _(
                "A yes-or-no indicator counts the states answering yes; any other kind is "
                "summed or averaged."
            )
        for name in ("baseline_value", "target_value"):
            if self.kind and (error := regional_value_error(self.kind, getattr(self, name))):
                errors[name] = error
        if errors:
            raise ValidationError(errors)


class IndicatorStateTarget(models.Model):
    """One member state's own baseline and target on an indicator, when it set them."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="state_targets",
        verbose_name=_("indicator"),
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="indicator_targets",
        verbose_name=_("member state"),
    )
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE_DIGITS)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(_("target"), null=True, blank=True, **VALUE_DIGITS)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "member_state__name"]
        verbose_name = _("member state's baseline and target")
        verbose_name_plural = _("member states' baselines and targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "member_state"], name="one_target_per_indicator_state"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} · {self.member_state_id}"

    def clean(self):
        if self.indicator_id is None:
            return
        errors = {}
        for name in ("baseline_value", "target_value"):
            if error := value_error(self.indicator.kind, getattr(self, name)):
                errors[name] = error
        if errors:
            raise ValidationError(errors)


class IndicatorValueQuerySet(ReviewedQuerySet):
    def current(self):
        """The published value of each indicator × state × period that counts."""
        return self.filter(review_state=ReviewState.PUBLISHED, is_current=True)


class IndicatorValue(ReviewedBase):
    """A member state's value of an indicator for one period, with its narrative and
    evidence, reviewed like a progress report."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="indicator_values",
        verbose_name=_("member state"),
    )
    period = models.CharField(
        _("period"),
        max_length=7,
        validators=[validate_period],
        help_text=_("A year (2020) or a semester (2020-S2)."),
    )
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    narrative = models.TextField(_("narrative"), blank=True)
    # The published value that counts for its indicator × state × period: the latest one
    # published. A correction replaces it and keeps the one it replaced in ``supersedes``.
    is_current = models.BooleanField(_("current"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = IndicatorValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "member_state", "period", "-id"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.CheckConstraint(
                condition=PUBLISHED_HAS_DATE, name="indicator_value_published_has_date"
            ),
            models.CheckConstraint(
                condition=models.Q(is_current=False) | models.Q(review_state=ReviewState.PUBLISHED),
                name="indicator_value_current_is_published",
            ),
            # Two officials opening a value for the same period at once: the second insert
            # fails, and the workspace takes them to the first.
            models.UniqueConstraint(
                fields=["indicator", "member_state", "period"],
                condition=models.Q(review_state__in=OPEN_REVIEW_STATES),
                name="one_open_value_per_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "member_state", "period"],
                condition=models.Q(is_current=True),
                name="one_current_value_per_period",
            ),
        ]
        indexes = [
            # The public pages: every current value of one indicator, or of all.
            models.Index(fields=["is_current", "indicator"], name="indicator_value_current_idx"),
            # The curators' queue, oldest submission first.
            models.Index(fields=["review_state", "submitted_at"], name="indicator_value_queue_idx"),
        ]

    def __str__(self):
        return f"{self.indicator_id} · {self.member_state.iso_code} · {self.period}"

    def clean(self):
        if self.indicator_id is not None and (
            error := value_error(self.indicator.kind, self.value)
        ):
            raise ValidationError({"value": error})


class IndicatorEvidence(EvidenceBase):
    """A link or an uploaded file that backs an indicator value (the evidence of reports,
    ``commitments.models.EvidenceBase``, with its validators and storage)."""

    value = models.ForeignKey(
        IndicatorValue,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("indicator value"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("indicator evidence")
        verbose_name_plural = _("indicator evidence")
        constraints = [
            models.CheckConstraint(
                condition=EVIDENCE_LINK_XOR_FILE, name="indicator_evidence_link_xor_file"
            )
        ]

    def upload_folder(self):
        return f"evidence/{self.value.member_state.iso_code}/indicator-values/{self.value_id}"
