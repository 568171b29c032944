from django import forms
from django.utils.translation import gettext_lazy as _

from . import targets
from .models import Frequency


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    what = forms.ChoiceField(label=_("What to follow"))
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = targets.choices(plan)

    def clean_what(self):
        target = targets.parse(self.cleaned_data["what"])
        if target is None:
            raise forms.ValidationError(_("Choose something of the plan to follow."))
        return target


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency, widget=forms.RadioSelect)
