"""Evidence: links and files, checked by content, kept private until the report is public."""

import html
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from reporting_helpers import LEAF, make_report

from commitments.models import Commitment, Evidence, ProgressReport, ReviewState
from commitments.services import reports as report_service

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root):
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
PLAIN_ZIP = zipped({"notes.txt": "hola"})


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_report(client, files=(), headers=None, **fields):
    data = {
        "status": "in_progress",
        "percentage": "40",
        "reported_on": "2020-06-01",
        "narrative": "Avance con evidencia.",
        "action": "save",
        "files": list(files),
        **fields,
    }
    with translation.override("en"):
        url = reverse("workspace:report_new", args=[LEAF])
    return client.post(url, data, headers=headers)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("acta.pdf", PDF, "application/pdf"),
        ("foto.png", PNG, "image/png"),
        (
            "informe.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("cifras.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("informe.odt", ODT, "application/vnd.oasis.opendocument.text"),
        # The name does not matter: the content does.
        ("sin-extension", PDF, "application/pdf"),
    ],
)
def test_accepted_files_are_stored_with_the_type_their_content_shows(
    client_of, official_mx, media_root, name, content, content_type
):
    response = post_report(client_of(official_mx), files=[upload(name, content)])
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.size) == (content_type, len(content))
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("acta.pdf", b"<html><script>alert(1)</script></html>"),
        ("informe.docx", PLAIN_ZIP),
        ("programa.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("vacio.pdf", b""),
    ],
)
def test_files_whose_content_is_not_accepted_are_refused_and_nothing_is_written(
    client_of, official_mx, media_root, name, content
):
    response = post_report(client_of(official_mx), files=[upload(name, content)])
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_one_bad_file_among_good_ones_writes_nothing(client_of, official_mx, media_root):
    response = post_report(
        client_of(official_mx),
        files=[upload("acta.pdf", PDF), upload("falso.png", b"GIF? no: plain text")],
    )
    assert response.status_code == 400
    assert "“falso.png” is not a PDF, an image or an office document." in (
        response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused(client_of, official_mx, media_root, settings):
    settings.EVIDENCE_MAX_BYTES = 40
    response = post_report(client_of(official_mx), files=[upload("acta.pdf", PDF)])
    assert response.status_code == 400
    assert "is larger than" in response.content.decode()
    assert stored_files(media_root) == []


def test_good_file_with_another_field_invalid_writes_nothing(client_of, official_mx, media_root):
    response = post_report(
        client_of(official_mx), files=[upload("acta.pdf", PDF)], reported_on="2999-01-01"
    )
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    assert stored_files(media_root) == []


def test_invalid_link_is_refused_with_a_message(client_of, official_mx):
    response = post_report(client_of(official_mx), links="https://ok.example\njavascript:alert(1)")
    assert response.status_code == 400
    assert "is not a web address" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_failure_while_storing_files_leaves_no_file_behind(official_mx, media_root, monkeypatch):
    saves = []
    original_save = Evidence.save

    def failing_save(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise IntegrityError("simulated")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Evidence, "save", failing_save)
    report = ProgressReport(
        commitment=Commitment.objects.get(reference=LEAF),
        member_state=official_mx.official_profile.member_state,
        status="in_progress",
        percentage=30,
        reported_on="2020-06-01",
    )
    files = [upload("a.pdf", PDF), upload("b.pdf", PDF)]
    with pytest.raises(IntegrityError):
        report_service.save_report(report, by=official_mx, files=files)
    assert stored_files(media_root) == []


@pytest.fixture
def draft_with_file(client_of, official_ar):
    post_report(client_of(official_ar), files=[upload("acta.pdf", PDF)])
    return Evidence.objects.get()


def download(client, evidence):
    return client.get(reverse("workspace:evidence", args=[evidence.pk]))


def test_owning_state_downloads_its_draft_evidence(client_of, official_ar, draft_with_file):
    response = download(client_of(official_ar), draft_with_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]


def test_other_state_and_the_public_cannot_download_draft_evidence(
    client_of, official_mx, draft_with_file
):
    assert download(client_of(official_mx), draft_with_file).status_code == 404
    assert download(client_of(None), draft_with_file).status_code == 404


def test_curator_downloads_unpublished_evidence(client_of, curator, draft_with_file):
    assert download(client_of(curator), draft_with_file).status_code == 200


def test_published_evidence_is_public(client_of, official_ar, curator, draft_with_file):
    report = draft_with_file.report
    report_service.submit(report, by=official_ar)
    report_service.publish(report, by=curator)
    response = download(client_of(None), draft_with_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_evidence_files_have_no_public_media_url(client, draft_with_file, settings):
    assert client.get("/" + settings.MEDIA_URL + draft_with_file.file.name).status_code == 404


def test_official_removes_evidence_of_a_draft(
    client_of, official_ar, draft_with_file, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(official_ar).post(
            reverse("workspace:evidence_delete", args=[draft_with_file.pk])
        )
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_evidence_of_a_submitted_report_cannot_be_removed(client_of, official_ar, draft_with_file):
    report_service.submit(draft_with_file.report, by=official_ar)
    response = client_of(official_ar).post(
        reverse("workspace:evidence_delete", args=[draft_with_file.pk])
    )
    assert response.status_code == 403
    assert Evidence.objects.exists()


def test_submitted_report_keeps_its_evidence_visible_to_curators(
    client_of, official_ar, curator, draft_with_file
):
    report = report_service.submit(draft_with_file.report, by=official_ar)
    assert report.review_state == ReviewState.SUBMITTED
    page = client_of(curator).get(reverse("workspace:review_report", args=[report.pk]))
    assert reverse("workspace:evidence", args=[draft_with_file.pk]) in page.content.decode()


# --- Names the portal chooses, links that cannot mislead -----------------------------------


def test_a_file_is_stored_under_a_name_the_portal_chooses_with_its_types_extension(
    client_of, official_mx, media_root
):
    response = post_report(client_of(official_mx), files=[upload("x.html", PDF)])
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    report = evidence.report
    assert re.fullmatch(rf"evidence/MX/{report.pk}/[0-9a-f]{{32}}\.pdf", evidence.file.name)
    assert evidence.title == "x.html"
    assert [path.suffix for path in stored_files(media_root)] == [".pdf"]
    download_response = download(client_of(official_mx), evidence)
    assert download_response["Content-Type"] == "application/pdf"
    assert download_response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in download_response["Content-Disposition"]
    assert "html" not in download_response["Content-Disposition"]
    assert download_response["X-Content-Type-Options"] == "nosniff"


def test_two_files_of_the_same_name_are_both_kept(client_of, official_mx, media_root):
    post_report(client_of(official_mx), files=[upload("acta.pdf", PDF), upload("acta.pdf", PNG)])
    names = sorted(path.suffix for path in stored_files(media_root))
    assert names == [".pdf", ".png"]


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("https://user:pass@example.org/", "cannot carry a user name or password"),
        ("https://user@example.org/", "cannot carry a user name or password"),
        ("https://example.org/\u202efdp.exe", "control or invisible formatting characters"),
        ("https://exa\u200bmple.org/", "control or invisible formatting characters"),
        ("https://example.org/\x07", "control or invisible formatting characters"),
        ("ftp://example.org/acta.pdf", "is not a web address (http:// or https://)"),
        ("javascript:alert(1)", "is not a web address (http:// or https://)"),
    ],
)
def test_links_that_could_mislead_are_refused_with_a_message(client_of, official_mx, link, message):
    with translation.override("en"):
        response = post_report(
            client_of(official_mx), links=link, headers={"accept-language": "en"}
        )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()


def test_the_model_refuses_the_same_links_and_files(official_mx):
    report = make_report(official_mx)
    for link in ("https://user:pass@example.org/", "https://example.org/\u202e", "ftp://e.org/"):
        with pytest.raises(ValidationError) as error:
            Evidence(report=report, url=link).full_clean()
        assert "url" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Evidence(report=report, file=upload("x.pdf", b"<html></html>")).full_clean()
    assert "file" in error.value.message_dict
    Evidence(report=report, url="https://example.org/acta.pdf").full_clean()


def ole2(stream):
    """A legacy Office file's compound-file header and first directory sector."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[30:32] = (9).to_bytes(2, "little")  # 512-byte sectors
    header[48:52] = (0).to_bytes(4, "little")  # the directory starts at sector 0
    directory = bytearray(512)
    for index, name in enumerate(["Root Entry", stream]):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = index * 128
        directory[entry : entry + len(encoded)] = encoded
        directory[entry + 64 : entry + 66] = len(encoded).to_bytes(2, "little")
    return bytes(header + directory)


@pytest.mark.parametrize(
    ("stream", "content_type", "suffix"),
    [
        ("WordDocument", "application/msword", ".doc"),
        ("Workbook", "application/vnd.ms-excel", ".xls"),
        ("PowerPoint Document", "application/vnd.ms-powerpoint", ".ppt"),
    ],
)
def test_legacy_office_files_keep_their_own_extension(
    client_of, official_mx, media_root, stream, content_type, suffix
):
    response = post_report(client_of(official_mx), files=[upload("informe.bin", ole2(stream))])
    assert response.status_code == 302
    assert Evidence.objects.get().content_type == content_type
    assert [path.suffix for path in stored_files(media_root)] == [suffix]


def test_an_installer_in_the_same_container_is_refused(client_of, official_mx, media_root):
    response = post_report(client_of(official_mx), files=[upload("a.doc", ole2("Installer"))])
    assert response.status_code == 400
    assert stored_files(media_root) == []


def test_a_file_added_in_the_admin_is_checked_and_named_the_same_way(
    admin_client, official_mx, media_root
):
    # The evidence inline is a superuser's: curators hold no permission on evidence.
    report = make_report(official_mx)
    client = admin_client
    url = reverse("admin:commitments_progressreport_change", args=[report.pk])
    form = {
        "commitment": report.commitment_id,
        "member_state": report.member_state_id,
        "status": report.status,
        "percentage": report.percentage,
        "narrative": report.narrative,
        "reported_on": report.reported_on.isoformat(),
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-0-report": report.pk,
        "evidence-0-title": "",
        "evidence-0-url": "",
    }
    refused = client.post(url, {**form, "evidence-0-file": upload("x.pdf", b"<html></html>")})
    assert refused.status_code == 200
    assert "no es un PDF, una imagen ni un documento de oficina" in html.unescape(
        refused.content.decode()
    )
    assert stored_files(media_root) == []
    accepted = client.post(url, {**form, "evidence-0-file": upload("x.html", PDF)})
    assert accepted.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))
    assert evidence.file.name.endswith(".pdf")
