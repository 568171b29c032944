"""Forms of the official's workspace and the curators' review."""

import json
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import STATUS_PERCENTAGES, ProgressReport, ReviewState, Status

MAX_FILES = 10
MAX_LINKS = 10

# Leading bytes of the formats accepted as evidence. Names and browser-declared types are
# not trusted: a file is what its first bytes say it is.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    # Legacy Office (doc, xls, ppt) share the OLE2 compound-file header.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
]
OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_PREFIX = "application/vnd.oasis.opendocument."


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
    if head.startswith(b"PK\x03\x04"):
        return _office_zip_type(upload)
    return None


def _office_zip_type(upload):
    # OOXML and ODF are zip files; only the names and the tiny "mimetype" entry are read.
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared.startswith(ODF_PREFIX):
                    return declared
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class StatusSelect(forms.Select):
    """Carries each status's percentages for the progressive pre-fill script."""

    def __init__(self, attrs=None, choices=()):
        ranges = {str(status): list(values) for status, values in STATUS_PERCENTAGES.items()}
        attrs = {"data-percentages": json.dumps(ranges), **(attrs or {})}
        super().__init__(attrs, choices)


class ReportForm(forms.ModelForm):
    """An official's report. The commitment and the member state come from the URL and the
    official's account, never from the posted data."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    # The help text names the size limit: set in __init__, when the setting is read.
    files = MultipleFileField(label=_("Evidence files"), required=False)

    class Meta:
        model = ProgressReport
        fields = ["status", "percentage", "reported_on", "narrative"]
        widgets = {
            "status": StatusSelect,
            "percentage": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "reported_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "narrative": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "percentage": _(
                "Pre-filled from the status; refine it within the status's range. "
                "Left empty, the status's usual value is used."
            ),
            "narrative": _("What was done, by whom, and what remains. Needed to submit."),
        }

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["status"].choices = [("", _("Choose a status")), *Status.choices]
        self.fields["percentage"].required = False
        self.fields["files"].help_text = _(
            "PDF, images (PNG, JPEG, GIF, WebP) or office documents (Word, Excel, PowerPoint, "
            "OpenDocument), up to %(size)s each."
        ) % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean_reported_on(self):
        reported_on = self.cleaned_data["reported_on"]
        if reported_on and reported_on > timezone.localdate():
            raise ValidationError(_("The reporting date cannot be in the future."))
        return reported_on

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"].strip()
        if self.submitting and not narrative:
            raise ValidationError(_("Describe the progress before submitting the report."))
        return narrative

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(_("At most %(count)d links at a time.") % {"count": MAX_LINKS})
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            if len(line) > 500:
                raise ValidationError(_("A link may have at most 500 characters."))
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("“%(link)s” is not a web address (http:// or https://).") % {"link": line}
                ) from None
        return lines

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(count)d files at a time.") % {"count": MAX_FILES})
        errors = []
        for upload in files:
            if upload.size > settings.EVIDENCE_MAX_BYTES:
                errors.append(
                    _("“%(name)s” is larger than %(size)s.")
                    % {"name": upload.name, "size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
                )
                continue
            content_type = detect_content_type(upload)
            if content_type is None:
                errors.append(
                    _("“%(name)s” is not a PDF, an image or an office document.")
                    % {"name": upload.name}
                )
            upload.detected_type = content_type
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        percentage = cleaned.get("percentage")
        if status:
            status = Status(status)
            if percentage is None and "percentage" not in self.errors:
                cleaned["percentage"] = status.default_percentage
            elif percentage is not None and (error := status.percentage_error(percentage)):
                self.add_error("percentage", error)
        return cleaned


class BulkReviewForm(forms.Form):
    ACTIONS = [("publish", _("Publish")), ("return", _("Return"))]

    # Any report that has been in the queue: one published or returned by someone else
    # since the page was loaded is left as it was, with the reason, not refused with the
    # whole selection. A draft never was in the queue.
    reports = forms.ModelMultipleChoiceField(
        queryset=ProgressReport.objects.exclude(review_state=ReviewState.DRAFT),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one report.")},
    )
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(
        label=_("Reason for return"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the reports are returned."))
        # The version of each report the page showed ("version-<id>"): one saved since is
        # left as it was.
        cleaned["versions"] = {
            report.pk: int(version)
            for report in cleaned.get("reports", ())
            if (version := self.data.get(f"version-{report.pk}", "")).isdigit()
        }
        return cleaned
