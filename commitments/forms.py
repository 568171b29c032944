"""The form a curator fills in to return a report, from the review page or the admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The official reads this: say what to correct."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the report is returned."))
        return reason
