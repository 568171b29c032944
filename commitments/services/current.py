"""The plan and its figures as the public pages read them: kept per process until they change.

Every public page needs the whole plan (thematic axes, work areas with their agencies,
commitments, member states) and the figures rolled up from every current-progress row. The
plan changes when curators edit it, the figures when a report is published; pages are
rendered far more often, and for many more addresses (each filter, page and language), than
either changes. So each process keeps the last plan and ``Rollup`` it built together with
the ``DataVersion`` tokens they were built under, and builds them again only when a token
differs. Every change to those rows replaces its token in the same transaction
(``data_changed``, connected to the models' signals; bulk writers call ``DataVersion.bump``), so a
page reads the two tokens, one query, and gets exactly what the database holds now, on
every app server.

A process may keep data newer than its tokens (it read the tokens, then the rows after a
change committed), never older: the next page sees the new token and builds again.

The objects kept are shared by every page the process serves: read them, never change them.
"""

import contextlib
import threading
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from areas.models import ThematicAxis, WorkArea

from ..models import Commitment, CurrentProgress, DataVersion, MemberState, ReviewState
from .progress import Rollup

# The many-to-many tables of the plan, by label.
THROUGH = {
    WorkArea.agencies.through._meta.label: WorkArea.agencies.through,
    WorkArea.officials.through._meta.label: WorkArea.officials.through,
}
# Which token each model's rows change: every row a public page or download shows.
TOKEN_OF = {
    "areas.ThematicAxis": DataVersion.PLAN,
    "areas.Agency": DataVersion.PLAN,
    "areas.Official": DataVersion.PLAN,
    "areas.WorkArea": DataVersion.PLAN,
    "areas.Objective": DataVersion.PLAN,
    "commitments.Commitment": DataVersion.PLAN,
    "commitments.MemberState": DataVersion.PLAN,
    # Curated like the plan, and as rarely changed.
    "commitments.Milestone": DataVersion.PLAN,
    "commitments.ProgressReport": DataVersion.PROGRESS,
    "commitments.Evidence": DataVersion.PROGRESS,
    "commitments.CurrentProgress": DataVersion.PROGRESS,
    **{label: DataVersion.PLAN for label in THROUGH},
}
# Reports and evidence are public only once published: saving a draft changes no page.
VISIBLE_WHEN_PUBLISHED = {"commitments.ProgressReport", "commitments.Evidence"}


@dataclass(frozen=True)
class Plan:
    """The plan, read in four queries.

    ``commitments``: every commitment in plan order, with its work area and axis.
    ``states``: the member states by name. ``areas``: the work areas by number, with their
    axis and agencies. ``axes``: by number. ``agencies_by_area``: {area id: [agency, ...]}
    by acronym. ``commitment_by_id``, ``state_by_id``: the same commitments and states.
    """

    commitments: list
    states: list
    areas: list
    axes: list
    agencies_by_area: dict
    commitment_by_id: dict
    state_by_id: dict

    @classmethod
    def read(cls):
        # Four queries, and no joins: each commitment gets the very area object the areas
        # list holds, and each area the very axis object of the axes list.
        axes = list(ThematicAxis.objects.order_by("number"))
        axis_by_id = {axis.id: axis for axis in axes}
        areas = list(WorkArea.objects.order_by("number").prefetch_related("agencies"))
        agencies_by_area = {}
        for area in areas:
            area.axis = axis_by_id[area.axis_id]
            agencies_by_area[area.id] = sorted(area.agencies.all(), key=lambda a: a.acronym)
        area_by_id = {area.id: area for area in areas}
        commitments = list(Commitment.objects.order_by("reference_key"))
        for commitment in commitments:
            commitment.area = area_by_id[commitment.area_id]
        states = list(MemberState.objects.order_by("name"))
        return cls(
            commitments=commitments,
            states=states,
            areas=areas,
            axes=axes,
            agencies_by_area={key: value for key, value in agencies_by_area.items() if value},
            commitment_by_id={commitment.id: commitment for commitment in commitments},
            state_by_id={state.id: state for state in states},
        )


_kept = threading.local()
# The tokens the request being served has read already (``tokens_read``), if any.
_tokens_of_request = ContextVar("tokens_of_request", default=None)


def _keeping():
    return getattr(settings, "KEEP_PUBLIC_FIGURES", True)


@contextlib.contextmanager
def tokens_read(tokens):
    """Within the block, ``current`` and ``current_plan`` take ``tokens`` as what the
    database holds rather than reading them again: a public page reads them once, for its
    ETag, and builds its figures under the very tokens its tag names."""
    reset = _tokens_of_request.set(tokens)
    try:
        yield
    finally:
        _tokens_of_request.reset(reset)


def _tokens():
    if not _keeping():
        return {}
    tokens = _tokens_of_request.get()
    return DataVersion.read() if tokens is None else tokens


def current_plan():
    """The plan as the database holds it now: one query when this process has it already
    (none inside ``tokens_read``)."""
    return _plan(_tokens())


def current():
    """(plan, rollup) as the database holds them now.

    One query when this process built both under the current tokens; the plan's four and
    the current-progress rows' one when they changed. The rollup is also built again each
    new day, as its deadlines and freshness depend on the date.
    """
    tokens = _tokens()
    plan = _plan(tokens)
    today = timezone.localdate()
    key = (tokens.get(DataVersion.PLAN), tokens.get(DataVersion.PROGRESS), today)
    kept = getattr(_kept, "rollup", None)
    if None not in key and kept is not None and kept[0] == key:
        return plan, kept[1]
    rollup = Rollup(
        plan.commitments,
        CurrentProgress.objects.for_dashboard(),
        [state.id for state in plan.states],
        today=today,
    )
    _kept.rollup = (key, rollup) if None not in key else None
    return plan, rollup


def _plan(tokens):
    token = tokens.get(DataVersion.PLAN)
    kept = getattr(_kept, "plan", None)
    if token is not None and kept is not None and kept[0] == token:
        return kept[1]
    plan = Plan.read()
    # Without a token (a database emptied by hand) nothing is kept: every page reads.
    _kept.plan = (token, plan) if token is not None else None
    return plan


def forget():
    """Drop what this thread keeps: its next page reads and computes everything."""
    _kept.plan = _kept.rollup = None


def data_changed(sender, instance=None, **kwargs):
    """Signal receiver: give the sender's kind of data a new token, in the transaction that
    changed it. Bulk writers that send no signals call ``DataVersion.bump`` themselves."""
    label = sender._meta.label
    if label in VISIBLE_WHEN_PUBLISHED and not _published(label, instance):
        return  # a draft or a report under review: nothing the public sees changed
    DataVersion.bump(TOKEN_OF[label])


def _published(label, instance):
    if instance is None:
        return True
    report = instance if label == "commitments.ProgressReport" else instance.report
    return report.review_state == ReviewState.PUBLISHED


def connect_signals():
    for label in TOKEN_OF:
        model = THROUGH.get(label) or apps.get_model(label)
        uid = f"data-version:{label}"
        post_save.connect(data_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(data_changed, sender=model, dispatch_uid=uid + ":delete")
    for label, through in THROUGH.items():
        m2m_changed.connect(data_changed, sender=through, dispatch_uid=f"data-version:{label}")
