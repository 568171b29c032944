"""Curators move the plan in and out in bulk: natural keys, previews, all or nothing."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from commitments.models import Commitment, CurrentProgress, ProgressReport, ReviewState, Status
from exchange.imports import (
    SafeCSV,
    SafeJSON,
    SafeXLSX,
    export_tables,
    import_file,
    plan_resources,
)
from exchange.models import ImportJob
from tests.import_helpers import (
    JOB_TABLES,
    REPORT_HEADERS,
    csv_file,
    published_reports,
    report_rows,
    row_counts,
    snapshot,
    without_jobs,
)

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


PLAN_FILES = [("xlsx", "xlsx"), ("csv", "zip"), ("json", "json")]
ADMIN_FORMATS = {"xlsx": "0", "csv": "1", "json": "2"}


@pytest.fixture
def reports(plan):
    reports = published_reports(40)
    draft = ProgressReport.objects.create(
        commitment=Commitment.objects.get(reference="1.1"),
        member_state=reports[0].member_state,
        status=Status.IN_PROGRESS,
        percentage=10,
        reported_on=reports[0].reported_on,
        narrative="Borrador que nunca sale en un archivo.",
    )
    return reports, draft


def test_full_round_trip_in_every_format_leaves_the_database_unchanged(reports):
    before = snapshot()
    for fmt, ext in PLAN_FILES:
        outcome = import_file(f"plan.{ext}", export_tables(fmt))
        assert outcome.ok, [str(p) for p in outcome.problems]
        assert outcome.totals["commitments"]["skip"] == 34
        assert outcome.totals["progress_reports"]["skip"] == 40
        assert all(t["new"] == t["update"] == 0 for t in outcome.totals.values())
    for resource_class in plan_resources().values():
        for fmt in (SafeXLSX, SafeCSV, SafeJSON):
            native = fmt is SafeXLSX
            data = fmt().export_data(resource_class().export(force_native_type=native))
            result = resource_class().import_data(fmt().create_dataset(data))
            assert not result.problems, (resource_class.key, fmt, result.problems)
    assert snapshot() == before


def test_the_export_carries_published_reports_only(reports):
    _reports, draft = reports
    document = json.loads(export_tables("json"))
    assert len(document["progress_reports"]) == 40
    assert draft.narrative not in json.dumps(document)
    assert list(document) == list(plan_resources())


def _edited_workbook(data, edits, new_rows):
    book = load_workbook(io.BytesIO(data))
    sheet = book["commitments"]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        reference = row[headers.index("reference")].value
        for column, value in edits.get(reference, {}).items():
            row[headers.index(column)].value = value
    for values in new_rows:
        sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_edited_export_updates_what_exists_and_creates_what_is_new(plan):
    counts = row_counts()
    data = _edited_workbook(
        export_tables("xlsx"),
        {"1.1": {"text": "Texto corregido."}, "2.1": {"due_label": "enero de 2021"}},
        [
            # The child comes before its parent: the import sorts parents first.
            {"reference": "14.9.1", "area": 14, "parent": "14.9", "order": 1, "text": "Hija."},
            {"reference": "14.9", "area": 14, "order": 9, "text": "Madre."},
        ],
    )
    outcome = import_file("plan.xlsx", data)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.totals["commitments"] == {**outcome.totals["commitments"], "new": 2, "update": 2}
    assert Commitment.objects.get(reference="1.1").text == "Texto corregido."
    assert Commitment.objects.get(reference="2.1").due_label == "enero de 2021"
    child = Commitment.objects.select_related("parent").get(reference="14.9.1")
    assert child.parent.reference == "14.9"
    assert child.reference_key == "014.009.001"
    after = row_counts()
    assert after["commitments.Commitment"] == counts["commitments.Commitment"] + 2
    # Two changed and two new commitments leave four history rows; nothing else moves.
    assert (
        after["commitments.HistoricalCommitment"] == counts["commitments.HistoricalCommitment"] + 4
    )
    changed = {k for k in after if after[k] != counts[k]}
    assert changed == {"commitments.Commitment", "commitments.HistoricalCommitment"}


def test_imported_reports_are_published_and_become_the_current_progress(plan, curator):
    rows = report_rows(3)
    outcome = import_file("reports.csv", csv_file(REPORT_HEADERS, rows), user=curator)
    assert outcome.ok, [str(p) for p in outcome.problems]
    imported = ProgressReport.objects.order_by("pk")
    assert [r.review_state for r in imported] == [ReviewState.PUBLISHED] * 3
    assert all(r.published_at and r.reviewed_by == curator for r in imported)
    assert CurrentProgress.objects.count() == 3
    assert sorted(CurrentProgress.objects.values_list("percentage", flat=True)) == [1, 2, 3]


def test_a_changed_report_row_publishes_a_correction_that_supersedes_it(plan):
    rows = report_rows(2)
    assert import_file("reports.csv", csv_file(REPORT_HEADERS, rows)).ok
    original = ProgressReport.objects.get(narrative=rows[0][5])
    rows[0][4] = 77
    outcome = import_file("reports.csv", csv_file(REPORT_HEADERS, rows))
    assert outcome.ok
    assert outcome.totals["progress_reports"]["update"] == 1
    correction = ProgressReport.objects.get(supersedes=original)
    assert correction.percentage == 77 and correction.is_published
    original.refresh_from_db()
    assert original.percentage == 1 and original.is_published
    current = CurrentProgress.objects.get(
        commitment=original.commitment, member_state=original.member_state
    )
    assert current.report_id == correction.pk and current.percentage == 77
    # The same file again changes nothing: the correction is what the key now finds.
    before = snapshot()
    assert import_file("reports.csv", csv_file(REPORT_HEADERS, rows)).ok
    assert snapshot() == before


def test_import_plan_dry_run_counts_and_writes_nothing(plan, tmp_path):
    path = tmp_path / "reports.csv"
    path.write_bytes(csv_file(REPORT_HEADERS, report_rows(5)))
    before = snapshot()
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_plan", str(path), "--dry-run", stdout=out)
    assert "progress_reports: 5 new, 0 updated, 0 unchanged." in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert snapshot() == before


def test_import_plan_reports_every_problem_by_row_and_column_and_fails(plan, tmp_path):
    rows = report_rows(4)
    rows[1][0] = "99.9"
    rows[3][4] = 150
    path = tmp_path / "reports.csv"
    path.write_bytes(csv_file(REPORT_HEADERS, rows))
    counts = row_counts()
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="2 problem"):
        call_command("import_plan", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "progress_reports, row 3, column commitment: There is no commitment with reference “99.9”.",
        "progress_reports, row 5, column percentage: A percentage runs from 0 to 100.",
    ]
    assert row_counts() == counts


def test_import_plan_exits_with_a_non_zero_code_on_failure(plan, tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text("hola")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_plan", str(path)]).execute()
    assert exit_.value.code == 1


def test_export_plan_writes_one_sheet_one_csv_or_one_key_per_table(plan, tmp_path):
    keys = list(plan_resources())
    xlsx, zip_, json_ = tmp_path / "p.xlsx", tmp_path / "p.zip", tmp_path / "p.json"
    call_command("export_plan", "--format", "xlsx", "--output", str(xlsx), stdout=io.StringIO())
    call_command("export_plan", "--format", "csv", "--output", str(zip_), stdout=io.StringIO())
    call_command("export_plan", "--format", "json", "--output", str(json_), stdout=io.StringIO())
    book = load_workbook(xlsx, read_only=True)
    assert book.sheetnames == keys
    assert len(list(book["commitments"].iter_rows())) == 35
    assert zipfile.ZipFile(zip_).namelist() == [f"{key}.csv" for key in keys]
    assert list(json.loads(json_.read_text())) == keys


# --- The admin ------------------------------------------------------------------------


def _commitments_csv(edit=None, extra=()):
    dataset = plan_resources()["commitments"]().export()
    rows = [list(row) for row in dataset]
    if edit:
        for row in rows:
            if row[0] == edit[0]:
                row[dataset.headers.index("text")] = edit[1]
    return csv_file(dataset.headers, rows + list(extra))


def _upload(client, model, data, name, fmt):
    """Upload ``data`` to the admin of ``model`` and follow to the job's status page (the
    check runs at once in tests)."""
    url = reverse(f"admin:{model}_import")
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        url,
        {"resource": "0", "format": ADMIN_FORMATS[fmt], "import_file": upload},
        headers=EN,
        follow=True,
    )


def _confirm(client, status_page):
    return client.post(status_page.request["PATH_INFO"], headers=EN, follow=True)


def test_curator_previews_then_confirms_an_import_in_the_admin(client_of, curator):
    client = client_of(curator)
    assert client.get(reverse("admin:commitments_commitment_import")).status_code == 200
    before = snapshot()
    preview = _upload(
        client,
        "commitments_commitment",
        _commitments_csv(edit=("1.1", "Nuevo texto.")),
        "c.csv",
        "csv",
    )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Confirming will add 0 rows and change 1; 33 rows are unchanged." in page
    assert page.count('<tr class="update">') == 1
    job = ImportJob.objects.get()
    assert (job.user, job.state, job.file_name) == (curator, ImportJob.State.CHECKED, "c.csv")
    assert bytes(job.data)  # kept in the database, shared by every app server and the worker
    # The preview writes nothing but its job.
    assert {k: v for k, v in snapshot().items() if k not in JOB_TABLES} == {
        k: v for k, v in before.items() if k not in JOB_TABLES
    }
    done = _confirm(client, preview)
    assert done.status_code == 200
    assert "Import finished: 0 new, 1 updated, 33 unchanged." in done.content.decode()
    assert Commitment.objects.get(reference="1.1").text_es == "Nuevo texto."
    job.refresh_from_db()
    assert (job.state, bytes(job.data)) == (ImportJob.State.DONE, b"")


def test_the_preview_lists_every_problem_and_offers_no_confirmation(client_of, curator):
    client = client_of(curator)
    counts = row_counts()
    bad = [
        ["99.1", "99", "", "1", "Área que no existe.", "", ""],
        ["1.1", "1", "", "x", "Duplicada.", "", ""],
    ]
    response = _upload(
        client, "commitments_commitment", _commitments_csv(extra=bad), "c.csv", "csv"
    )
    assert response.status_code == 200
    assert "Confirm import" not in response.content.decode()
    problems = [(p["line"], p["column"], p["message"]) for p in response.context["job"].problems]
    assert (36, "area", "There is no work area with number “99”.") in problems
    assert (37, "order", "“x” is not a whole number.") in problems
    assert any(line == 37 and column == "reference" for line, column, _m in problems)
    assert "Nothing was imported" in response.content.decode()
    assert without_jobs(row_counts()) == without_jobs(counts)


def test_a_file_confirmed_twice_is_imported_once(client_of, curator):
    client = client_of(curator)
    preview = _upload(
        client,
        "commitments_progressreport",
        csv_file(REPORT_HEADERS, report_rows(3)),
        "r.csv",
        "csv",
    )
    _confirm(client, preview)
    again = _confirm(client, preview)
    assert "This file is not waiting for confirmation." in again.content.decode()
    assert ProgressReport.objects.count() == 3


def test_only_curators_may_import_or_export(client_of, plan):
    staff = get_user_model().objects.create_user("personal", password="x" * 16, is_staff=True)
    client = client_of(staff)
    for name in ("commitments_commitment_import", "commitments_commitment_export"):
        assert client.get(reverse(f"admin:{name}")).status_code == 403
    response = _upload(client, "commitments_commitment", _commitments_csv(), "c.csv", "csv")
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_curator_exports_commitments_as_xlsx_from_the_admin(client_of, curator):
    client = client_of(curator)
    url = reverse("admin:commitments_commitment_export")
    fields = [name for name in client.get(url).context["form"].fields if "resource_" in name]
    response = client.post(
        url, {"resource": "0", "format": ADMIN_FORMATS["xlsx"], **dict.fromkeys(fields, "on")}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == (
        "reference",
        "area",
        "parent",
        "order",
        "text",
        "due_date",
        "due_label",
        *(f"{name}_{lang}" for name in ("text", "due_label") for lang in ("en", "pt", "fr")),
    )
    assert len(rows) == 35
    assert rows[[r[0] for r in rows].index("13.1.2")][:3] == ("13.1.2", 13, "13.1")


@pytest.mark.parametrize("size", [100, 2000])
def test_a_report_import_costs_the_same_queries_at_any_size(
    plan, size, django_assert_max_num_queries
):
    data = csv_file(REPORT_HEADERS, report_rows(size))
    # One lookup per distinct commitment and state, then inserts in batches of 1,000; the
    # rebuild of the current progress and of the monthly history, a fixed few.
    with django_assert_max_num_queries(110):
        outcome = import_file("progress_reports.csv", data)
    assert outcome.ok
    assert ProgressReport.objects.count() == size
    assert ProgressReport.history.count() == size


def test_curator_imports_progress_reports_in_the_admin(client_of, curator):
    from django.contrib.admin.models import LogEntry

    client = client_of(curator)
    preview = _upload(
        client,
        "commitments_progressreport",
        csv_file(REPORT_HEADERS, report_rows(5)),
        "r.csv",
        "csv",
    )
    assert "Confirming will add 5 rows and change 0" in preview.content.decode()
    assert ProgressReport.objects.count() == 0
    done = _confirm(client, preview)
    assert done.status_code == 200
    reports = ProgressReport.objects.all()
    assert len(reports) == 5
    assert {(r.review_state, r.reviewed_by_id) for r in reports} == {
        (ReviewState.PUBLISHED, curator.pk)
    }
    assert CurrentProgress.objects.count() == 5
    assert LogEntry.objects.filter(user=curator).count() == 5
    assert set(ProgressReport.history.values_list("history_user_id", flat=True)) == {curator.pk}
