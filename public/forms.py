"""The public pages' one form: which member states to compare."""

from django import forms
from django.utils.translation import gettext_lazy as _

COMPARE_MIN, COMPARE_MAX = 2, 4


class StateCodes(forms.MultipleChoiceField):
    """ISO codes, in any case, in the order given, each once."""

    def to_python(self, value):
        codes = [code.strip().upper() for code in super().to_python(value) if code.strip()]
        return list(dict.fromkeys(codes))


class CompareForm(forms.Form):
    s = StateCodes(
        label=_("Member states to compare"),
        help_text=_("Choose two to four."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not the code of a member state."),
            "required": _("Choose two to four member states to compare."),
        },
    )

    def __init__(self, *args, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.states = {state.iso_code: state for state in states}
        self.fields["s"].choices = [(state.iso_code, state.local_name) for state in states]

    def clean_s(self):
        codes = self.cleaned_data["s"]
        if not COMPARE_MIN <= len(codes) <= COMPARE_MAX:
            raise forms.ValidationError(
                _("Choose two to four member states to compare (you chose %(count)s)."),
                params={"count": len(codes)},
            )
        return [self.states[code] for code in codes]
