"""Imports through the admin are jobs of the task worker: the request only stores the file;
the worker checks it, then imports it, under a time limit, and the status page follows it."""

import io
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from conftest import PASSWORD
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import CURATORS_GROUP
from celac_ppt.worker import LimitedWorker, TimeLimitExceeded
from commitments.models import ProgressReport
from exchange import jobs
from exchange.models import ImportJob
from tests.import_helpers import REPORT_HEADERS, csv_file, report_rows

EN = {"accept-language": "en"}
UPLOAD = "admin:commitments_progressreport_import"


def upload(client, data, name="r.csv", fmt="1", follow=False):
    file = io.BytesIO(data)
    file.name = name
    return client.post(
        reverse(UPLOAD), {"resource": "0", "format": fmt, "import_file": file}, headers=EN,
        follow=follow,
    )  # fmt: skip


def run_worker(time_limit=60):
    """Run every queued task the way ``manage.py run_worker`` does, then stop."""
    LimitedWorker(
        time_limit=time_limit,
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_the_worker_checks_then_imports_a_file_queued_in_the_database(client_of, curator, db_tasks):
    client = client_of(curator)
    response = upload(client, csv_file(REPORT_HEADERS, report_rows(40)))
    job = ImportJob.objects.get()
    # The request answered at once: nothing is checked until the worker runs.
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:commitments_progressreport_import_job", args=[job.pk]
    )
    page = client.get(response["Location"], headers=EN).content.decode()
    assert '<meta http-equiv="refresh"' in page
    assert "Waiting to be checked" in page
    assert '<progress class="import-progress"' in page
    assert DBTaskResult.objects.get().status == "READY"

    run_worker()
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == (ImportJob.State.CHECKED, 40, 40)
    page = client.get(response["Location"], headers=EN).content.decode()
    assert '<meta http-equiv="refresh"' not in page
    assert "Confirming will add 40 rows and change 0" in page
    assert ProgressReport.objects.count() == 0

    client.post(response["Location"], headers=EN)
    assert ImportJob.objects.get().state == ImportJob.State.CONFIRMED
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert ProgressReport.objects.count() == 40
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "Import finished: 40 new, 0 updated, 0 unchanged." in page


@pytest.mark.django_db(transaction=True)
def test_a_task_over_its_time_limit_fails_with_a_message_and_writes_nothing(
    client_of, curator, db_tasks, monkeypatch
):
    def endless(*args, **kwargs):
        while True:
            time.sleep(0.01)

    client = client_of(curator)
    upload(client, csv_file(REPORT_HEADERS, report_rows(5)))
    monkeypatch.setattr(jobs, "read_tables", endless)
    started = time.monotonic()
    run_worker(time_limit=1)
    assert time.monotonic() - started < 10
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert job.problems == [{"message": "The task took longer than 1 second and was stopped."}]
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED"
    assert task.exception_class_path == "celac_ppt.worker.TimeLimitExceeded"
    assert ProgressReport.objects.count() == 0


def test_the_time_limit_message_is_translated(settings):
    from django.utils import translation

    with translation.override("en"):
        assert TimeLimitExceeded(30).message == (
            "The task took longer than 30 seconds and was stopped."
        )
    with translation.override("es"):
        assert "30" in TimeLimitExceeded(30).message
        assert TimeLimitExceeded(30).message != (
            "The task took longer than 30 seconds and was stopped."
        )


@pytest.mark.django_db(transaction=True)
def test_a_task_out_of_memory_fails_with_a_message_and_writes_nothing(
    client_of, curator, db_tasks, monkeypatch, settings
):
    settings.TASK_MEMORY_LIMIT_MB = 1024

    def greedy(*args, **kwargs):
        raise MemoryError

    client = client_of(curator)
    response = upload(client, csv_file(REPORT_HEADERS, report_rows(5)))
    monkeypatch.setattr(jobs, "read_tables", greedy)
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert job.problems == [
        {"message": "The task needed more than 1024 MB of memory and was stopped."}
    ]
    assert DBTaskResult.objects.get().status == "FAILED"
    assert ProgressReport.objects.count() == 0
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "The task needed more than 1024 MB of memory and was stopped." in page


def test_the_worker_s_memory_limit_stops_an_allocation_past_it():
    """run_worker's --memory-limit caps the process: a task asking for more memory gets a
    MemoryError (which the job above turns into its message) instead of the machine's."""
    program = (
        "import django; django.setup()\n"
        "from celac_ppt.worker import limit_memory\n"
        "limit_memory(1024)\n"
        "try:\n"
        "    hoard = bytearray(2 * 1024 ** 3)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
        "else:\n"
        "    print('allocated', len(hoard))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "celac_ppt.settings"}
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "refused", done.stderr


@pytest.mark.django_db
def test_a_task_run_twice_checks_the_file_once(client_of, curator, db_tasks):
    client = client_of(curator)
    upload(client, csv_file(REPORT_HEADERS, report_rows(3)))
    job = ImportJob.objects.get()
    assert jobs.run(job.pk, dry_run=True) == ImportJob.State.CHECKED
    checked_at = ImportJob.objects.get().started_at
    assert jobs.run(job.pk, dry_run=True) == ImportJob.State.CHECKED
    assert ImportJob.objects.get().started_at == checked_at


@pytest.mark.django_db
def test_curators_see_their_own_imports_only_and_officials_none(client_of, curator, official_mx):
    client = client_of(curator)
    page = upload(client, csv_file(REPORT_HEADERS, report_rows(3)), follow=True)
    status_url = page.request["PATH_INFO"]
    assert "r.csv" in client.get(reverse(UPLOAD), headers=EN).content.decode()

    other = get_user_model().objects.create_user(
        "otra-curadora", "otra@example.org", PASSWORD, is_staff=True
    )
    other.groups.add(Group.objects.get(name=CURATORS_GROUP))
    client = client_of(other)
    assert client.get(status_url).status_code == 404
    assert client.post(status_url).status_code == 404
    assert "r.csv" not in client.get(reverse(UPLOAD), headers=EN).content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.CHECKED

    assert client_of(official_mx).get(status_url).status_code in (302, 403)
    assert client_of(None).get(status_url).status_code == 302


@pytest.mark.django_db
def test_the_import_job_page_is_in_the_curators_language(client_of, curator):
    client = client_of(curator)
    page = upload(client, csv_file(REPORT_HEADERS, report_rows(3)), follow=True)
    response = client.get(page.request["PATH_INFO"], headers={"accept-language": "es"})
    assert "Confirmar la importación" in response.content.decode()


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_reported_failed_not_left_running(
    client_of, curator, db_tasks, settings
):
    client = client_of(curator)
    response = upload(client, csv_file(REPORT_HEADERS, report_rows(3)))
    job = ImportJob.objects.get()
    assert job.claim(ImportJob.State.QUEUED, ImportJob.State.CHECKING)
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "Being checked" in page and '<meta http-equiv="refresh"' in page
    # The worker was killed mid-task: past the time limit, nobody will finish the job.
    ImportJob.objects.filter(pk=job.pk).update(
        started_at=job.started_at - timedelta(seconds=settings.TASK_TIME_LIMIT + 61)
    )
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "The worker stopped while handling this file; nothing was imported." in page
    assert '<meta http-equiv="refresh"' not in page
    assert ImportJob.objects.get().state == ImportJob.State.FAILED


@pytest.mark.django_db
def test_a_file_nobody_takes_says_the_worker_may_be_stopped(client_of, curator, db_tasks):
    client = client_of(curator)
    response = upload(client, csv_file(REPORT_HEADERS, report_rows(3)))
    ImportJob.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "No task worker has taken this file for over a minute" in page


@pytest.mark.django_db
def test_a_superuser_follows_a_curators_import_but_only_the_curator_confirms_it(client_of, curator):
    page = upload(client_of(curator), csv_file(REPORT_HEADERS, report_rows(3)), follow=True)
    status_url = page.request["PATH_INFO"]
    admin = get_user_model().objects.create_superuser("raiz", "raiz@example.org", PASSWORD)
    client = client_of(admin)
    assert client.get(status_url).status_code == 200
    assert client.post(status_url).status_code == 403
    assert ImportJob.objects.get().state == ImportJob.State.CHECKED


@pytest.mark.django_db
def test_following_an_import_never_reads_its_file(client_of, curator, db_tasks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(curator)
    response = upload(client, csv_file(REPORT_HEADERS, report_rows(3)))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(response["Location"]).status_code == 200
        assert client.get(reverse(UPLOAD)).status_code == 200
    job_queries = [q["sql"] for q in captured.captured_queries if "exchange_importjob" in q["sql"]]
    assert job_queries and not any('"data"' in sql for sql in job_queries)


@pytest.mark.django_db(transaction=True)
def test_an_import_given_up_while_it_ran_is_rolled_back_never_half_kept(
    client_of, curator, db_tasks, monkeypatch, settings
):
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    if connection.vendor == "sqlite":
        pytest.skip("SQLite lets one connection write at a time: the status page waits")
    client = client_of(curator)
    upload(client, csv_file(REPORT_HEADERS, report_rows(5)))
    run_worker()
    job = ImportJob.objects.get()
    client.post(reverse("admin:commitments_progressreport_import_job", args=[job.pk]))
    outcome = jobs._outcome

    def status_page_gives_up_meanwhile(job, result, **kwargs):
        # The status page, on another connection, finds the job past its time limit.
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        with other.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET state = %s WHERE id = %s",
                [ImportJob.State.FAILED, job.pk],
            )
        other.close()
        return outcome(job, result, **kwargs)

    monkeypatch.setattr(jobs, "_outcome", status_page_gives_up_meanwhile)
    run_worker()
    assert ImportJob.objects.get().state == ImportJob.State.FAILED
    assert ProgressReport.objects.count() == 0
