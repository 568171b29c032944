import django_filters
from django.utils.translation import gettext_lazy as _

from areas.models import WorkArea
from commitments.models import AWAITING_REVIEW, MemberState, ProgressReport, ReviewState


class ReviewQueueFilter(django_filters.FilterSet):
    """The curators' queue: reports awaiting review, narrowed by state, area or round."""

    member_state = django_filters.ModelChoiceFilter(
        queryset=MemberState.objects.all(), label=_("Member state"), empty_label=_("All")
    )
    area = django_filters.ModelChoiceFilter(
        field_name="commitment__area",
        queryset=WorkArea.objects.all(),
        label=_("Work area"),
        empty_label=_("All"),
    )
    review_state = django_filters.ChoiceFilter(
        choices=[(state, ReviewState(state).label) for state in AWAITING_REVIEW],
        label=_("Review state"),
        empty_label=_("All"),
    )

    class Meta:
        model = ProgressReport
        fields = ["member_state", "area", "review_state"]
