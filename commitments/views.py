from django.http import Http404
from django.shortcuts import get_object_or_404, render

from areas.models import WorkArea

from .models import Commitment, MemberState, ProgressReport


def dashboard(request):
    areas = WorkArea.objects.with_plan()
    return render(request, "commitments/dashboard.html", {"areas": areas})


def commitment_list(request):
    commitments = Commitment.objects.in_plan_order()
    return render(request, "commitments/commitment_list.html", {"commitments": commitments})


def commitment_detail(request, reference):
    commitment = get_object_or_404(Commitment.objects.select_related("area"), reference=reference)
    return render(request, "commitments/commitment_detail.html", {"commitment": commitment})


def state_detail(request, iso_code):
    state = get_object_or_404(MemberState, iso_code=iso_code.upper())
    return render(request, "commitments/state_detail.html", {"state": state})


def report_detail(request, pk):
    report = get_object_or_404(ProgressReport.objects.published(), pk=pk)
    if not report.is_published:
        raise Http404
    return render(request, "commitments/report_detail.html", {"report": report})
