"""In a real Chromium, as a new curator would: export the commitments to XLSX, edit two and
add one in the spreadsheet, upload it, follow the status page while the task worker checks
it, read the preview, confirm, and find exactly those changes once the worker has imported
them; then a file with one bad row shows the error and changes nothing."""

import re
import threading

import pytest
from conftest import PASSWORD, use_tasks
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import CURATORS_GROUP
from celac_ppt.worker import LimitedWorker
from commitments.models import Commitment
from tests.import_helpers import row_counts, without_jobs

pytestmark = pytest.mark.browser

NEW_TEXT_1 = "Designar un punto focal nacional antes de marzo de 2020."
NEW_TEXT_2 = "Elaborar un informe regional con los avances de cada Estado."
ADDED = {"reference": "14.9", "area": 14, "order": 9, "text": "Un compromiso nuevo del área 14."}


@pytest.fixture
def curator(live_plan):
    user = get_user_model().objects.create_user(
        "curadora", "curadora@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user


@pytest.fixture
def task_worker(settings, live_plan):
    """The task worker, polling the database as in production, in a thread of the test (no
    time limit: its alarm needs the main thread). SQLite's in-memory test database locks
    whole tables between threads, so there the tasks run inside the live server's requests."""
    if connection.vendor == "sqlite":
        yield None
        return
    use_tasks(settings, "django_tasks_db.DatabaseBackend")
    worker = LimitedWorker(
        time_limit=0,
        queue_names=["*"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def run():
        try:
            worker.run()
        finally:
            connections.close_all()  # the thread's own, so the test database can go

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=10)


def commitments():
    return {
        c["reference"]: c
        for c in Commitment.objects.values(
            "id",
            "reference",
            "reference_key",
            "area_id",
            "parent_id",
            "order",
            "text",
            "due_date",
            "due_label",
        )
    }


def import_file(page, base, path):
    """Upload ``path``: the answer is the job's status page, at once."""
    page.goto(f"{base}/admin/commitments/commitment/import/")
    page.get_by_label("File to import").set_input_files(path)
    page.get_by_label("Format").select_option(label="xlsx")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/admin/commitments/commitment/import/\d+/$"))


# The status page reloads itself every 2 s until the worker is done.
WORKER_WAIT = 30_000


def test_curator_exports_edits_and_imports_commitments(
    browser, live_plan, curator, task_worker, tmp_path
):
    base = live_plan.url
    context = browser.new_context(locale="en-US", accept_downloads=True)
    page = context.new_page()
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and csp_violations.append((page.url, message.text[:400]))
        ),
    )

    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("curadora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    # Export from the commitments' list.
    page.goto(f"{base}/admin/commitments/commitment/")
    page.get_by_role("link", name="Export").click()
    page.get_by_label("Format").select_option(label="xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    exported = tmp_path / "commitments.xlsx"
    download.value.save_as(exported)

    # Edit two commitments and add one, as in a spreadsheet program.
    book = load_workbook(exported)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    text = headers.index("text")
    for row in sheet.iter_rows(min_row=2):
        reference = row[headers.index("reference")].value
        if reference == "1.1":
            row[text].value = NEW_TEXT_1
        if reference == "2.1":
            row[text].value = NEW_TEXT_2
    sheet.append([ADDED.get(header) for header in headers])
    edited = tmp_path / "edited.xlsx"
    book.save(edited)

    before = commitments()
    import_file(page, base, edited)
    expect(
        page.get_by_text("Confirming will add 1 rows and change 2; 32 rows are unchanged.")
    ).to_be_visible(timeout=WORKER_WAIT)
    expect(page.locator("tr.new")).to_have_count(1)
    expect(page.locator("tr.update")).to_have_count(2)
    assert commitments() == before  # the preview wrote nothing

    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Import finished: 1 new, 2 updated")).to_be_visible(timeout=WORKER_WAIT)

    after = commitments()
    added = after.pop("14.9")
    assert (added["area_id"], added["order"], added["text"]) == (
        before["14.1"]["area_id"],
        9,
        ADDED["text"],
    )
    assert added["reference_key"] == "014.009"
    expected = {**before}
    expected["1.1"] = {**before["1.1"], "text": NEW_TEXT_1}
    expected["2.1"] = {**before["2.1"], "text": NEW_TEXT_2}
    assert after == expected

    # One bad row: the curator sees where, and nothing changes at all.
    sheet.append(["99.1", 99, None, 1, "Un área que no existe.", None, None])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    counts = without_jobs(row_counts())
    import_file(page, base, bad)
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible(
        timeout=WORKER_WAIT
    )
    problem = page.locator("tr.import-problem")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("area")
    expect(problem).to_contain_text("There is no work area with number “99”.")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    assert without_jobs(row_counts()) == counts
    assert csp_violations == [], csp_violations
    context.close()
