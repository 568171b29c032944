"""What the worker does with an import job: check the file (a dry run whose preview the
curator confirms), then import it, in one transaction, reporting rows processed as it goes.

The progress is written through a connection of its own, outside the import's transaction,
so that the status page sees it while the import runs. SQLite lets one connection write at a
time, so there the count moves only between the steps.
"""

import time
from types import SimpleNamespace

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export.results import RowResult
from simple_history.models import HistoricalRecords

from celac_ppt.worker import TimeLimitExceeded, memory_message

from .imports import ImportFileError, read_tables, resource_for_model, to_dataset
from .models import ImportJob

PROGRESS_EVERY_SECONDS = 0.5
PREVIEW_ROWS = 200


class Progress:
    """Writes ``rows_done`` of a job at most every half second, on its own connection."""

    def __init__(self, job):
        self.job = job
        self.last = 0.0
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done):
        self.job.rows_done = done
        now = time.monotonic()
        if self.connection is None or now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        table = self.connection.ops.quote_name(ImportJob._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s, updated_at = %s WHERE id = %s",
                [done, timezone.now(), self.job.pk],
            )

    def close(self):
        if self.connection is not None:
            self.connection.close()


def _problem(problem):
    return {
        "line": problem.line,
        "column": problem.column,
        "table": problem.table,
        "message": str(problem.message),
    }


def _log_entries(user, result):
    flags = {
        RowResult.IMPORT_TYPE_NEW: ADDITION,
        RowResult.IMPORT_TYPE_UPDATE: CHANGE,
        RowResult.IMPORT_TYPE_DELETE: DELETION,
    }
    rows = {}
    for row in result:
        if row.import_type in flags and row.instance is not None:
            rows.setdefault(row.import_type, []).append(row.instance)
    for import_type, instances in rows.items():
        LogEntry.objects.log_actions(
            user.pk,
            instances,
            flags[import_type],
            change_message=f"{import_type} through import_export",
            single_object=len(instances) == 1,
        )


class JobAbandoned(Exception):
    """The job was given up while this run worked on it: its work is rolled back."""


def _import(job, *, dry_run):
    """Read and import ``job``'s file and record the outcome; returns the job's state."""
    resource_class = resource_for_model(job.table)
    try:
        tables = read_tables(job.file_name, bytes(job.data), allowed=(job.file_format,))
        if not tables:
            raise ImportFileError(_("The file holds no table to import."))
    except ImportFileError as error:
        job.finish(ImportJob.State.FAILED, {"problems": [{"message": str(error.message)}]})
        return job.state
    dataset = to_dataset(tables[0])
    job.rows_total = len(dataset)
    job.save(update_fields=["rows_total", "updated_at"])
    progress = Progress(job)
    resource = resource_class(preview=dry_run, progress=progress)
    # The rows, their admin log and the job's new state commit together: an import given
    # up as stalled meanwhile (its status page said so) is rolled back, never half-kept.
    with transaction.atomic():
        # Saved rows' history names the curator, as it does for an import inside a request.
        HistoricalRecords.context.request = SimpleNamespace(user=job.user)
        try:
            result = resource.import_data(
                dataset,
                dry_run=dry_run,
                user=job.user,
                file_name=job.file_name,
                retain_instance_in_row_result=not dry_run,
            )
        finally:
            del HistoricalRecords.context.request
            progress.close()
        job.rows_done = len(dataset)
        state, outcome = _outcome(job, result, dry_run=dry_run)
        if not job.finish(state, outcome, keep_data=state == ImportJob.State.CHECKED):
            raise JobAbandoned
    return state


def _outcome(job, result, *, dry_run):
    outcome = {
        "totals": dict(result.totals),
        "problems": [_problem(problem) for problem in result.problems],
    }
    if outcome["problems"]:
        return ImportJob.State.FAILED, outcome
    if dry_run:
        valid = result.valid_rows()
        outcome["headers"] = [str(header) for header in result.diff_headers]
        outcome["changed"] = len(valid)
        outcome["rows"] = [
            {"type": row.import_type, "diff": [str(cell) for cell in row.diff]}
            for row in valid[:PREVIEW_ROWS]
        ]
        return ImportJob.State.CHECKED, outcome
    if job.user is not None:
        _log_entries(job.user, result)
    return ImportJob.State.DONE, outcome


def run(job_id, *, dry_run):
    """Run one step of the job ``job_id``: the check (``dry_run``) or the import. A step that
    already ran, or runs at the same time elsewhere, is not run again."""
    job = ImportJob.objects.get(pk=job_id)
    waiting, running = (
        (ImportJob.State.QUEUED, ImportJob.State.CHECKING)
        if dry_run
        else (ImportJob.State.CONFIRMED, ImportJob.State.IMPORTING)
    )
    if not job.claim(waiting, running):
        return job.state
    with translation.override(job.language):
        try:
            return _import(job, dry_run=dry_run)
        except JobAbandoned:
            return job.state
        except BaseException as error:
            if isinstance(error, MemoryError):
                # Let go of the frames, and the file they hold, before writing anything.
                error.__traceback__ = None
            job.fail(_failure(error))
            raise


def _failure(error):
    if isinstance(error, TimeLimitExceeded):
        return error.message
    if isinstance(error, MemoryError):
        return memory_message(settings.TASK_MEMORY_LIMIT_MB)
    return _("The import stopped on an unexpected error; nothing was imported.")
