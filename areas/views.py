from django.shortcuts import get_object_or_404, render

from commitments.models import Commitment

from .models import Agency, WorkArea


def area_detail(request, number):
    area = get_object_or_404(WorkArea.objects.with_plan(), number=number)
    commitments = Commitment.objects.filter(area=area).order_by("reference_key")
    return render(
        request,
        "areas/area_detail.html",
        {"area": area, "commitment_tree": _tree(commitments)},
    )


def agency_detail(request, acronym):
    agency = get_object_or_404(Agency, acronym=acronym)
    areas = WorkArea.objects.with_plan().filter(agencies=agency)
    return render(request, "areas/agency_detail.html", {"agency": agency, "areas": areas})


def _tree(commitments):
    """Top-level commitments, each with its ``child_list``, from one flat list."""
    by_parent = {}
    for commitment in commitments:
        by_parent.setdefault(commitment.parent_id, []).append(commitment)
    for commitment in commitments:
        commitment.child_list = by_parent.get(commitment.pk, [])
    return by_parent.get(None, [])
