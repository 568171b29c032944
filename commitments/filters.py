"""The public commitment list's filters: every one lives in the URL, so a view is a link."""

import datetime

import django_filters
from django import forms
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from areas.models import Agency, ThematicAxis, WorkArea
from areas.plan_text import LANGUAGES

from .models import Commitment, MemberState
from .services.current import current_plan
from .services.folding import fold
from .services.progress import STATUS_CHOICES

# The plan the texts below were folded from, and {commitment id: (reference, folded texts)}:
# folded once for each plan a process reads, not on every search.
_searchable = (None, {})


def searchable_texts(plan):
    """{commitment id: (its reference, its text, deadline and parent's text in every
    language, folded)} for ``plan``, kept until the plan changes."""
    global _searchable
    kept_plan, texts = _searchable
    if kept_plan is not plan:
        texts = {}
        for commitment in plan.commitments:
            parent = plan.commitment_by_id.get(commitment.parent_id)
            parts = []
            for lang in LANGUAGES:
                parts += [
                    getattr(commitment, f"text_{lang}"),
                    getattr(commitment, f"due_label_{lang}"),
                ]
                if parent is not None:
                    parts.append(getattr(parent, f"text_{lang}"))
            texts[commitment.pk] = (commitment.reference, fold(" ".join(p for p in parts if p)))
        _searchable = (plan, texts)
    return texts


# value: (label, key function over a list row, descending?). Rows without a value go last.
SORT_CHOICES = [
    ("plan", _("Plan order")),
    ("-progress", _("Most progress first")),
    ("progress", _("Least progress first")),
    ("-coverage", _("Most states reported first")),
    ("due", _("Earliest deadline first")),
    ("-due", _("Latest deadline first")),
    ("-last_report", _("Most recent report first")),
]


class _StatesByLocalName(forms.models.ModelChoiceIterator):
    """The state choices sorted by their names in the reader's language."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for state in MemberState.by_local_name(self.queryset):
            yield self.choice(state)

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class DateInput(forms.DateInput):
    """A browser's date picker (``<input type="date">``) that never writes a value it cannot
    hold: HTML allows only a date as YYYY-MM-DD there, so what the visitor typed in the
    address ("banana") is left out, and the field's error says why."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value).isoformat()
            except ValueError:
                return None
        return super().format_value(value)


class QuickSelect(forms.Select):
    """Django's ``<select>``, written by one Jinja2 template (jinja2/includes/select.html).

    Django's own templates include a template for each option: the filters offer about
    ninety options, and those includes took a third of the commitment list's rendering.
    """

    template_name = "includes/select.html"

    def render(self, name, value, attrs=None, renderer=None):
        template = get_template(self.template_name, using="jinja2")
        return mark_safe(template.render(self.get_context(name, value, attrs)))  # noqa: S308


class CommitmentFilter(django_filters.FilterSet):
    """Filters of the commitment list and of its CSV/JSON downloads.

    ``rollup`` (a ``commitments.services.progress.Rollup``) answers the filters on computed
    values: status and overdue. ``state`` does not remove rows: it switches the figures, the
    status and the overdue test to that member state's own.
    """

    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        help_text=_("Words of the commitment, its reference (e.g. 13.1.2) or its deadline."),
    )
    area = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Work area"),
        queryset=WorkArea.objects.order_by("number"),
        to_field_name="number",
        field_name="area",
        empty_label=_("All work areas"),
    )
    axis = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Thematic axis"),
        queryset=ThematicAxis.objects.order_by("number"),
        to_field_name="number",
        field_name="area__axis",
        empty_label=_("All thematic axes"),
    )
    agency = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Responsible agency"),
        queryset=Agency.objects.order_by("acronym"),
        to_field_name="acronym",
        field_name="area__agencies",
        empty_label=_("All agencies"),
    )
    state = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Member state"),
        queryset=MemberState.objects.order_by("name"),
        to_field_name="iso_code",
        method="filter_state",
        empty_label=_("The whole region"),
        help_text=_("Show that state’s own status and percentage."),
    )
    status = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("Status"),
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=_("Any status"),
    )
    due_after = django_filters.DateFilter(
        label=_("Due on or after"),
        field_name="due_date",
        lookup_expr="gte",
        widget=DateInput,
        help_text=_("A date as YYYY-MM-DD."),
    )
    due_before = django_filters.DateFilter(
        label=_("Due on or before"),
        field_name="due_date",
        lookup_expr="lte",
        widget=DateInput,
        help_text=_("A date as YYYY-MM-DD."),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="keep_all",
        empty_label=None,
    )

    class Meta:
        model = Commitment
        fields = []

    def __init__(self, data=None, *args, rollup, **kwargs):
        self.rollup = rollup
        super().__init__(data, *args, **kwargs)
        self.form.fields["q"].widget.input_type = "search"
        # The states by their names in the reader's language.
        states = self.form.fields["state"]
        states.label_from_instance = lambda state: state.local_name
        states.iterator = _StatesByLocalName
        states.queryset = states.queryset.all()  # gives the widget the sorted choices

    def cleaned(self, name, default=None):
        """A filter's valid value (invalid and absent values: ``default``)."""
        if not self.is_bound:
            return default
        self.form.errors  # noqa: B018 - validates the form once, filling cleaned_data
        return self.form.cleaned_data.get(name) or default

    @property
    def selected_state(self):
        return self.cleaned("state")

    @property
    def sort_key(self):
        return self.cleaned("sort", "plan")

    def filter_text(self, queryset, name, value):
        """Each word in the commitment's text, its deadline or its parent's text, in any of
        the plan's languages (a reader may search the Spanish original from any page), or
        the start of its reference; accents and case aside ("oceanica" finds "oceánica"),
        as the site's search compares them."""
        words = fold(value).split()
        texts = searchable_texts(current_plan())
        return queryset.filter(
            pk__in=[
                pk
                for pk, (reference, text) in texts.items()
                if all(reference.startswith(word) or word in text for word in words)
            ]
        )

    def filter_state(self, queryset, name, value):
        return queryset

    def keep_all(self, queryset, name, value):
        return queryset

    def _state_id(self):
        state = self.selected_state
        return state.id if state else None

    def filter_status(self, queryset, name, value):
        state_id = self._state_id()
        ids = [cid for cid in self.rollup.by_id if self.rollup.status(cid, state_id) == value]
        return queryset.filter(pk__in=ids)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        state_id = self._state_id()
        ids = [cid for cid in self.rollup.by_id if self.rollup.is_overdue(cid, state_id)]
        return queryset.filter(pk__in=ids)


class ChangesFilter(forms.Form):
    """The filters of the "what changed" page: a member state (ISO code) and a work area
    (number), from the plan the page already holds, so they cost no query. A value that is
    not one of the plan's is an error, shown, and that filter is ignored. The states are
    named in the reader's language, the work areas in the plan's version in it."""

    state = forms.ChoiceField(label=_("Member state"), required=False, widget=QuickSelect)
    area = forms.ChoiceField(label=_("Work area"), required=False, widget=QuickSelect)

    def __init__(self, data, *, plan):
        super().__init__(data)
        self.plan = plan
        # The states by their names in the reader's language, as the commitment list's.
        self.fields["state"].choices = [("", _("All member states"))] + [
            (state.iso_code, state.local_name) for state in MemberState.by_local_name(plan.states)
        ]
        self.fields["area"].choices = [("", _("All work areas"))] + [
            (str(area.number), f"{area.number}. {area.name}") for area in plan.areas
        ]

    def selected(self):
        """(member state or None, work area or None): the valid filters."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        data = self.cleaned_data
        state = next((s for s in self.plan.states if s.iso_code == data.get("state")), None)
        area = next((a for a in self.plan.areas if str(a.number) == data.get("area")), None)
        return state, area
