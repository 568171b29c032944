"""Forms of the official's workspace and the curators' review."""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    OPEN_REVIEW_STATES,
    STATUS_PERCENTAGES,
    ProgressReport,
    ReviewState,
    Status,
)
from commitments.validators import (
    detect_content_type,
    validate_evidence_file,
    validate_evidence_link,
)
from indicators import periods
from indicators.models import IndicatorValue, Kind, value_error

MAX_FILES = 10
MAX_LINKS = 10


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


class EvidenceFields(forms.Form):
    """The evidence an official adds with what they report: links, one per line, and
    files, each checked by the evidence validators. Mixed into each reporting form."""

    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    # The help text names the size limit: set in __init__, when the setting is read.
    files = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF, images (PNG, JPEG, GIF, WebP) or office documents (Word, Excel, PowerPoint, "
            "OpenDocument), up to %(size)s each."
        ) % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(_("At most %(count)d links at a time.") % {"count": MAX_LINKS})
        errors = []
        for line in lines:
            if len(line) > 500:
                errors.append(ValidationError(_("A link may have at most 500 characters.")))
                continue
            try:
                validate_evidence_link(line)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return lines

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(count)d files at a time.") % {"count": MAX_FILES})
        errors = []
        for upload in files:
            try:
                validate_evidence_file(upload)
            except ValidationError as error:
                errors.append(error)
                continue
            upload.detected_type = detect_content_type(upload)
        if errors:
            raise ValidationError(errors)
        return files


class ReportForm(EvidenceFields, forms.ModelForm):
    """An official's report. The commitment and the member state come from the URL and the
    official's account, never from the posted data."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"].strip()
        if self.submitting and not narrative:
            raise ValidationError(_("Describe the progress before submitting the report."))
        return narrative

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


class IndicatorValueForm(EvidenceFields, forms.ModelForm):
    """An official's value of an indicator for one period. The indicator and the member
    state come from the URL and the official's account, never from the posted data."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IndicatorValue
        fields = ["period", "value", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "narrative": _("Where the value comes from and what it covers. Needed to submit."),
        }

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        indicator = self.instance.indicator
        self.fields["period"].widget = forms.Select(
            choices=[("", _("Choose a period")), *periods.choices()]
        )
        value = self.fields["value"]
        if indicator.kind == Kind.YES_NO:
            value.widget = forms.Select(
                choices=[("", _("Choose")), ("1", _("Yes")), ("0", _("No"))]
            )
            if self.instance.pk and not self.is_bound:
                self.initial["value"] = str(int(self.instance.value))
        else:
            attrs = {"min": 0, "step": "any", "inputmode": "decimal"}
            if indicator.kind == Kind.PERCENTAGE:
                attrs["max"] = 100
            value.widget = forms.NumberInput(attrs=attrs)
            if indicator.unit:
                value.help_text = _("In %(unit)s.") % {"unit": indicator.unit}
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean_value(self):
        value = self.cleaned_data["value"]
        if error := value_error(self.instance.indicator.kind, value):
            raise ValidationError(error)
        return value

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"].strip()
        if self.submitting and not narrative:
            raise ValidationError(_("Say where the value comes from before submitting it."))
        return narrative

    def clean_period(self):
        period = self.cleaned_data["period"]
        instance = self.instance
        other = (
            IndicatorValue.objects.filter(
                indicator_id=instance.indicator_id,
                member_state_id=instance.member_state_id,
                period=period,
                review_state__in=OPEN_REVIEW_STATES,
            )
            .exclude(pk=instance.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                _(
                    "Your state already has a value for this period in progress: continue "
                    "in it (value %(number)s) or choose another period."
                )
                % {"number": other.pk}
            )
        return period
