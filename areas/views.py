"""The plan seen from a work area and from a responsible agency, with progress."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, render

from commitments.services.current import current
from commitments.views import make_row

from .models import Agency, WorkArea


def area_detail(request, number):
    area = get_object_or_404(WorkArea.objects.with_plan(), number=number)
    plan, rollup = current()
    rows = [make_row(c, rollup) for c in plan.commitments if c.area_id == area.id]
    return render(
        request,
        "areas/area_detail.html",
        {
            "area": area,
            "figure": rollup.area(area.id),
            "commitment_tree": _tree(rows),
            "download_query": urlencode({"area": area.number}),
        },
    )


def agency_detail(request, acronym):
    agency = get_object_or_404(Agency.objects.prefetch_related("officials"), acronym=acronym)
    areas = list(WorkArea.objects.select_related("axis").filter(agencies=agency))
    area_ids = {area.id for area in areas}
    plan, rollup = current()
    rows = [make_row(c, rollup) for c in plan.commitments if c.area_id in area_ids]
    return render(
        request,
        "areas/agency_detail.html",
        {
            "agency": agency,
            "figure": rollup.group(rollup.top_level_of_areas(area_ids)),
            "by_area": [
                (area.number, area.name, area.get_absolute_url(), rollup.area(area.id))
                for area in areas
            ],
            "rows": rows,
            "download_query": urlencode({"agency": agency.acronym}),
        },
    )


def _tree(rows):
    """Top-level rows, each with its ``child_nodes``, from one flat list in plan order."""
    by_parent = {}
    for row in rows:
        by_parent.setdefault(row.commitment.parent_id, []).append(row)
    for row in rows:
        row.child_nodes = by_parent.get(row.commitment.id, [])
    return by_parent.get(None, [])
