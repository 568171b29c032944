"""Rules for the values that enter through the admin, the officials' forms and imports.

Each rule is stated once and used by the model field, so every way in refuses the same
values with the same message. The patterns of keys that become part of an address are
also the URL converters' (``celac_ppt.converters``): a stored value always has an address.
"""

import re
import unicodedata
import zipfile
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# --- Keys that become part of an address ---------------------------------------------

# A commitment reference: the area's number, the strategy's position and at most three
# sub-positions, e.g. 13.1.2 (ASCII digits only: no other script's digits, no sign).
REFERENCE = r"[0-9]{1,3}(?:\.[0-9]{1,3}){0,4}"

validate_reference = RegexValidator(
    regex=re.compile(rf"\A(?:{REFERENCE})\Z"),
    message=_(
        "A reference is numbers of up to three digits separated by dots, e.g. 13.1.2; "
        "no letters, spaces or other signs."
    ),
    code="invalid_reference",
)

ISO_CODE = r"[A-Z]{2}"

# The 33 member states of CELAC by their ISO 3166-1 alpha-2 codes, as the plan's fixture
# (fixtures/ppt2020.json) lists them; tests/test_values.py checks that they agree.
CELAC_MEMBERS = frozenset(
    {
        "AG", "AR", "BB", "BO", "BR", "BS", "BZ", "CL", "CO", "CR", "CU",
        "DM", "DO", "EC", "GD", "GT", "GY", "HN", "HT", "JM", "KN", "LC",
        "MX", "NI", "PA", "PE", "PY", "SR", "SV", "TT", "UY", "VC", "VE",
    }
)  # fmt: skip

_ISO_CODE_RE = re.compile(rf"\A{ISO_CODE}\Z")


def validate_member_state_code(value):
    if not (isinstance(value, str) and _ISO_CODE_RE.match(value) and value in CELAC_MEMBERS):
        raise ValidationError(
            _(
                "“%(value)s” is not the ISO code of a CELAC member state: two capital "
                "letters, e.g. MX."
            ),
            code="invalid_member_state",
            params={"value": value},
        )


# --- Reports ------------------------------------------------------------------------------


def validate_not_in_future(value):
    """A report tells what has happened: its date is today or earlier in the portal's time
    zone. A later date would make it the current state until that day has passed."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("The reporting date cannot be in the future."), code="future_reporting_date"
        )


def validate_event_held_date(value):
    """A milestone's date held tells what has happened: today or earlier."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("The date an event was held cannot be in the future."), code="future_held_date"
        )


# --- Evidence links -----------------------------------------------------------------------

_CONTROL_CATEGORIES = ("Cc", "Cf")
_web_address = URLValidator(schemes=["http", "https"])


@deconstructible
class EvidenceLinkValidator:
    """A link a reader can follow safely: http or https, no user name or password, and no
    control or invisible formatting character (a right-to-left override, a zero-width
    space…) that would make the address read as another one."""

    def __call__(self, value):
        if any(unicodedata.category(char) in _CONTROL_CATEGORIES for char in value):
            raise ValidationError(
                _(
                    "A link cannot contain control or invisible formatting characters "
                    "(such as a right-to-left mark or a zero-width space); type it again."
                ),
                code="link_control_characters",
            )
        try:
            _web_address(value)
        except ValidationError:
            raise ValidationError(
                _("“%(link)s” is not a web address (http:// or https://)."),
                code="link_not_web",
                params={"link": value},
            ) from None
        parts = urlsplit(value)
        if "@" in parts.netloc or parts.username is not None:
            raise ValidationError(
                _(
                    "A link cannot carry a user name or password (the part before “@”); "
                    "give the address without it."
                ),
                code="link_credentials",
            )

    def __eq__(self, other):
        return isinstance(other, EvidenceLinkValidator)


validate_evidence_link = EvidenceLinkValidator()


# --- Evidence files -----------------------------------------------------------------------

# The formats accepted as evidence and the extension each is stored under. Names and
# browser-declared types are not trusted: a file is what its first bytes say it is.
EVIDENCE_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
}
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Legacy Office files (doc, xls, ppt) are OLE2 compound files told apart by the name of
# their main stream, in UTF-16 in the directory.
OLE2_STREAMS = {
    "WordDocument": "application/msword",
    "Workbook": "application/vnd.ms-excel",
    "Book": "application/vnd.ms-excel",
    "PowerPoint Document": "application/vnd.ms-powerpoint",
}
OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_TYPES = {t for t in EVIDENCE_EXTENSIONS if t.startswith("application/vnd.oasis.")}


def detect_content_type(upload):
    """The evidence type of ``upload`` read from its content, or None if not accepted."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(OLE2_SIGNATURE):
        return _ole2_type(upload)
    if head.startswith(b"PK\x03\x04"):
        return _office_zip_type(upload)
    return None


def _ole2_type(upload):
    # The directory's first sector holds the root's streams; its place and the sector
    # size are in the 512-byte header.
    try:
        header = upload.read(512)
        sector_size = 1 << int.from_bytes(header[30:32], "little")
        first = int.from_bytes(header[48:52], "little")
        if sector_size not in (512, 4096) or first >= 0xFFFFFFFA:
            return None
        upload.seek((first + 1) * sector_size)
        directory = upload.read(sector_size)
    finally:
        upload.seek(0)
    for offset in range(0, len(directory) - 127, 128):
        length = int.from_bytes(directory[offset + 64 : offset + 66], "little")
        if not 2 <= length <= 64:
            continue
        name = directory[offset : offset + length - 2].decode("utf-16-le", "replace")
        if name in OLE2_STREAMS:
            return OLE2_STREAMS[name]
    return None


def _office_zip_type(upload):
    # OOXML and ODF are zip files; only the names and the tiny "mimetype" entry are read.
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in ODF_TYPES:
                    return declared
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def validate_evidence_file(upload):
    """Refuse a file over the size limit or whose content is not an accepted format."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(size)s."),
            code="evidence_too_large",
            params={"name": upload.name, "size": filesizeformat(settings.EVIDENCE_MAX_BYTES)},
        )
    if detect_content_type(upload) is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, an image or an office document."),
            code="evidence_type",
            params={"name": upload.name},
        )


def validate_evidence_upload(value):
    """The model field's check: a file already stored passed it when it was added."""
    if value and not getattr(value, "_committed", True):
        validate_evidence_file(value)


def evidence_extension(content_type):
    return EVIDENCE_EXTENSIONS.get(content_type, "bin")
