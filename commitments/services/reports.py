"""Writes to progress reports that touch more than one row.

Every function here runs in one transaction: a report is never half-published, and the
current state of a commitment × member state always equals its latest published report.

The review workflow (Akvo RSR's): draft → submitted → returned → resubmitted → published.
Officials write drafts and submit; curators return with a reason or publish. Each
transition leaves a history row naming the user and the reason.

Two people may act on one report, or one commitment × member state, at the same instant.
Each transition therefore starts with one conditional UPDATE (``claim``) that re-checks its
precondition on the stored row, never on the object the request loaded; the one that lost
raises ``ReviewError`` and changes nothing, and the pages turn it into a 409. Publishing
also locks the commitment, so the pair's current state is recomputed by one transaction at
a time, from the database.
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop

from ..models import (
    AWAITING_REVIEW,
    CURRENT_ORDER,
    EDITABLE_BY_OFFICIAL,
    OPEN_REVIEW_STATES,
    Commitment,
    CurrentProgress,
    DataVersion,
    Evidence,
    ProgressReport,
    ReviewState,
)
from . import history, notifications

# simple_history keeps change reasons in a 100-character column.
_REASON_LENGTH = 100

# What an official's form changes on a report that already exists.
OFFICIAL_FIELDS = ("status", "percentage", "reported_on", "narrative")


class ReviewError(Exception):
    """The report, as the database holds it now, does not allow the action: someone else
    moved it on (or it never allowed it). Nothing was changed.

    ``report`` is the report as stored (None once deleted); ``changed`` says it is still in
    a state that allows the action but was saved since the caller loaded it."""

    def __init__(self, report, *, changed=False):
        self.report = report
        self.review_state = report.review_state if report is not None else None
        self.changed = changed
        super().__init__(f"report is {self.review_state or 'gone'}")

    @property
    def reason(self):
        """Why, in a few translated words that end a sentence ("…: already published")."""
        if self.report is None:
            return gettext("it no longer exists")
        if self.changed:
            return gettext("it was changed after the page was loaded")
        return {
            ReviewState.DRAFT: gettext("it has not been submitted"),
            ReviewState.SUBMITTED: gettext("it was submitted for review"),
            ReviewState.RESUBMITTED: gettext("it was submitted for review"),
            ReviewState.RETURNED: gettext("it has been returned to its state"),
            ReviewState.PUBLISHED: gettext("it is already published"),
        }[self.review_state]


class StaleReport(Exception):
    """Someone saved the report after the form was loaded: saving would overwrite them."""

    def __init__(self, current):
        super().__init__("stale report")
        self.current = current


class OpenReportExists(Exception):
    """The state already has an open report on the commitment (``existing``): a second
    one is never created."""

    def __init__(self, existing):
        super().__init__("an open report exists")
        self.existing = existing


def newest_first():
    """``CURRENT_ORDER`` as an ``order_by``: the pair's current report comes first."""
    return [F(name).desc() for name in CURRENT_ORDER]


def current_rank(report):
    """``CURRENT_ORDER`` as a Python key: the greater report is the more current."""
    return tuple(getattr(report, name) for name in CURRENT_ORDER)


def claim(model, pk, allowed, expected_version=None, **conditions):
    """The guard of every transition of anything reviewed (a ``model`` with
    ``review_state`` and ``version``): one conditional UPDATE that bumps the version of row
    ``pk`` only while the database holds it in one of the ``allowed`` states (and at
    ``expected_version``, when given). Returns the row as stored, or raises ``ReviewError``
    naming what it found.

    Run first in the caller's transaction: on PostgreSQL the UPDATE keeps the row locked
    until the commit, and a competing UPDATE waits, then re-reads the committed row and
    matches nothing; on SQLite the transaction holds the database's write lock. Either
    way the precondition is checked on the stored row, never on an object loaded earlier.
    """
    rows = model.objects.filter(pk=pk, review_state__in=allowed, **conditions)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    claimed = rows.update(version=F("version") + 1)
    stored = model.objects.filter(pk=pk).first()
    if not claimed:
        changed = stored is not None and stored.review_state in allowed
        raise ReviewError(stored, changed=changed)
    return stored


def record(report, by, reason):
    """Name the user and the reason of the change that the next ``save()`` records."""
    # simple_history reads these on the next save(); outside a request (admin actions run
    # inside one, commands do not) the user would otherwise be lost. The reason is stored
    # as its English msgid and translated when shown, so the record reads in any language.
    report._history_user = by
    report._change_reason = Truncator(reason).chars(_REASON_LENGTH)


class Workflow:
    """What one kind of reviewed thing (a ``ReviewedBase`` model: progress reports,
    indicator values) brings to the transitions that every kind goes through alike
    (``save``, ``submit_item``, ``return_item``, ``publish_item``, ``remove_item_evidence``):

    - ``official_fields``: what an official's form changes on a row that exists;
    - ``one_open_per``: the fields a state has one open row per (the database's unique
      constraint on open rows), e.g. commitment and member state;
    - ``evidence``: the model of its evidence (an ``EvidenceBase``), whose field
      ``evidence_of`` names what a row backs;
    - ``submittable``: conditions the stored row meets to be submitted on its own;
    - ``replaces(item)``: at publication, once ``item`` holds its publication date, the
      published row it supersedes (or None), after whatever the kind does first;
    - ``published(item)``: what the kind does once ``item`` is saved as published;
    - ``notify``: {"submitted"|"returned"|"published": function queueing the e-mail}.
    """

    def __init__(
        self,
        model,
        *,
        official_fields,
        one_open_per,
        evidence,
        evidence_of,
        notify,
        replaces,
        published=None,
        submittable=None,
    ):
        self.model = model
        self.official_fields = official_fields
        self.one_open_per = one_open_per
        self.evidence = evidence
        self.evidence_of = evidence_of
        self.notify = notify
        self.replaces = replaces
        self.published = published or (lambda item: None)
        self.submittable = submittable or {}

    def open_twin(self, item):
        """The open row, other than ``item``, of the same state and ``one_open_per`` as
        ``item``: the one the database refuses a second of."""
        opts = self.model._meta
        key = {
            opts.get_field(name).attname: getattr(item, opts.get_field(name).attname)
            for name in self.one_open_per
        }
        return (
            self.model.objects.filter(review_state__in=OPEN_REVIEW_STATES, **key)
            .exclude(pk=item.pk)
            .first()
        )

    def moves(self):
        """Whether an official's edit may move a row onto another's place (its period)."""
        return not set(self.official_fields).isdisjoint(self.one_open_per)


def _save_alone(workflow, item):
    """Save ``item``; ``OpenReportExists`` when the database refuses it because its state
    opened another row in its place meanwhile."""
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        existing = workflow.open_twin(item)
        if existing is None:
            raise
        raise OpenReportExists(existing) from None


@transaction.atomic
def save(workflow, item, *, by, expected_version=None, links=(), files=(), submit=False):
    """Create or update an official's ``item`` and attach new evidence; submit it if asked.

    ``item`` carries the form's values. Raises ``OpenReportExists`` when a new item (or
    one moved by the edit) meets one its state opened meanwhile in the same place,
    ``ReviewError`` when the stored item is no longer editable and ``StaleReport`` when it
    was saved since the form was loaded (its version is not ``expected_version``). Returns
    the saved item. Evidence files are written last and removed again if anything fails,
    so a failed save leaves nothing in storage.
    """
    if item.pk is None:
        item.author = by
        item.review_state = ReviewState.DRAFT
        item.version = 1
        if submit:
            mark_submitted(item)
        record(
            item, by, gettext_noop("Submitted for review") if submit else gettext_noop("Created")
        )
        _save_alone(workflow, item)
    else:
        if expected_version is None:
            # A form that does not say which version it edits could overwrite anything.
            stored = workflow.model.objects.filter(pk=item.pk).first()
            if stored is None or not stored.is_editable:
                raise ReviewError(stored)
            raise StaleReport(stored)
        try:
            stored = claim(workflow.model, item.pk, EDITABLE_BY_OFFICIAL, expected_version)
        except ReviewError as error:
            if error.changed:
                raise StaleReport(error.report) from None
            raise
        for name in workflow.official_fields:
            setattr(stored, name, getattr(item, name))
        stored.author = by
        if submit:
            mark_submitted(stored)
        record(
            stored, by, gettext_noop("Submitted for review") if submit else gettext_noop("Edited")
        )
        if workflow.moves():
            _save_alone(workflow, stored)
        else:
            stored.save()
        item = stored

    attach_evidence(
        lambda **fields: workflow.evidence(**{workflow.evidence_of: item}, **fields), links, files
    )
    if submit:
        workflow.notify["submitted"](item)
    return item


def attach_evidence(make, links=(), files=()):
    """Store new evidence: ``make(**fields)`` returns an unsaved evidence row of what it
    backs. Files are written last and removed again if anything fails, so a failed save
    leaves nothing in storage."""
    stored_files = []
    try:
        for url in links:
            make(url=url, title=Truncator(url).chars(200)).save()
        for upload in files:
            evidence = make(
                title=Truncator(upload.name).chars(200),
                content_type=getattr(upload, "detected_type", "") or "",
                size=upload.size,
            )
            evidence.file.save(upload.name, upload, save=False)
            stored_files.append(evidence.file)
            evidence.save()
    except BaseException:
        for stored_file in stored_files:
            stored_file.delete(save=False)
        raise


def delete_evidence(evidence, by):
    """Delete one piece of evidence, recorded as removed by ``by``; its file goes after the
    commit. The caller has checked that what it backs is editable."""
    stored_file = evidence.file
    evidence._history_user = by
    evidence._change_reason = gettext_noop("Evidence removed")
    evidence.delete()
    if stored_file:
        name, storage = stored_file.name, stored_file.storage
        transaction.on_commit(lambda: storage.delete(name))


def claim_for_edit(report):
    """Before a curator's admin form saves ``report``: raises ``ReviewError`` unless the
    database still holds it in the state and at the version the form was loaded with (so
    a publication is never undone by an older form), and bumps its version. Runs in the
    admin's transaction."""
    claim(ProgressReport, report.pk, (report.review_state,), report.version)
    report.version += 1


@transaction.atomic
def remove_item_evidence(workflow, evidence, *, by):
    """Delete one piece of evidence of an editable item; its file goes after the commit."""
    pk = getattr(evidence, workflow.evidence._meta.get_field(workflow.evidence_of).attname)
    item = workflow.model.objects.select_for_update().get(pk=pk)
    if not item.is_editable:
        raise ReviewError(item)
    delete_evidence(evidence, by)


def mark_submitted(report):
    """Move a draft to submitted, a returned one to resubmitted (anything else is a
    ``ReviewError``), and note when."""
    if report.review_state == ReviewState.RETURNED:
        report.review_state = ReviewState.RESUBMITTED
    elif report.review_state == ReviewState.DRAFT:
        report.review_state = ReviewState.SUBMITTED
    else:
        raise ReviewError(report)
    report.submitted_at = timezone.now()


@transaction.atomic
def submit_item(workflow, item, *, by, expected_version=None):
    """Send a draft or returned item to the curators. Raises ``ReviewError`` when it is no
    longer editable (or was saved since ``expected_version``, or lacks what
    ``workflow.submittable`` asks)."""
    item = claim(
        workflow.model, item.pk, EDITABLE_BY_OFFICIAL, expected_version, **workflow.submittable
    )
    mark_submitted(item)
    record(item, by, gettext_noop("Submitted for review"))
    item.save()
    workflow.notify["submitted"](item)
    return item


@transaction.atomic
def return_item(workflow, item, *, by, reason, expected_version=None):
    """Send a submitted item back to its state with the curator's reason. Raises
    ``ReviewError`` when it is not awaiting review any more (or was saved since
    ``expected_version``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Returning asks for a reason.")
    item = claim(workflow.model, item.pk, AWAITING_REVIEW, expected_version)
    item.review_state = ReviewState.RETURNED
    item.return_reason = reason
    item.reviewed_by = by
    record(item, by, gettext_noop("Returned"))
    item.save()
    workflow.notify["returned"](item)
    return item


@transaction.atomic
def publish_item(workflow, item, *, by=None, now=None, expected_version=None):
    """Publish ``item``: it becomes immutable and public, superseding what
    ``workflow.replaces`` says. Raises ``ReviewError`` when it is not awaiting review any
    more (or was saved since ``expected_version``)."""
    now = now or timezone.now()
    item = claim(workflow.model, item.pk, AWAITING_REVIEW, expected_version)
    item.review_state = ReviewState.PUBLISHED
    item.published_at = now
    item.reviewed_by = by
    item.return_reason = ""
    item.supersedes = workflow.replaces(item)
    record(item, by, gettext_noop("Published"))
    item.save()
    workflow.published(item)
    workflow.notify["published"](item)
    return item


def save_report(report, **kwargs):
    """``save`` for a progress report."""
    return save(REPORTS, report, **kwargs)


def submit(report, *, by, expected_version=None):
    """Send a draft or returned report with a narrative to the curators (``submit_item``)."""
    return submit_item(REPORTS, report, by=by, expected_version=expected_version)


def return_report(report, *, by, reason, expected_version=None):
    """Send a submitted report back to its state with the curator's reason (``return_item``)."""
    return return_item(REPORTS, report, by=by, reason=reason, expected_version=expected_version)


def publish(report, by=None, now=None, expected_version=None):
    """Publish ``report``: it becomes immutable and part of its pair's public timeline
    (``publish_item``). Returns the report; raises ``ReviewError`` when it is not awaiting
    review any more (or was saved since ``expected_version``).

    It becomes the pair's current state when it ranks first by ``CURRENT_ORDER``. Then it
    supersedes the report that was current, which stays in the timeline: that is how a
    correction works. A report dated before the current one replaces nothing; it takes
    its place in the timeline, and the current one stays current.
    """
    return publish_item(REPORTS, report, by=by, now=now, expected_version=expected_version)


def _replaced_report(report):
    """The report that ``report``, being published, supersedes: the pair's current one, if
    it ranks below (``superseded_by``). Locks the pair first."""
    _lock_pairs(pk=report.commitment_id)
    previous = (
        _pair_published(report.commitment_id, report.member_state_id)
        .exclude(pk=report.pk)
        .order_by(*newest_first())
        .first()
    )
    return superseded_by(current_rank(report), previous)


def superseded_by(rank, previous, replaced=None):
    """The report that a report ranking ``rank`` (``current_rank``) supersedes when it is
    published: ``previous``, the pair's current report, when it ranks above it and no
    report supersedes ``previous`` yet (never two reports replacing one); otherwise None.
    The one statement of the rule, for publishing and imports. ``replaced`` holds the pks
    of the reports already superseded, when the caller knows them; otherwise the database
    is asked."""
    if previous is None or not rank > current_rank(previous):
        return None
    if replaced is not None:
        return None if previous.pk in replaced else previous
    return None if ProgressReport.objects.filter(supersedes=previous).exists() else previous


def lock_all_commitments():
    """Take the lock publishing takes on every commitment, in the order of their pks (as a
    rebuild does, so two writers never wait on each other), for the rest of the caller's
    transaction: until it commits, no publish changes a current state."""
    _lock_pairs()


def _lock_pairs(**commitments):
    """Serialize the writers of these commitments' current states on PostgreSQL (two
    publishes on one pair, a publish and a rebuild): each locks the commitment rows first.
    NO KEY UPDATE, so inserting reports that refer to a commitment is not held up. SQLite
    needs nothing: its transactions take the write lock when they begin."""
    rows = Commitment.objects.select_for_update(no_key=True).filter(**commitments)
    list(rows.order_by("pk").values_list("pk", flat=True))


def _pair_published(commitment_id, member_state_id):
    return ProgressReport.objects.published().filter(
        commitment_id=commitment_id, member_state_id=member_state_id
    )


class BulkResult:
    """What a bulk action did: the reports ``done`` and, for each one ``left`` as it was,
    the ``ReviewError`` that says why."""

    def __init__(self):
        self.done = []
        self.left = []

    def __bool__(self):
        return bool(self.done or self.left)


def _each(reports, action):
    # One transaction per report: one that lost a race does not undo the others.
    result = BulkResult()
    for report in reports:
        try:
            result.done.append(action(report))
        except ReviewError as error:
            result.left.append((report, error))
    return result


def publish_many(reports, *, by, versions=None):
    """Publish each report still awaiting review; returns a ``BulkResult``. ``versions``
    ({pk: version}) are the versions the curator saw: one saved since is left as it was."""
    versions = versions or {}
    return _each(
        reports, lambda report: publish(report, by=by, expected_version=versions.get(report.pk))
    )


def return_many(reports, *, by, reason, versions=None):
    """Return each report still awaiting review with the same reason; returns a
    ``BulkResult``, as ``publish_many`` does."""
    versions = versions or {}
    return _each(
        reports,
        lambda report: return_report(
            report, by=by, reason=reason, expected_version=versions.get(report.pk)
        ),
    )


def set_current(commitment_id, member_state_id):
    """Recompute the current state of one commitment × member state from its published
    reports in the database, by ``CURRENT_ORDER``; returns it (None: nothing published).
    The pair's months in the progress history follow (``history.pair_changed``). The caller
    holds the pair's lock (``_lock_pairs``)."""
    history.pair_changed(commitment_id, member_state_id)
    best = _pair_published(commitment_id, member_state_id).order_by(*newest_first()).first()
    if best is None:
        CurrentProgress.objects.filter(
            commitment_id=commitment_id, member_state_id=member_state_id
        ).delete()
        return None
    current, _created = CurrentProgress.objects.update_or_create(
        commitment_id=commitment_id,
        member_state_id=member_state_id,
        defaults={
            "report": best,
            "status": best.status,
            "percentage": best.percentage,
            "reported_on": best.reported_on,
            "published_at": best.published_at,
        },
    )
    return current


CURRENT_COLUMNS = (
    "commitment_id",
    "member_state_id",
    "report_id",
    "status",
    "percentage",
    "reported_on",
    "published_at",
)


@transaction.atomic
def rebuild_current_progress():
    """Recompute every current state from the published reports, and the monthly progress
    history with them (``history.rebuild_history``). Returns the row count.

    One INSERT … SELECT with a window function: the database ranks each pair's published
    reports by ``CURRENT_ORDER``, as publishing does, and keeps the first, so a million
    reports never pass through Python. Publishes wait for it (the commitments are locked).
    """
    _lock_pairs()
    CurrentProgress.objects.all().delete()
    ranked = (
        ProgressReport.objects.published()
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("commitment_id"), F("member_state_id")],
                order_by=newest_first(),
            )
        )
        .filter(position=1)
        .order_by()
        .values_list(*(name if name != "report_id" else "id" for name in CURRENT_COLUMNS))
    )
    select, params = ranked.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(name) for name in CURRENT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(CurrentProgress._meta.db_table)} ({columns}) {select}",  # noqa: S608
            params,
        )
        count = cursor.rowcount
    history.rebuild_history()
    # The INSERT sends no model signals: the pages and the kept figures learn of it here.
    DataVersion.bump(DataVersion.PROGRESS)
    return count


REPORTS = Workflow(
    ProgressReport,
    official_fields=OFFICIAL_FIELDS,
    one_open_per=("commitment", "member_state"),
    evidence=Evidence,
    evidence_of="report",
    notify={
        "submitted": notifications.report_submitted,
        "returned": notifications.report_returned,
        "published": notifications.report_published,
    },
    submittable={"narrative__gt": ""},
    replaces=_replaced_report,
    published=lambda report: set_current(report.commitment_id, report.member_state_id),
)
