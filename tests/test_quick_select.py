"""The filters' selects, written by one Jinja2 template, say exactly what Django's own templates
write."""

import re

import pytest
from django import forms
from django.http import QueryDict

from commitments.filters import CommitmentFilter, QuickSelect
from commitments.models import Commitment
from commitments.services.current import current


def squeeze(html):
    return re.sub(r"\s+", " ", str(html))


@pytest.mark.parametrize(
    "query", ["", "area=3&status=in_progress&sort=-progress", "state=MX&agency=SRE&axis=9"]
)
def test_each_select_writes_what_djangos_select_writes(plan, query):
    _plan, rollup = current()
    filterset = CommitmentFilter(
        QueryDict(query) or None, queryset=Commitment.objects.all(), rollup=rollup
    )
    selects = [field for field in filterset.form if isinstance(field.field.widget, QuickSelect)]
    assert [field.name for field in selects] == [
        "area",
        "axis",
        "agency",
        "state",
        "status",
        "sort",
    ]
    for field in selects:
        quick = str(field)
        field.field.widget = forms.Select(choices=field.field.widget.choices)
        assert squeeze(quick) == squeeze(field), field.name
        assert quick.count("<option") == len(field.field.widget.choices)
