"""The worker's import tasks: each runs one step of an ImportJob (exchange.jobs)."""

from django.tasks import task

from . import jobs


@task()
def check_import(job_id):
    """Check an uploaded file and record the preview, or every problem by row and column."""
    return jobs.run(job_id, dry_run=True)


@task()
def run_import(job_id):
    """Import a checked file: everything in one transaction, or nothing."""
    return jobs.run(job_id, dry_run=False)
