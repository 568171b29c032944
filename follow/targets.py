"""What can be followed: the whole plan, a member state, a work area or a commitment. Each is
named by a short key ("plan", "state:AR", "area:3", "commitment:13.1"), used in the follow
page's address and stored with a subscription."""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from areas.models import WorkArea
from commitments.models import Commitment, MemberState

PLAN = "plan"
STATE = "state"
AREA = "area"
COMMITMENT = "commitment"
KINDS = (PLAN, STATE, AREA, COMMITMENT)


@dataclass(frozen=True)
class Target:
    kind: str
    obj: object = None

    @property
    def key(self):
        if self.kind == PLAN:
            return PLAN
        return f"{self.kind}:{self.value}"

    @property
    def value(self):
        return {
            STATE: lambda: self.obj.iso_code,
            AREA: lambda: str(self.obj.number),
            COMMITMENT: lambda: self.obj.reference,
        }[self.kind]()

    @property
    def label(self):
        """What is followed, in the active language."""
        if self.kind == PLAN:
            return gettext("The whole work plan")
        if self.kind == STATE:
            return gettext("Member state: %(name)s") % {"name": self.obj.local_name}
        if self.kind == AREA:
            return gettext("Work area %(number)s: %(name)s") % {
                "number": self.obj.number,
                "name": self.obj.name,
            }
        return gettext("Commitment %(reference)s") % {"reference": self.obj.reference}

    def page_path(self):
        if self.kind == PLAN:
            return reverse("public:dashboard")
        if self.kind == STATE:
            return reverse("public:state", args=[self.obj.iso_code])
        if self.kind == AREA:
            return reverse("public:area", args=[self.obj.number])
        return reverse("public:commitment", args=[self.obj.reference])

    def feed_path(self):
        """Its Atom feed of published reports."""
        if self.kind == PLAN:
            return reverse("follow:feed")
        if self.kind == STATE:
            return reverse("follow:feed-state", args=[self.obj.iso_code])
        if self.kind == AREA:
            return reverse("follow:feed-area", args=[self.obj.number])
        return reverse("follow:feed-commitment", args=[self.obj.reference])

    def calendar_path(self):
        """Its calendar of deadlines: a commitment's is its work area's."""
        if self.kind == PLAN:
            return reverse("follow:calendar")
        if self.kind == STATE:
            return reverse("follow:calendar-state", args=[self.obj.iso_code])
        number = self.obj.number if self.kind == AREA else self.obj.area.number
        return reverse("follow:calendar-area", args=[number])

    def report_filter(self):
        """The published reports this target covers, as a filter on ProgressReport; a
        commitment covers its sub-commitments' reports too."""
        if self.kind == PLAN:
            return Q()
        if self.kind == STATE:
            return Q(member_state_id=self.obj.pk)
        if self.kind == AREA:
            return Q(commitment__area_id=self.obj.pk)
        return (
            Q(commitment_id=self.obj.pk)
            | Q(commitment__parent_id=self.obj.pk)
            | Q(commitment__parent__parent_id=self.obj.pk)
        )

    def covers_milestones_of(self, commitment):
        """Whether this target's digest tells of ``commitment``'s milestones: a milestone
        belongs to a commitment, not to a member state, so a state's digest has none."""
        if self.kind == PLAN:
            return True
        if self.kind == STATE:
            return False
        if self.kind == AREA:
            return commitment.area_id == self.obj.pk
        return self.obj.pk in (commitment.pk, commitment.parent_id) or (
            commitment.parent_id is not None and commitment.parent.parent_id == self.obj.pk
        )

    def subscription_fields(self):
        return {
            "target": self.key,
            "member_state": self.obj if self.kind == STATE else None,
            "area": self.obj if self.kind == AREA else None,
            "commitment": self.obj if self.kind == COMMITMENT else None,
        }


def parse(key):
    """The Target a key names, or None when it names nothing of the plan (one query)."""
    kind, _colon, value = (key or "").partition(":")
    if kind == PLAN and not value:
        return Target(PLAN)
    if not value or len(value) > 20:
        return None
    if kind == STATE:
        obj = MemberState.objects.filter(iso_code=value.upper()).first()
    elif kind == AREA:
        obj = WorkArea.objects.filter(number=int(value)).first() if value.isdigit() else None
    elif kind == COMMITMENT:
        obj = Commitment.objects.filter(reference=value).first()
    else:
        return None
    return Target(kind, obj) if obj is not None else None


def of_subscription(subscription):
    if subscription.member_state_id:
        return Target(STATE, subscription.member_state)
    if subscription.area_id:
        return Target(AREA, subscription.area)
    if subscription.commitment_id:
        return Target(COMMITMENT, subscription.commitment)
    return Target(PLAN)


def choices(plan):
    """Every target, grouped for a select, from the plan kept in memory (no query)."""
    return [
        (PLAN, gettext("The whole work plan")),
        (
            gettext_lazy("Member states"),
            [(Target(STATE, s).key, s.local_name) for s in plan.states],
        ),
        (
            gettext_lazy("Work areas"),
            [(Target(AREA, a).key, f"{a.number}. {a.name}") for a in plan.areas],
        ),
        (
            gettext_lazy("Commitments"),
            [
                (Target(COMMITMENT, c).key, f"{c.reference} {_short(c.text)}")
                for c in sorted(plan.commitments, key=lambda c: c.reference_key)
            ],
        ),
    ]


def _short(text, length=70):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
