"""The dashboard's fast paths write exactly what the slower, plainer code would."""

import pytest

from areas.models import Agency, WorkArea
from commitments.models import Commitment, MemberState, ProgressReport
from commitments.services.current import current
from public.formatting import LINKED, link
from tests.progress_data import make_published_reports

pytestmark = pytest.mark.django_db


def test_every_linked_model_is_linked_where_its_own_page_is(plan):
    make_published_reports(5)
    objects = [
        Commitment.objects.get(reference="3.1.1"),
        MemberState.objects.get(iso_code="MX"),
        ProgressReport.objects.first(),
        WorkArea.objects.get(number=13),
        Agency.objects.first(),
    ]
    assert {obj._meta.label_lower for obj in objects} == set(LINKED)
    for obj in objects:
        assert link(obj) == obj.get_absolute_url()


def test_the_matrix_figures_follow_the_state_rule_cell_by_cell(plan):
    make_published_reports(400, states=["MX", "AR", "BR", "CL", "CU"])
    plan, rollup = current()
    states = plan.states
    figures = rollup.state_area_figures()
    areas = list(WorkArea.objects.all())
    assert len(figures) == len(states) * len(areas)
    for state in states:
        for area in areas:
            expected = rollup.state_group(rollup.top_level_by_area[area.id], state.id)
            assert figures[state.id, area.id] == expected
