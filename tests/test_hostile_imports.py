"""Hostile files (ASVS 5.2, 1.2.10): each is refused with a clear message, and no table
gains or loses a single row."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from exchange import imports
from exchange.imports import export_tables
from exchange.models import ImportJob
from tests.hostile_files import (
    SST_NS,
    add_shared_strings,
    shared_strings_bomb,
    small_workbook,
    wide_json_row,
)
from tests.import_helpers import (
    REPORT_HEADERS,
    csv_file,
    refused,
    report_rows,
    row_counts,
    without_jobs,
)

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>
</worksheet>"""


def replace_member(xlsx, member, content):
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == member else source.read(info)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def reports_csv(rows):
    return csv_file(REPORT_HEADERS, rows)


def test_a_foreign_key_that_does_not_exist(plan):
    rows = report_rows(3)
    rows[1][1] = "ZZ"
    messages = refused("progress_reports.csv", reports_csv(rows), "row 3, column member_state")
    assert "There is no member state with ISO code “ZZ”." in messages[0]


def test_an_unknown_agency_among_an_areas_agencies(plan):
    data = export_tables("xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["areas"]["F2"] = "SRE|NOEXISTE"
    buffer = io.BytesIO()
    book.save(buffer)
    refused(
        "plan.xlsx",
        buffer.getvalue(),
        "areas, row 2, column agencies: There is no agency with acronym “NOEXISTE”.",
    )


def test_a_duplicate_natural_key(plan):
    rows = report_rows(3)
    rows.append(list(rows[0]))
    refused(
        "progress_reports.csv",
        reports_csv(rows),
        "row 5, column commitment: Row 2 already has this key",
    )


def test_one_bad_row_at_row_9999_of_10000(plan):
    rows = report_rows(10_000)
    rows[9_998][4] = 150  # the 9,999th report, on line 10,000 after the heading
    messages = refused("progress_reports.csv", reports_csv(rows), "row 10000, column percentage")
    assert len(messages) == 1


def test_a_wrong_extension(plan):
    refused("plan.exe", b"MZ\x90\x00", "Files ending in “.exe” cannot be imported")
    refused("plan.xls", b"\xd0\xcf\x11\xe0", "Files ending in “.xls” cannot be imported")


def test_content_that_does_not_match_its_extension(plan):
    refused("plan.xlsx", reports_csv(report_rows(2)), "not a real XLSX file")
    refused("progress_reports.csv", export_tables("xlsx"), "not CSV text")


def test_a_file_over_the_size_limit(plan, settings):
    settings.IMPORT_MAX_BYTES = 1000
    refused("progress_reports.csv", reports_csv(report_rows(100)), "files up to 1000")


def test_an_xlsx_billion_laughs(plan):
    assert openpyxl.DEFUSEDXML is True  # openpyxl parses through defusedxml
    data = replace_member(export_tables("xlsx"), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    refused("plan.xlsx", data, "declares XML entities")


def test_a_billion_laughs_is_refused_by_defusedxml_too(plan, monkeypatch):
    monkeypatch.setattr(imports._Census, "refuse_doctypes", False)
    data = replace_member(export_tables("xlsx"), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    refused("plan.xlsx", data, "declares XML entities")


def test_a_zip_bomb_posing_as_xlsx(plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", b"<Types/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000
    refused("plan.xlsx", buffer.getvalue(), "looks like a zip bomb")


def test_a_sheet_with_a_million_blank_rows(plan):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "progress_reports"
    sheet.append(REPORT_HEADERS)
    sheet.append(report_rows(1)[0])
    sheet.cell(row=1_000_003, column=1, value="1.1")
    buffer = io.BytesIO()
    book.save(buffer)
    refused("plan.xlsx", buffer.getvalue(), "more than 1000 blank rows in a row from row 3")


def test_a_csv_with_a_million_blank_lines(plan):
    data = reports_csv(report_rows(1)) + b"\r\n" * 1_000_000
    refused("progress_reports.csv", data, "blank rows in a row from row 3")


def test_a_csv_in_latin_1(plan):
    rows = report_rows(3)
    for row in rows:
        row[5] = "Avance."
    rows[2][5] = "Avance en México y Perú."
    data = csv_file(REPORT_HEADERS, rows, encoding="latin-1")
    refused("progress_reports.csv", data, "Line 4 is not valid UTF-8")


def test_a_csv_in_utf_16(plan):
    data = csv_file(REPORT_HEADERS, report_rows(3), encoding="utf-16")
    refused("progress_reports.csv", data, "saved as UTF-16")


def test_a_percentage_of_150(plan):
    rows = report_rows(2)
    rows[0][4] = 150
    refused(
        "progress_reports.csv",
        reports_csv(rows),
        "row 2, column percentage: A percentage runs from 0 to 100.",
    )


def test_a_status_outside_the_vocabulary(plan):
    rows = report_rows(2)
    rows[1][3] = "almost_done"
    refused(
        "progress_reports.csv",
        reports_csv(rows),
        "row 3, column status: “almost_done” is not a status; use one of: not_started,",
    )


def test_a_percentage_that_does_not_fit_its_status(plan):
    rows = report_rows(2)
    rows[1][3], rows[1][4] = "completed", 40
    refused(
        "progress_reports.csv",
        reports_csv(rows),
        "row 3, column percentage: "
        "With the status “Completed” the percentage must be between 100 and 100.",
    )


def test_a_json_row_that_is_not_flat(plan):
    refused("plan.json", b'{"axes": [{"number": 1, "name": {"x": 1}}]}', "not an object of plain")


def test_deeply_nested_json(plan):
    refused("plan.json", b"[" * 100_000 + b"]" * 100_000, "nests more than 4 levels deep")


def test_a_json_object_nested_in_a_row(plan):
    refused("plan.json", b'{"axes": [{"number": 1, "name": {"x": {"y": 1}}}]}', "more than 4")


# --- Files built to hold a worker: refused before they are read in full -----------------

# How long each takes to refuse, and its memory, is measured by bench/hostile_imports.py: a
# timed assertion would fail on a busy machine and pass a slow check on a fast one.


def test_a_json_row_with_100000_keys_is_refused_within_seconds(plan):
    refused(
        "plan.json", wide_json_row(), "has 100000 keys; a row of the plan has at most 50 columns"
    )


def test_a_shared_strings_bomb_is_refused_within_seconds(plan):
    data = shared_strings_bomb()
    assert len(data) < imports.max_bytes()
    # It passes the zip checks: refusing it is the shared-strings limit's work.
    imports._check_zip(data, "XLSX")
    refused("plan.xlsx", data, "holds more than 500000 different texts")


def test_shared_strings_under_a_name_that_is_not_xml_are_counted_too(plan):
    table = b"".join(b"<si><t>t%d</t></si>" % i for i in range(600_000))
    sst = b'<sst xmlns="%s">%s</sst>' % (SST_NS, table)
    data = add_shared_strings(small_workbook(), sst, part="xl/strings.bin")
    refused("plan.xlsx", data, "holds more than 500000 different texts")


def test_shared_strings_under_a_long_namespace_prefix_are_counted_too(plan):
    prefix = b"p" * 40
    table = b"".join(
        b"<%s:si><%s:t>t%d</%s:t></%s:si>" % (prefix, prefix, i, prefix, prefix)
        for i in range(510_000)
    )
    sst = b'<%s:sst xmlns:%s="%s">%s</%s:sst>' % (prefix, prefix, SST_NS, table, prefix)
    refused("plan.xlsx", add_shared_strings(small_workbook(), sst), "more than 500000 different")


def test_one_text_split_into_a_million_formatted_runs(plan):
    """One shared text of 1,000,000 runs: openpyxl would hold the whole tree of it."""
    runs = b"".join(b"<r><t>%x</t></r>" % (i % 65536) for i in range(1_000_000))
    sst = b'<sst xmlns="%s"><si>%s</si></sst>' % (SST_NS, runs)
    data = add_shared_strings(small_workbook(), sst)
    assert len(data) < imports.max_bytes()
    imports._check_zip(data, "XLSX")
    refused("plan.xlsx", data, "holds more than 20000 XML elements")


def test_texts_whose_formatting_adds_up_past_the_limit(plan, settings):
    settings.IMPORT_MAX_SHARED_STRINGS = 1000
    texts = b"<si><r><t>a</t></r><r><t>b</t></r></si>" * 600
    sst = b'<sst xmlns="%s">%s</sst>' % (SST_NS, texts)
    refused("plan.xlsx", add_shared_strings(small_workbook(), sst), "more than 2000 XML elements")


def test_a_sheet_of_elements_that_are_not_cells(plan, settings):
    settings.IMPORT_MAX_CELLS = 1000
    data = replace_member(
        small_workbook(),
        "xl/worksheets/sheet1.xml",
        b'<worksheet xmlns="%s"><sheetData/>%s</worksheet>' % (SST_NS, b"<x/>" * 200_000),
    )
    refused("plan.xlsx", data, "holds more than 104000 XML elements")


def test_a_sheet_wider_than_any_table(plan):
    data = csv_file([f"column {i}" for i in range(60)], [list(range(60))])
    refused("axes.csv", data, "has 60 columns; a table of the plan has at most 50")


def test_a_row_wider_than_any_table(plan):
    data = b"number,name\n1,Eje" + b"," * 100_000 + b"x\n"
    refused("axes.csv", data, "a table of the plan has at most 50")


def test_a_csv_cell_longer_than_any_column(plan):
    data = b"number,name\n1," + b"x" * 200_000 + b"\n"
    refused("axes.csv", data, "a cell of more than 100000 characters")


def test_a_workbook_with_more_cells_than_allowed(plan, settings):
    settings.IMPORT_MAX_CELLS = 100
    book = openpyxl.Workbook()
    book.active.title = "axes"
    book.active.append(["number", "name"])
    for number in range(60):
        book.active.append([number, f"Eje {number}"])
    buffer = io.BytesIO()
    book.save(buffer)
    refused("plan.xlsx", buffer.getvalue(), "has more than 100 cells")


def test_unknown_columns_are_refused_not_ignored(plan):
    data = csv_file(["reference", "texto"], [["1.1", "Otro."]])
    refused("commitments.csv", data, "Unknown columns: texto.")


# --- The same files through the admin ---------------------------------------------------


def _admin_upload(client, data, name, fmt="1"):
    """Upload through the admin and follow to the job's status page: the check runs as a
    task, at once in tests."""
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("admin:commitments_progressreport_import"),
        {"resource": "0", "format": fmt, "import_file": upload},
        headers={"accept-language": "en"},
        follow=True,
    )


def test_the_admin_refuses_a_file_of_the_wrong_format_before_queueing_it(client_of, curator):
    client = client_of(curator)
    counts = row_counts()
    response = _admin_upload(client, b"MZ", "r.exe", "1")
    assert response.status_code == 200
    assert "the format chosen is CSV" in str(response.context["form"].errors["import_file"])
    assert row_counts() == counts


@pytest.mark.parametrize(
    ("name", "data", "fmt", "message"),
    [
        ("r.csv", "Méxíco".encode("latin-1"), "1", "is not valid UTF-8"),
        ("r.xlsx", b"PK\x03\x04garbage", "0", "This XLSX file is damaged"),
        ("r.xlsx", b"a,b\n1,2\n", "0", "not a real XLSX file"),
        ("r.json", wide_json_row(), "2", "has 100000 keys"),
        ("r.xlsx", shared_strings_bomb(), "0", "more than 500000 different texts"),
    ],
)
def test_the_admin_check_refuses_hostile_files_with_no_preview(
    client_of, curator, name, data, fmt, message
):
    client = client_of(curator)
    counts = without_jobs(row_counts())
    response = _admin_upload(client, data, name, fmt)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nothing was imported" in page
    assert "Confirm import" not in page
    job = ImportJob.objects.get()
    assert (job.state, bytes(job.data)) == (ImportJob.State.FAILED, b"")
    assert without_jobs(row_counts()) == counts


def test_the_admin_refuses_a_file_over_the_size_limit_unread(client_of, curator, settings):
    settings.IMPORT_MAX_BYTES = 500
    client = client_of(curator)
    counts = row_counts()
    response = _admin_upload(client, reports_csv(report_rows(50)), "r.csv")
    assert "files up to 500" in str(response.context["form"].errors["import_file"])
    assert row_counts() == counts


def test_the_admin_preview_of_a_bad_row_writes_nothing(client_of, curator):
    rows = report_rows(30)
    rows[20][4] = 150
    client = client_of(curator)
    counts = without_jobs(row_counts())
    response = _admin_upload(client, reports_csv(rows), "r.csv")
    page = response.content.decode()
    assert "Confirm import" not in page
    assert "A percentage runs from 0 to 100." in page
    assert without_jobs(row_counts()) == counts
