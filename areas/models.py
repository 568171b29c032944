"""The work plan itself, as the source document states it."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_acronym


class NumberedManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class ThematicAxis(models.Model):
    """One of the four thematic axes of CELAC's reflection process."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    objects = NumberedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("thematic axis")
        verbose_name_plural = _("thematic axes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=4), name="axis_number_1_to_4"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def natural_key(self):
        return (self.number,)

    def get_absolute_url(self):
        return reverse("public:commitments") + f"?axis={self.number}"


class AgencyManager(models.Manager):
    def get_by_natural_key(self, acronym):
        return self.get(acronym=acronym)


class Agency(models.Model):
    """A Mexican government body named as responsible for a work area."""

    acronym = models.CharField(
        _("acronym"), max_length=40, unique=True, validators=[validate_acronym]
    )
    name = models.CharField(_("full name"), max_length=200)
    note = models.TextField(
        _("note"), blank=True, help_text=_("How the source writes it, where that differs.")
    )

    objects = AgencyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.acronym

    def natural_key(self):
        return (self.acronym,)

    def get_absolute_url(self):
        return reverse("public:agency", args=[self.acronym])


class OfficialManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Official(models.Model):
    """A person the source names next to an agency (not a portal account)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    title = models.CharField(_("title or office"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="officials", verbose_name=_("agency")
    )

    objects = OfficialManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("named official")
        verbose_name_plural = _("named officials")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    natural_key.dependencies = ["areas.agency"]


class WorkAreaQuerySet(models.QuerySet):
    def with_plan(self):
        """Areas with axis, agencies, officials and objectives: four queries in all."""
        return self.select_related("axis").prefetch_related(
            "agencies", "officials__agency", "objectives"
        )


class WorkArea(models.Model):
    """One of the 14 work areas of the PPT 2020 plan."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=300)
    axis = models.ForeignKey(
        ThematicAxis,
        on_delete=models.PROTECT,
        related_name="areas",
        verbose_name=_("thematic axis"),
    )
    axis_rationale = models.TextField(
        _("why it serves the axis"),
        help_text=_("The area's own sentence on why it serves its thematic axis."),
    )
    responsible_as_written = models.CharField(
        _("responsible, as the source writes it"), max_length=300
    )
    agencies = models.ManyToManyField(
        Agency, related_name="areas", verbose_name=_("responsible agencies")
    )
    officials = models.ManyToManyField(
        Official, related_name="areas", blank=True, verbose_name=_("named officials")
    )

    objects = NumberedManager.from_queryset(WorkAreaQuerySet)()
    history = HistoricalRecords(m2m_fields=[agencies, officials])

    class Meta:
        ordering = ["number"]
        verbose_name = _("work area")
        verbose_name_plural = _("work areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=14), name="area_number_1_to_14"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def natural_key(self):
        return (self.number,)

    natural_key.dependencies = ["areas.thematicaxis", "areas.agency", "areas.official"]

    def get_absolute_url(self):
        return reverse("public:area", args=[self.number])


class ObjectiveManager(models.Manager):
    def get_by_natural_key(self, area_number, order):
        return self.get(area__number=area_number, order=order)


class Objective(models.Model):
    """One objective of a work area, in source order."""

    area = models.ForeignKey(
        WorkArea, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("work area")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    objects = ObjectiveManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__number", "order"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(fields=["area", "order"], name="objective_unique_order"),
        ]

    def __str__(self):
        return f"{self.area.number}.{self.order} {self.text[:60]}"

    def natural_key(self):
        return (self.area.number, self.order)

    natural_key.dependencies = ["areas.workarea"]
