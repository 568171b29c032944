"""The rollup rules: how the public figures are computed from each state's current state.

Read-only and pure: a ``Rollup`` is built from the plan's commitments and the rows of
``CurrentProgress.objects.for_dashboard()`` (one row per commitment × member state that has a
published report, at most ~34 × 33), and answers every figure a public page shows in Python.
No figure ever reads the report history, so a page costs the same number of queries whatever
the number of reports.

The rules (also in the README and on the "about the figures" page):

1. The current state of a commitment for a member state is its latest *published* report
   (the ``CurrentProgress`` row). Drafts, submitted and returned reports never count.
2. A commitment without children: the mean of the percentages of the states that reported on
   it. States that have not reported are left out of the mean, never counted as 0 %; the
   coverage says how many reported.
3. A commitment with children: the mean of its children's figures, over the children that
   have at least one report. A state's report on the parent itself (there should be none:
   states report on commitments without children) is ignored.
4. A work area, a thematic axis, an agency and the region: the mean of the figures of the
   **top-level commitments** they hold, over those that have at least one report. A parent
   counts once (with the mean of its children), so every strategy of the source weighs the
   same. An agency holds the commitments of the work areas it is responsible for; an axis
   those of the work areas on that axis; the region all of them.
5. The same rules seen from one member state: the state's own percentage for a commitment
   without children, the mean over the children it reported on for a parent, and the mean
   over the top-level commitments it reported on for an area or for the whole plan.

Every figure carries its coverage: how many member states reported and, for groups, how
many of the commitments it holds have at least one report.
"""

import datetime
from collections import Counter, defaultdict
from functools import cached_property
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Status

NO_REPORTS = "no_reports"

# A commitment's status, as the public lists show it and filter on it.
STATUS_CHOICES = [
    (NO_REPORTS, _("No reports yet")),
    (Status.NOT_STARTED.value, Status.NOT_STARTED.label),
    (Status.IN_PROGRESS.value, Status.IN_PROGRESS.label),
    (Status.COMPLETED.value, Status.COMPLETED.label),
    (Status.SUSPENDED.value, Status.SUSPENDED.label),
]
STATUS_LABELS = dict(STATUS_CHOICES)

# The UN partnerships registry's rule for the age of the last published report.
FRESH = "green"
AGEING = "amber"
STALE = "red"
FRESHNESS_LABELS = {
    FRESH: _("Reported in the last 12 months"),
    AGEING: _("Last report 12 to 24 months old"),
    STALE: _("No report in the last 24 months"),
}
FRESH_MONTHS = 12
AGEING_MONTHS = 24

# A commitment is "due soon" when its deadline falls within this many days.
DUE_SOON_DAYS = 90

# A progress figure is preliminary while fewer than this share (in %) of the state ×
# commitment pairs it stands for have a published report (the figures page says so).
PRELIMINARY_BELOW = 50

# The statuses of a distribution, in the order its bar and table show them.
DISTRIBUTION_ORDER = [
    Status.COMPLETED.value,
    Status.IN_PROGRESS.value,
    Status.NOT_STARTED.value,
    Status.SUSPENDED.value,
    NO_REPORTS,
]

# The fields of a current-progress row, in CurrentProgress.objects.for_dashboard()'s order.
COMMITMENT, STATE, STATUS, PERCENTAGE, REPORTED_ON = range(5)


def months_before(day, months):
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - some day of 28 always exists


def freshness(last_reported, today):
    """Green, amber or red for the date of the latest published report (None: red)."""
    if last_reported is None:
        return STALE
    if last_reported >= months_before(today, FRESH_MONTHS):
        return FRESH
    if last_reported >= months_before(today, AGEING_MONTHS):
        return AGEING
    return STALE


def bucket(percent):
    """The colour bucket of a rounded percentage: p0 … p5, or 'none' without reports."""
    if percent is None:
        return "none"
    if percent <= 0:
        return "p0"
    if percent >= 100:
        return "p5"
    return f"p{1 + min(percent, 99) // 25}"


def status_of(mean, statuses):
    """The status of a mean: completed at 100 %, not started at 0 %, in progress between;
    suspended when every state that reported says suspended."""
    if mean is None:
        return NO_REPORTS
    if statuses and all(status == Status.SUSPENDED for status in statuses):
        return Status.SUSPENDED.value
    if mean >= 100:
        return Status.COMPLETED.value
    if mean <= 0:
        return Status.NOT_STARTED.value
    return Status.IN_PROGRESS.value


class Figure(NamedTuple):
    """A mean percentage with its coverage.

    ``states_reported``/``states_total``: member states that reported (for one state's own
    figures: 1 or 0 of 1). ``parts_reported``/``parts_total``: for a group or a parent, how
    many of the commitments it holds have at least one report (None for a single commitment
    without children). ``parts_top_level``: those commitments are top-level ones (a work
    area, an agency, an axis, the whole plan), not a parent's sub-commitments.
    """

    mean: float | None
    states_reported: int
    states_total: int
    parts_reported: int | None = None
    parts_total: int | None = None
    status: str = NO_REPORTS
    last_reported: datetime.date | None = None
    parts_top_level: bool = False

    @property
    def has_data(self):
        return self.mean is not None

    @property
    def percent(self):
        """The mean rounded to a whole percentage (None without reports)."""
        return None if self.mean is None else int(round(self.mean))

    @property
    def mean_1dp(self):
        """The mean to one decimal, for downloads (None without reports)."""
        return None if self.mean is None else round(self.mean, 1)

    @property
    def bucket(self):
        return bucket(self.percent)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


class Distribution(NamedTuple):
    """How the state × commitment pairs under a set of commitments stand: how many pairs
    are in each status, by each state's own current report (no status derived from a
    mean), and how many have no report. For one commitment without children, the 33 member
    states. ``counts``: [(status, label, count)] in DISTRIBUTION_ORDER."""

    counts: list
    total: int
    # True when each pair is one member state on one commitment (a commitment without
    # children); False for a parent, an area or the plan.
    per_state: bool

    @property
    def reported(self):
        return self.total - dict((s, c) for s, _l, c in self.counts)[NO_REPORTS]

    @property
    def coverage(self):
        """The share of pairs with a report, a whole percentage (None for no pairs)."""
        return None if not self.total else int(round(100 * self.reported / self.total))

    @property
    def preliminary(self):
        """A mean over this little of what it stands for is only a first indication."""
        return self.coverage is not None and self.coverage < PRELIMINARY_BELOW

    def count(self, status):
        return dict((s, c) for s, _l, c in self.counts)[status]


def _mean(values):
    values = [value for value in values if value is not None]
    return sum(values) / len(values) if values else None


class Rollup:
    """Every public figure, computed from the plan and the current-progress rows.

    ``commitments``: every commitment of the plan (objects with ``id``, ``parent_id``,
    ``area_id``). ``rows``: tuples (commitment id, member state id, status, percentage,
    reporting date), as ``CurrentProgress.objects.for_dashboard()`` returns them.
    ``state_ids``: the ids of the member states (the denominator of coverage).
    """

    def __init__(self, commitments, rows, state_ids, today=None):
        self.today = today or timezone.localdate()
        self.commitments = list(commitments)
        self.by_id = {commitment.id: commitment for commitment in self.commitments}
        self.state_ids = list(state_ids)
        self.states_total = len(self.state_ids)
        self.children = defaultdict(list)
        self.top_level_by_area = defaultdict(list)
        for commitment in self.commitments:
            if commitment.parent_id is None:
                self.top_level_by_area[commitment.area_id].append(commitment.id)
            else:
                self.children[commitment.parent_id].append(commitment.id)
        # commitment id -> {state id -> row}; only rows of known commitments and states.
        self.rows = defaultdict(dict)
        known_states = set(self.state_ids)
        by_id = self.by_id
        for row in rows:
            commitment_id, state_id = row[COMMITMENT], row[STATE]
            if commitment_id in by_id and state_id in known_states:
                self.rows[commitment_id][state_id] = row
        self._regional = {}
        self._by_state = {}
        self._state_area_figures = None

    # --- one commitment, the whole region -------------------------------------------------

    def leaf_rows(self, commitment_id):
        """The current rows that count for a commitment: its own without children, else its
        descendants' (a parent's own rows are ignored)."""
        kids = self.children.get(commitment_id)
        if not kids:
            return list(self.rows.get(commitment_id, {}).values())
        found = []
        for kid in kids:
            found.extend(self.leaf_rows(kid))
        return found

    def commitment(self, commitment_id):
        """The regional figure of one commitment (rules 2 and 3)."""
        if commitment_id not in self._regional:
            self._regional[commitment_id] = self._commitment(commitment_id)
        return self._regional[commitment_id]

    def _commitment(self, commitment_id):
        kids = self.children.get(commitment_id)
        below = self.leaf_rows(commitment_id)
        states = {row[STATE] for row in below}
        last = max((row[REPORTED_ON] for row in below), default=None)
        statuses = [row[STATUS] for row in below]
        if kids:
            kid_figures = [self.commitment(kid) for kid in kids]
            mean = _mean(figure.mean for figure in kid_figures)
            parts = sum(1 for figure in kid_figures if figure.has_data)
            return Figure(
                mean,
                len(states),
                self.states_total,
                parts,
                len(kids),
                status_of(mean, statuses),
                last,
            )
        mean = _mean(row[PERCENTAGE] for row in below)
        return Figure(
            mean, len(states), self.states_total, None, None, status_of(mean, statuses), last
        )

    def leaves_of(self, commitment_ids):
        """The commitments states report on (without children) under ``commitment_ids``."""
        found = []
        for cid in commitment_ids:
            kids = self.children.get(cid)
            found.extend(self.leaves_of(kids) if kids else [cid])
        return found

    @cached_property
    def leaf_ids(self):
        """Every commitment states report on, in plan order."""
        return [c.id for c in self.commitments if not self.children.get(c.id)]

    def distribution(self, commitment_ids=None, state_ids=None):
        """The statuses of every member state × reportable commitment pair under
        ``commitment_ids`` (the whole plan by default), for ``state_ids`` (all by default).

        The one place the "where is it stuck" bars count from: each pair is its state's own
        current report or "no report", so a blocked state shows even when the mean moves.
        """
        leaves = self.leaf_ids if commitment_ids is None else self.leaves_of(commitment_ids)
        states = self.state_ids if state_ids is None else list(state_ids)
        counts = Counter()
        for cid in leaves:
            rows = self.rows.get(cid, {})
            for state_id in states:
                row = rows.get(state_id)
                counts[NO_REPORTS if row is None else row[STATUS]] += 1
        return Distribution(
            [
                (status, STATUS_LABELS[status], counts.get(status, 0))
                for status in DISTRIBUTION_ORDER
            ],
            len(leaves) * len(states),
            len(leaves) == 1 and state_ids is None,
        )

    # --- one commitment, one state --------------------------------------------------------

    def for_state(self, commitment_id, state_id):
        """One member state's figure for a commitment (rule 5)."""
        key = (commitment_id, state_id)
        if key not in self._by_state:
            self._by_state[key] = self._for_state(commitment_id, state_id)
        return self._by_state[key]

    def _for_state(self, commitment_id, state_id):
        kids = self.children.get(commitment_id)
        if kids:
            kid_figures = [self.for_state(kid, state_id) for kid in kids]
            mean = _mean(figure.mean for figure in kid_figures)
            statuses = [figure.status for figure in kid_figures if figure.has_data]
            last = max((f.last_reported for f in kid_figures if f.last_reported), default=None)
            parts = sum(1 for figure in kid_figures if figure.has_data)
            return Figure(
                mean, int(mean is not None), 1, parts, len(kids), status_of(mean, statuses), last
            )
        row = self.rows.get(commitment_id, {}).get(state_id)
        if row is None:
            return Figure(None, 0, 1)
        return Figure(row[PERCENTAGE], 1, 1, None, None, row[STATUS], row[REPORTED_ON])

    def row(self, commitment_id, state_id):
        """The current-progress row itself, or None."""
        return self.rows.get(commitment_id, {}).get(state_id)

    # --- groups ---------------------------------------------------------------------------

    @cached_property
    def top_level_ids(self):
        return [c.id for c in self.commitments if c.parent_id is None]

    def top_level_of_areas(self, area_ids):
        ids = []
        for area_id in area_ids:
            ids.extend(self.top_level_by_area.get(area_id, []))
        return ids

    def group(self, top_level_ids):
        """The regional figure of a set of top-level commitments (rule 4)."""
        figures = [self.commitment(cid) for cid in top_level_ids]
        states = set()
        for cid in top_level_ids:
            states.update(row[STATE] for row in self.leaf_rows(cid))
        return Figure(
            mean=_mean(figure.mean for figure in figures),
            states_reported=len(states),
            states_total=self.states_total,
            parts_reported=sum(1 for figure in figures if figure.has_data),
            parts_total=len(figures),
            status=NO_REPORTS,
            last_reported=max((f.last_reported for f in figures if f.last_reported), default=None),
            parts_top_level=True,
        )

    def state_group(self, top_level_ids, state_id):
        """One state's figure over a set of top-level commitments (rule 5)."""
        figures = [self.for_state(cid, state_id) for cid in top_level_ids]
        mean = _mean(figure.mean for figure in figures)
        return Figure(
            mean=mean,
            states_reported=int(mean is not None),
            states_total=1,
            parts_reported=sum(1 for figure in figures if figure.has_data),
            parts_total=len(figures),
            status=NO_REPORTS,
            last_reported=max((f.last_reported for f in figures if f.last_reported), default=None),
            parts_top_level=True,
        )

    def area(self, area_id):
        return self.group(self.top_level_by_area.get(area_id, []))

    def region(self):
        return self.group(self.top_level_ids)

    def state_area(self, state_id, area_id):
        figures = self._state_area_figures
        if figures is not None and (state_id, area_id) in figures:
            return figures[state_id, area_id]
        return self.state_group(self.top_level_by_area.get(area_id, []), state_id)

    def state_area_figures(self):
        """{(state id, area id): figure} for every member state and work area (rule 5).

        The matrix asks for all of them at once; reading each top-level commitment's rows
        once here is several times cheaper than a ``state_area()`` call per cell.
        """
        if self._state_area_figures is not None:
            return self._state_area_figures
        area_of = {cid: area_id for area_id, ids in self.top_level_by_area.items() for cid in ids}
        # (state id, area id) -> [sum of percentages, top-level commitments reported, last].
        sums = {}
        for cid in self.top_level_ids:
            area_id = area_of[cid]
            if self.children.get(cid):
                reported = []
                for state_id in {row[STATE] for row in self.leaf_rows(cid)}:
                    figure = self.for_state(cid, state_id)
                    reported.append((state_id, figure.mean, figure.last_reported))
            else:
                reported = [
                    (state_id, row[PERCENTAGE], row[REPORTED_ON])
                    for state_id, row in self.rows.get(cid, {}).items()
                ]
            for state_id, value, last in reported:
                found = sums.get((state_id, area_id))
                if found is None:
                    sums[state_id, area_id] = [value, 1, last]
                    continue
                found[0] += value
                found[1] += 1
                if last is not None and (found[2] is None or last > found[2]):
                    found[2] = last
        figures = {}
        for area_id, ids in self.top_level_by_area.items():
            nothing = Figure(None, 0, 1, 0, len(ids), NO_REPORTS, None, True)
            for state_id in self.state_ids:
                found = sums.get((state_id, area_id))
                if found is None:
                    figures[state_id, area_id] = nothing
                else:
                    total, count, last = found
                    figures[state_id, area_id] = Figure(
                        total / count, 1, 1, count, len(ids), NO_REPORTS, last, True
                    )
        self._state_area_figures = figures
        return figures

    def state_overall(self, state_id):
        return self.state_group(self.top_level_ids, state_id)

    @cached_property
    def reporting_state_ids(self):
        """States with at least one current report on a commitment that counts."""
        return {row[STATE] for cid in self.top_level_ids for row in self.leaf_rows(cid)}

    # --- status, deadlines, freshness -----------------------------------------------------

    def figure(self, commitment_id, state_id=None):
        """The regional figure, or one state's when ``state_id`` is given."""
        if state_id is None:
            return self.commitment(commitment_id)
        return self.for_state(commitment_id, state_id)

    def status(self, commitment_id, state_id=None):
        return self.figure(commitment_id, state_id).status

    def status_counts(self, commitment_ids=None):
        """How many commitments are in each status, every status present (0 included)."""
        ids = self.by_id if commitment_ids is None else commitment_ids
        counts = Counter(self.status(cid) for cid in ids)
        return [(value, label, counts.get(value, 0)) for value, label in STATUS_CHOICES]

    def is_overdue(self, commitment_id, state_id=None):
        """Its deadline has passed and it is not completed."""
        due = self.by_id[commitment_id].due_date
        return (
            due is not None
            and due < self.today
            and self.status(commitment_id, state_id) != Status.COMPLETED
        )

    def is_due_soon(self, commitment_id, state_id=None):
        """Its deadline falls within the next DUE_SOON_DAYS days and it is not completed."""
        due = self.by_id[commitment_id].due_date
        return (
            due is not None
            and self.today <= due <= self.today + datetime.timedelta(days=DUE_SOON_DAYS)
            and self.status(commitment_id, state_id) != Status.COMPLETED
        )

    def freshness(self, commitment_id, state_id=None):
        return freshness(self.figure(commitment_id, state_id).last_reported, self.today)
