"""Imports run in the background: each upload is a job that any app server and the worker
can read, with the file's bytes kept in the database until the job is over."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs ``user`` may follow: a curator's own, every job for a superuser. A job
        holds its uploader's file and is confirmed in their name, so it is theirs alone.
        The file itself is left in the database: pages that list or follow jobs never need
        it, and it weighs up to IMPORT_MAX_BYTES."""
        jobs = self.defer("data")
        return jobs if user.is_superuser else jobs.filter(user=user)


class ImportJob(models.Model):
    """One file uploaded through the admin: checked (a dry run), then on confirmation
    imported, each step a task of the worker."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked: ready to import")
        CONFIRMED = "confirmed", _("Waiting to be imported")
        IMPORTING = "importing", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (State.QUEUED, State.CHECKING, State.CONFIRMED, State.IMPORTING)
    OVER = (State.DONE, State.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    # The admin it was uploaded to, as app_label.model_name: the table it imports into.
    table = models.CharField(_("table"), max_length=100)
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    # {"totals": {...}, "problems": [{line, column, table, message}], "headers": [...],
    #  "rows": [{"type", "diff"}], "changed": n}
    result = models.JSONField(_("result"), default=dict, blank=True)
    # The uploaded file, until the job is over: the database is what every server and the
    # worker share.
    data = models.BinaryField(default=b"")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return self.file_name

    @property
    def is_running(self):
        return self.state in self.RUNNING

    @property
    def is_stalled(self):
        """Checked or imported for longer than the worker lets a task run: the worker
        stopped under it (killed, or its machine restarted)."""
        if self.state not in (self.State.CHECKING, self.State.IMPORTING) or not self.started_at:
            return False
        limit = timedelta(seconds=settings.TASK_TIME_LIMIT + 60)
        return timezone.now() - self.started_at > limit

    @property
    def is_waiting_long(self):
        """Queued for over a minute: no worker may be running."""
        waiting = self.state in (self.State.QUEUED, self.State.CONFIRMED)
        return waiting and timezone.now() - self.updated_at > timedelta(minutes=1)

    @property
    def percent(self):
        if self.state in self.OVER or self.state == self.State.CHECKED:
            return 100
        return 100 * self.rows_done // self.rows_total if self.rows_total else 0

    @property
    def problems(self):
        return self.result.get("problems", [])

    def claim(self, waiting, running):
        """Move from ``waiting`` to ``running`` unless another run of the task did: a task
        that runs twice does its work once. One conditional UPDATE; True if it moved."""
        now = timezone.now()
        moved = ImportJob.objects.filter(pk=self.pk, state=waiting).update(
            state=running, started_at=now, updated_at=now, rows_done=0
        )
        if moved:
            self.state, self.started_at, self.rows_done = running, now, 0
        return bool(moved)

    def confirm(self):
        """Queue the import of a checked file; False if it was not waiting for that."""
        moved = ImportJob.objects.filter(pk=self.pk, state=self.State.CHECKED).update(
            state=self.State.CONFIRMED, updated_at=timezone.now()
        )
        return bool(moved)

    def finish(self, state, result, *, keep_data=False):
        """Move from the step this run holds to ``state`` with ``result``, unless the job
        moved on meanwhile (given up as stalled): one conditional UPDATE; True if it moved.
        Called inside the import's transaction, a False rolls the import back."""
        values = {
            "state": state,
            "result": result,
            "finished_at": timezone.now() if state in self.OVER else None,
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "updated_at": timezone.now(),
        }
        if not keep_data:
            values["data"] = b""
        moved = ImportJob.objects.filter(pk=self.pk, state=self.state).update(**values)
        if moved:
            for name, value in values.items():
                setattr(self, name, value)
        else:
            self.refresh_from_db(fields=["state", "result", "finished_at"])
        return bool(moved)

    def give_up_if_stalled(self, message):
        """Record a stalled job as failed (once, whoever notices first)."""
        if not self.is_stalled:
            return False
        moved = ImportJob.objects.filter(pk=self.pk, state=self.state).update(
            state=self.State.FAILED,
            result={"problems": [{"message": str(message)}]},
            data=b"",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        self.refresh_from_db()
        return bool(moved)

    def fail(self, message):
        self.finish(
            self.State.FAILED,
            {**self.result, "problems": [{"message": str(message)}]},
        )
