"""What is tracked: commitments, member states and their progress reports."""

import functools
import unicodedata
import uuid

import babel
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import WorkArea

from .validators import (
    detect_content_type,
    evidence_extension,
    validate_event_held_date,
    validate_evidence_link,
    validate_evidence_upload,
    validate_member_state_code,
    validate_not_in_future,
    validate_reference,
)


class Status(models.TextChoices):
    """The one vocabulary of progress. Each status owns a range of percentages."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")

    @property
    def percentage_range(self):
        return STATUS_PERCENTAGES[self][:2]

    @property
    def default_percentage(self):
        return STATUS_PERCENTAGES[self][2]

    def percentage_error(self, percentage):
        """Why ``percentage`` cannot go with this status, or None. The one statement of the
        rule for the report form and imports; the database enforces it as a constraint."""
        low, high = self.percentage_range
        if low <= percentage <= high:
            return None
        return _(
            "With the status “%(status)s” the percentage must be between %(low)d and %(high)d."
        ) % {"status": self.label, "low": low, "high": high}


# status: (lowest, highest, default) percentage
STATUS_PERCENTAGES = {
    Status.NOT_STARTED: (0, 0, 0),
    Status.IN_PROGRESS: (1, 99, 50),
    Status.COMPLETED: (100, 100, 100),
    Status.SUSPENDED: (0, 99, 0),
}


def _percentage_matches_status():
    condition = models.Q()
    for status, (low, high, _default) in STATUS_PERCENTAGES.items():
        condition |= models.Q(status=status, percentage__gte=low, percentage__lte=high)
    return condition


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    PUBLISHED = "published", _("Published")


AWAITING_REVIEW = (ReviewState.SUBMITTED, ReviewState.RESUBMITTED)
# Not yet published: a commitment × member state has at most one report in these states.
OPEN_REVIEW_STATES = (
    ReviewState.DRAFT,
    ReviewState.SUBMITTED,
    ReviewState.RETURNED,
    ReviewState.RESUBMITTED,
)
# Which published report of a commitment × member state is its current state: the latest
# reporting date, then the latest publication, then the highest id. The one statement of the
# order, for publishing (commitments.services.reports) and for rebuilding in SQL.
CURRENT_ORDER = ("reported_on", "published_at", "id")


def may_review(user):
    """Whether ``user`` may publish or return reports: the curators. The one statement of
    the rule, for the review pages, the admin and the log-in redirect."""
    return user.is_authenticated and user.has_perm("commitments.review_progressreport")


EDITABLE_BY_OFFICIAL = (ReviewState.DRAFT, ReviewState.RETURNED)


class MemberStateManager(models.Manager):
    def get_by_natural_key(self, iso_code):
        return self.get(iso_code=iso_code)


class MemberState(models.Model):
    """One of CELAC's 33 member states."""

    iso_code = models.CharField(
        _("ISO code"), max_length=2, unique=True, validators=[validate_member_state_code]
    )
    name = models.CharField(_("name"), max_length=100, unique=True)

    objects = MemberStateManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member state")
        verbose_name_plural = _("member states")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.iso_code,)

    def get_absolute_url(self):
        return reverse("public:state", args=[self.iso_code])

    @property
    def local_name(self):
        """The state's name in the active language: the data's own Spanish name on Spanish
        pages, the Unicode CLDR's name for its ISO code (through Babel) in the others."""
        return self.name_in(get_language())

    def name_in(self, lang):
        lang = (lang or "es").split("-")[0]
        if lang == "es":
            return self.name
        return FORMAL_NAMES.get((lang, self.iso_code)) or _territory_names(lang).get(
            self.iso_code, self.name
        )

    @staticmethod
    def by_local_name(states):
        """``states`` sorted by their names in the active language, accents aside."""
        return sorted(states, key=lambda state: _sort_key(state.local_name))


# Where the CLDR's name is the short form of menus ("St. Lucia", "Trinidad & Tobago"), the
# formal name the United Nations use in that language.
FORMAL_NAMES = {
    ("en", "AG"): "Antigua and Barbuda",
    ("en", "KN"): "Saint Kitts and Nevis",
    ("en", "LC"): "Saint Lucia",
    ("en", "TT"): "Trinidad and Tobago",
    ("en", "VC"): "Saint Vincent and the Grenadines",
    ("fr", "VC"): "Saint-Vincent-et-les-Grenadines",
}


@functools.cache
def _territory_names(lang):
    return babel.Locale.parse(lang).territories


def _sort_key(name):
    return "".join(
        char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)
    ).casefold()


class CommitmentQuerySet(models.QuerySet):
    def reportable(self):
        """Commitments a state reports on: those without children."""
        return self.filter(children__isnull=True)

    def in_plan_order(self):
        return self.select_related("area", "parent").order_by("area__number", "reference_key")


class CommitmentManager(models.Manager.from_queryset(CommitmentQuerySet)):
    def get_by_natural_key(self, reference):
        return self.get(reference=reference)


class Commitment(models.Model):
    """A strategy of the plan: one concrete commitment whose progress is tracked."""

    area = models.ForeignKey(
        WorkArea, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("work area")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent commitment"),
    )
    reference = models.CharField(
        _("reference"),
        max_length=20,
        unique=True,
        validators=[validate_reference],
        help_text=_("Area, position and sub-position, e.g. 13.1.2."),
    )
    # Zero-padded copy of the reference so that 2.10 sorts after 2.9.
    reference_key = models.CharField(max_length=40, editable=False, db_index=True)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_label = models.CharField(_("deadline, as the source words it"), max_length=200, blank=True)

    objects = CommitmentManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference_key"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return f"{self.reference} {self.text[:80]}"

    def natural_key(self):
        return (self.reference,)

    natural_key.dependencies = ["areas.workarea"]

    def save(self, *args, **kwargs):
        self.reference_key = self.sort_key(self.reference)
        super().save(*args, **kwargs)

    @staticmethod
    def sort_key(reference):
        return ".".join(part.zfill(3) for part in reference.split("."))

    def get_absolute_url(self):
        return reverse("public:commitment", args=[self.reference])


class ReviewedQuerySet(models.QuerySet):
    """The queries of anything a member state reports and the curators review."""

    def published(self):
        return self.filter(review_state=ReviewState.PUBLISHED)

    def awaiting_review(self):
        return self.filter(review_state__in=AWAITING_REVIEW)

    def for_state(self, member_state):
        return self.filter(member_state=member_state)


# Only a published row has a publication date: each reviewed model's constraint.
PUBLISHED_HAS_DATE = ~models.Q(review_state=ReviewState.PUBLISHED) | models.Q(
    published_at__isnull=False
)


class ReviewedBase(models.Model):
    """What a member state reports and the curators review (progress reports, indicator
    values): the one statement of the review workflow's fields (``ReviewState``: who wrote
    it, where it stands, why it was returned, who decided, when) and of the version that a
    form carrying an older one lost a race against. A subclass names what is reported and
    its ``member_state``, and keeps its own constraints and indexes."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState, default=ReviewState.DRAFT
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The published row this one corrects (a report, a value of the same kind).
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    # Bumped on every save: a form carrying an older version lost a race.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.review_state == ReviewState.PUBLISHED

    @property
    def is_editable(self):
        return self.review_state in EDITABLE_BY_OFFICIAL


class ProgressReport(ReviewedBase):
    """A member state's account of its progress on one commitment."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("commitment")
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("member state"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status)
    percentage = models.PositiveSmallIntegerField(_("percentage"))
    narrative = models.TextField(_("narrative"), blank=True)
    reported_on = models.DateField(_("reporting date"), validators=[validate_not_in_future])
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ReviewedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        permissions = [("review_progressreport", _("Can publish or return progress reports"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percentage__gte=0, percentage__lte=100),
                name="report_percentage_0_to_100",
            ),
            models.CheckConstraint(
                condition=_percentage_matches_status(), name="report_percentage_within_status"
            ),
            models.CheckConstraint(condition=PUBLISHED_HAS_DATE, name="report_published_has_date"),
            # Two officials opening a report on the same commitment at once: the second
            # insert fails, and the workspace takes them to the first.
            models.UniqueConstraint(
                fields=["commitment", "member_state"],
                condition=models.Q(review_state__in=OPEN_REVIEW_STATES),
                name="one_open_report_per_pair",
            ),
        ]
        indexes = [
            # The public timeline of one commitment × state: published, newest first.
            models.Index(
                fields=["commitment", "member_state", "review_state", "-published_at"],
                name="report_timeline_idx",
            ),
            # The curators' review queue, oldest submission first.
            models.Index(fields=["review_state", "submitted_at"], name="report_queue_idx"),
            # "Latest published reports" on the dashboard.
            models.Index(fields=["review_state", "-published_at", "-id"], name="report_latest_idx"),
            # A commitment page's published timeline and its count.
            models.Index(
                fields=["commitment", "review_state", "-published_at", "-id"],
                name="report_commitment_timeline_idx",
            ),
            # A member state's latest reports; an official's drafts and returned reports.
            models.Index(
                fields=["member_state", "review_state", "-published_at", "-id"],
                name="report_state_latest_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        """The report's name wherever a report is named (pages, feeds, e-mails, the admin):
        its state, commitment and reporting date, e.g. "México · 1.1 · 7 de noviembre de
        2020", the date in the active language's format (month names, not abbreviations
        that read the same in English). A database id means nothing to a reader."""
        return gettext("%(state)s · %(reference)s · %(date)s") % {
            "state": self.member_state.local_name,
            "reference": self.commitment.reference,
            "date": date_format(self.reported_on, "DATE_FORMAT"),
        }

    def get_absolute_url(self):
        return reverse("public:report", args=[self.pk])


def stored_file_name(folder, content_type):
    """A name the portal chooses, with the extension of the type the content shows: the
    uploader's name (kept as the title) never reaches the storage or the download."""
    return f"{folder}/{uuid.uuid4().hex}.{evidence_extension(content_type)}"


def new_file_facts(file):
    """(content type, size) of a file being added, read from its content, whoever adds it
    (an official or a curator in the admin), before its name is chosen from the type; None
    for no file or one already stored."""
    if file and not file._committed:
        return detect_content_type(file) or "", file.size
    return None


def evidence_upload_to(instance, filename):
    return stored_file_name(instance.upload_folder(), instance.content_type)


class EvidenceBase(models.Model):
    """A link or an uploaded file that backs what a member state reports: the one
    statement of evidence's fields, validators, storage and content sniffing, for reports
    and for anything else reported with evidence. A subclass names what it backs and the
    folder its files go to (``upload_folder``), and keeps the link-or-file constraint."""

    title = models.CharField(_("title"), max_length=200, blank=True)
    url = models.URLField(
        _("link"), max_length=500, blank=True, validators=[validate_evidence_link]
    )
    file = models.FileField(
        _("file"),
        upload_to=evidence_upload_to,
        blank=True,
        max_length=300,
        validators=[validate_evidence_upload],
    )
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title or self.url or self.file.name

    def save(self, *args, **kwargs):
        if facts := new_file_facts(self.file):
            self.content_type, self.size = facts
        super().save(*args, **kwargs)

    @property
    def is_file(self):
        return bool(self.file)

    def upload_folder(self):
        raise NotImplementedError


# Evidence holds a link or a file, never both nor neither.
EVIDENCE_LINK_XOR_FILE = (models.Q(url="") & ~models.Q(file="")) | (
    ~models.Q(url="") & models.Q(file="")
)


class Evidence(EvidenceBase):
    """A link or an uploaded file that backs a report."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("report")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(condition=EVIDENCE_LINK_XOR_FILE, name="evidence_link_xor_file")
        ]

    def upload_folder(self):
        return f"evidence/{self.report.member_state.iso_code}/{self.report_id}"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, reference, title):
        # The Spanish title, the original, whatever language is active.
        return self.get(commitment__reference=reference, title_es=title)


def milestone_upload_to(instance, filename):
    return stored_file_name(
        f"milestones/{instance.commitment.reference}", instance.document_content_type
    )


class Milestone(models.Model):
    """A dated event of a commitment (a meeting, a forum, a summit): when the plan places
    it, in its own words and as a date range, and whether it was held, postponed or
    cancelled, with its outcome document."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("commitment"),
    )
    title = models.CharField(_("title"), max_length=300)
    planned_text = models.CharField(
        _("planned date, as the plan words it"),
        max_length=200,
        blank=True,
        help_text=_("Word for word from the plan, e.g. “segundo semestre de 2020”."),
    )
    # Our reading of planned_text, for sorting and the calendar: "segundo semestre de 2020"
    # is 2020-07-01 to 2020-12-31.
    planned_start = models.DateField(_("planned from"), null=True, blank=True)
    planned_end = models.DateField(_("planned until"), null=True, blank=True)
    actual_date = models.DateField(
        _("date held"), null=True, blank=True, validators=[validate_event_held_date]
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MilestoneStatus, default=MilestoneStatus.PLANNED
    )
    document_url = models.URLField(
        _("outcome document (link)"),
        max_length=500,
        blank=True,
        validators=[validate_evidence_link],
    )
    document_file = models.FileField(
        _("outcome document (file)"),
        upload_to=milestone_upload_to,
        blank=True,
        max_length=300,
        validators=[validate_evidence_upload],
    )
    document_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    document_size = models.PositiveIntegerField(_("size in bytes"), default=0)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MilestoneManager()
    history = HistoricalRecords()

    class Meta:
        ordering = [
            models.F("planned_start").asc(nulls_last=True),
            models.F("actual_date").asc(nulls_last=True),
            "title",
        ]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "title"], name="one_milestone_title_per_commitment"
            ),
            models.CheckConstraint(
                condition=models.Q(actual_date__isnull=False) | ~models.Q(status="held"),
                name="milestone_held_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_date__isnull=True) | models.Q(status="held"),
                name="milestone_date_only_when_held",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_start__isnull=True)
                | models.Q(planned_end__isnull=True)
                | models.Q(planned_end__gte=models.F("planned_start")),
                name="milestone_planned_range_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(document_url="") | models.Q(document_file=""),
                name="milestone_link_or_file",
            ),
        ]

    def __str__(self):
        return f"{self.commitment.reference} · {self.title}"

    def natural_key(self):
        # The Spanish title; a row being loaded from a fixture holds it in the field itself
        # until it is saved (django-modeltranslation fills the columns on save).
        title = self.title_es if self.title_es is not None else self.__dict__.get("title")
        return (*self.commitment.natural_key(), title)

    natural_key.dependencies = ["commitments.commitment"]

    def clean(self):
        errors = {}
        if self.status == MilestoneStatus.HELD and self.actual_date is None:
            errors["actual_date"] = _("Give the date the event was held.")
        elif self.status != MilestoneStatus.HELD and self.actual_date is not None:
            errors["actual_date"] = _(
                "Only a held event has a date held: set the status to “Held”, or leave the "
                "date empty and give the new planned dates."
            )
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned period cannot end before it starts.")
        if self.document_url and self.document_file:
            errors["document_url"] = _(
                "Give the outcome document as a link or as a file, not both."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if facts := new_file_facts(self.document_file):
            self.document_content_type, self.document_size = facts
        super().save(*args, **kwargs)

    @property
    def document_link(self):
        """Where its outcome document is: the portal's download for a file, else the link."""
        if self.document_file:
            return reverse("public:milestone_document", args=[self.pk])
        return self.document_url

    @property
    def starts(self):
        """The first day of the event: the day it was held, else the planned start."""
        return self.actual_date or self.planned_start

    @property
    def ends(self):
        """Its last day: the day it was held, else the planned end (or start)."""
        return self.actual_date or self.planned_end or self.planned_start


# What every public page reads of each commitment × state's current state.
DASHBOARD_FIELDS = ("commitment_id", "member_state_id", "status", "percentage", "reported_on")


class CurrentProgressManager(models.Manager):
    def for_dashboard(self):
        """Every commitment × state current state, one query, no report history read: tuples
        (commitment id, member state id, status, percentage, reporting date).

        Every public page reads these ~1,100 rows, so the query goes straight to the cursor:
        the ORM's row iterator and its per-value converters cost more than the query. The
        database driver still returns the dates as dates.
        """
        connection = connections[self.db]
        quote, meta = connection.ops.quote_name, self.model._meta
        columns = ", ".join(quote(meta.get_field(name).column) for name in DASHBOARD_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)}")  # noqa: S608
            return cursor.fetchall()


class CurrentProgress(models.Model):
    """The current state of one commitment for one member state.

    Derived, never edited: it is the latest published report, written when a report is
    published (see commitments.services.reports) and rebuildable from the reports with
    ``python manage.py rebuild_progress``. It keeps the public pages' cost independent of
    how many reports history holds.
    """

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="current", verbose_name=_("commitment")
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.CASCADE,
        related_name="current",
        verbose_name=_("member state"),
    )
    report = models.OneToOneField(
        ProgressReport, on_delete=models.CASCADE, related_name="+", verbose_name=_("report")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status)
    percentage = models.PositiveSmallIntegerField(_("percentage"))
    reported_on = models.DateField(_("reporting date"))
    published_at = models.DateTimeField(_("published at"))

    objects = CurrentProgressManager()

    class Meta:
        verbose_name = _("current progress")
        verbose_name_plural = _("current progress")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "member_state"], name="one_current_state_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(percentage__gte=0, percentage__lte=100),
                name="current_percentage_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.commitment_id} · {self.member_state_id}: {self.percentage} %"


class DataVersion(models.Model):
    """A token per kind of public data, replaced in the same transaction as every change to
    its rows: ``plan`` (axes, work areas, objectives, agencies, officials, commitments, member
    states, milestones) and ``progress`` (published reports, their evidence and the
    current-progress rows).

    They are the portal's one rule of freshness. Each process keeps the plan and the figures
    it last computed under these tokens (``commitments.services.current``), and every public
    page is stored, and validated by its ``ETag``, under them (``celac_ppt.http``). Being rows
    of the database, they are exactly as fresh as the data on every app server, whatever
    process wrote and whether or not a cache is shared.
    """

    PLAN = "plan"
    PROGRESS = "progress"

    name = models.CharField(max_length=20, primary_key=True)
    token = models.CharField(max_length=32)
    # When the token was last replaced: what a download that must name the time of its data
    # (a calendar's DTSTAMP) gives, so that it is the same bytes under the same tokens.
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return f"{self.name}: {self.token}"

    @classmethod
    def read(cls):
        """{name: token}, in one query. Every public request asks, so it skips the ORM and,
        unless queries are being logged or wrapped (DEBUG, tests counting them), Django's
        cursor wrappers too: the driver's own cursor, with errors still turned into Django's
        (``OperationalError`` for a database that is down)."""
        db = connections[DEFAULT_DB_ALIAS]
        if db.queries_logged or db.execute_wrappers:
            with db.cursor() as cursor:
                cursor.execute(_TOKENS_SQL)
                return dict(cursor.fetchall())
        with db.wrap_database_errors:
            db.ensure_connection()
            # One cursor per connection, kept with it: opening one costs more than the query.
            kept = getattr(db, "_data_version_cursor", None)
            if kept is None or kept[0] is not db.connection:
                kept = db._data_version_cursor = (db.connection, db.connection.cursor())
            cursor = kept[1]
            cursor.execute(_TOKENS_SQL)
            return dict(cursor.fetchall())

    @classmethod
    def bump(cls, name):
        """Give ``name`` a new token, inside the caller's transaction: pages and figures built
        before the change are never served after it commits, on any server."""
        token, now = uuid.uuid4().hex, timezone.now()
        if not cls.objects.filter(name=name).update(token=token, changed_at=now):
            cls.objects.update_or_create(name=name, defaults={"token": token, "changed_at": now})

    @classmethod
    def last_changed(cls):
        """When any token was last replaced (None before the first change)."""
        return cls.objects.aggregate(latest=models.Max("changed_at"))["latest"]


_TOKENS_SQL = f"SELECT name, token FROM {DataVersion._meta.db_table}"


class MonthlyPairProgress(models.Model):
    """A commitment × member state's state as of the end of a month in which it reported.

    Derived, never edited: for each pair and each month with a published report whose
    reporting date falls in it, the report that ranks first by ``CURRENT_ORDER`` within the
    month. The pair's state at the end of any month M is its row of the latest month ≤ M,
    so a month without a report keeps the month before's. Maintained with the current
    progress (``commitments.services.history``) and rebuilt with it.
    """

    month = models.DateField(_("month"))
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="+", verbose_name=_("commitment")
    )
    member_state = models.ForeignKey(
        MemberState, on_delete=models.CASCADE, related_name="+", verbose_name=_("member state")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status)
    percentage = models.PositiveSmallIntegerField(_("percentage"))
    reported_on = models.DateField(_("reporting date"))

    class Meta:
        verbose_name = _("monthly progress of a commitment and state")
        verbose_name_plural = _("monthly progress of commitments and states")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "member_state", "month"], name="one_pair_row_per_month"
            ),
        ]
        indexes = [models.Index(fields=["month"], name="pair_month_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.commitment_id} · {self.member_state_id}"


class Scope(models.TextChoices):
    """What a progress snapshot is about."""

    PLAN = "plan", _("The whole plan")
    AREA = "area", _("Work area")
    COMMITMENT = "commitment", _("Commitment")
    STATE = "state", _("Member state")


class ProgressSnapshot(models.Model):
    """A public figure as of the end of a month: the plan's, a work area's, a commitment's
    or a member state's, with its coverage, as the pages would have shown it with the
    reports published whose reporting date falls on or before the month's end.

    Derived, never edited, and written only for the months in which some pair's state
    changed (a month without one keeps the month before's figures), so a chart reads one
    row per month whatever the number of reports. ``scope_id`` is the work area's,
    commitment's or member state's id, 0 for the plan.
    """

    month = models.DateField(_("month"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope)
    scope_id = models.PositiveIntegerField(_("scope id"))
    mean = models.FloatField(_("mean progress"), null=True)
    states_reported = models.PositiveSmallIntegerField(_("member states that reported"))
    states_total = models.PositiveSmallIntegerField(_("member states"))
    parts_reported = models.PositiveSmallIntegerField(_("commitments reported"), null=True)
    parts_total = models.PositiveSmallIntegerField(_("commitments"), null=True)
    pairs_reported = models.PositiveIntegerField(_("commitment × state pairs reported"))
    pairs_total = models.PositiveIntegerField(_("commitment × state pairs"))

    class Meta:
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "month"], name="one_snapshot_per_scope_month"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.scope} {self.scope_id}: {self.mean}"
