"""Search across the plan's texts, the agencies, the member states and published narratives.

Accent- and case-insensitive on both databases ("oceanica" finds "oceánica"):

- **PostgreSQL**: full-text search under the ``celac_es`` configuration (the Spanish one,
  with ``unaccent`` before the Spanish stemmer; migration 0006), ranked by ``ts_rank`` with
  a weight per field (a title or plan text above a note, a note above a narrative).
- **SQLite**: every word of the query must occur in the accent-folded text, folded in the
  query by ``celac_fold`` (the same ``fold`` as here, registered on each SQLite connection).
  Folding in the query, rather than keeping a folded copy in a column or an FTS5 table,
  leaves nothing to keep in step: an import, a bulk update or an edit in the admin is found
  as soon as it is committed. SQLite serves a single process and small data, where a scan
  of the published narratives is cheap; PostgreSQL is the production database.

Plan texts, agencies and states (a few hundred rows in all) are read whole, ranked and listed
before the narratives, which may number in the hundreds of thousands and are counted and
read one page at a time: a fixed number of queries, whatever the data holds. Only published
reports are read.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from areas.models import Agency, Objective, WorkArea

from ..models import Commitment, MemberState, ProgressReport
from .current import current_plan
from .folding import fold
from .tables import with_plan_objects

# The text search configuration migration 0006 creates on PostgreSQL.
CONFIG = "celac_es"
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
# ts_rank's default weights, used for SQLite's ranking too.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
# Around the first match, how much of a long text a result shows.
EXCERPT_CHARS = 240

EMPTY = _("Type one or more words to search for.")
TOO_LONG = _("Search for at most %(limit)s characters.")
NO_WORDS = _("Search for words: letters or numbers.")


class SearchError(ValueError):
    """A query that cannot be searched for; its message says why, for the visitor."""


def terms(query):
    """The words of ``query``, folded, in order and once each; ``SearchError`` when there
    are none or it is too long. NUL bytes and punctuation separate words."""
    query = (query or "").replace("\x00", " ").strip()
    if not query:
        raise SearchError(EMPTY)
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchError(TOO_LONG % {"limit": MAX_QUERY_LENGTH})
    words = list(dict.fromkeys(re.findall(r"\w+", fold(query))))
    if not words:
        raise SearchError(NO_WORDS)
    return words[:MAX_TERMS]


@dataclass(frozen=True)
class Kind:
    """A kind of result: its model's rows and the fields searched, each with its weight."""

    name: str
    label: str
    fields: tuple
    title_field: str
    text_field: str | None = None
    order: tuple = ()


AREAS = Kind("areas", _("Work areas"), (("name", "A"), ("axis_rationale", "C")), "name")
OBJECTIVES = Kind("objectives", _("Objectives"), (("text", "B"),), "text", order=("area__number",))
COMMITMENTS = Kind(
    "commitments", _("Commitments"), (("text", "A"), ("due_label", "C")), "text", "text"
)
AGENCIES = Kind("agencies", _("Agencies"), (("acronym", "A"), ("name", "A"), ("note", "C")), "name")
STATES = Kind("states", _("Member states"), (("name", "A"),), "name")
REPORTS = Kind("reports", _("Published report narratives"), (("narrative", "D"),), "narrative")
KINDS = (COMMITMENTS, AREAS, OBJECTIVES, AGENCIES, STATES, REPORTS)


def _querysets():
    return {
        "areas": WorkArea.objects.all(),
        "objectives": Objective.objects.select_related("area"),
        "commitments": Commitment.objects.all(),
        "agencies": Agency.objects.all(),
        "states": MemberState.objects.all(),
    }


@dataclass
class Hit:
    kind: Kind
    obj: object
    rank: float
    title: str = ""
    text: str = ""


class Fold(Func):
    function = "celac_fold"
    output_field = TextField()


def _postgres():
    return connection.vendor == "postgresql"


def _matching(queryset, kind, words):
    """``queryset`` narrowed to the rows where every word occurs, annotated with ``rank``
    on PostgreSQL."""
    if _postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        if kind is REPORTS:
            # Unweighted, as the narratives' index (migration 0006) holds it: the reports
            # are ranked among themselves only.
            vector = SearchVector("narrative", config=CONFIG)
        else:
            vector = None
            for name, weight in kind.fields:
                part = SearchVector(name, weight=weight, config=CONFIG)
                vector = part if vector is None else vector + part
        query = SearchQuery(" ".join(words), config=CONFIG, search_type="plain")
        return queryset.annotate(document=vector, rank=SearchRank(F("document"), query)).filter(
            document=query
        )
    parts = []
    for name, _weight in kind.fields:
        parts += [F(name), Value(" ")]
    queryset = queryset.annotate(folded=Fold(Concat(*parts, output_field=TextField())))
    for word in words:
        queryset = queryset.filter(folded__contains=word)
    return queryset


def original(obj, name):
    """The Spanish original of ``obj.name``: what the search matches and shows (with
    ``lang="es"``), whatever the page's language; a field without translations as it is."""
    return getattr(obj, f"{name}_es", None) or getattr(obj, name)


def _score(obj, kind, words):
    """SQLite's rank: each field's weight times how often the words occur in it."""
    total = 0.0
    for name, weight in kind.fields:
        text = fold(original(obj, name) or "")
        total += WEIGHTS[weight] * sum(text.count(word) for word in words)
    return total


@dataclass
class Results:
    """What a search found: the plan's hits, ranked, then the narratives' (counted here,
    read a page at a time). A sequence for Django's ``Paginator``."""

    words: list
    plan_hits: list
    reports: object  # the queryset of matching published reports, ranked
    counts: dict = field(default_factory=dict)

    def count(self):
        return len(self.plan_hits) + self.counts["reports"]

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        hits = self.plan_hits[start:stop]
        first = max(0, start - len(self.plan_hits))
        last = stop - len(self.plan_hits)
        if last > first and self.counts["reports"] > first:
            reports = with_plan_objects(current_plan(), self.reports[first:last])
            hits += [_report_hit(report, self.words) for report in reports]
        return hits


def _report_hit(report, words):
    rank = getattr(report, "rank", None)
    return Hit(
        REPORTS,
        report,
        _score(report, REPORTS, words) if rank is None else rank,
        text=report.narrative,
    )


def search(query):
    """The results for ``query`` (``SearchError`` for one that cannot be searched)."""
    words = terms(query)
    plan_hits = []
    counts = {}
    for kind in KINDS:
        if kind is REPORTS:
            continue
        rows = list(_matching(_querysets()[kind.name], kind, words))
        counts[kind.name] = len(rows)
        for obj in rows:
            rank = obj.rank if _postgres() else _score(obj, kind, words)
            plan_hits.append(
                Hit(
                    kind,
                    obj,
                    rank,
                    title=f"{obj.acronym} — {original(obj, 'name')}"
                    if kind is AGENCIES
                    else original(obj, kind.title_field),
                    text=original(obj, kind.text_field) if kind.text_field else "",
                )
            )
    order = {kind.name: position for position, kind in enumerate(KINDS)}
    plan_hits.sort(key=lambda hit: (-hit.rank, order[hit.kind.name], hit.obj.pk))
    reports = _matching(
        ProgressReport.objects.published().only(
            "id",
            "narrative",
            "commitment",
            "member_state",
            "status",
            "percentage",
            "reported_on",
            "published_at",
        ),
        REPORTS,
        words,
    )
    ordering = ("-published_at", "-id")
    reports = reports.order_by("-rank", *ordering) if _postgres() else reports.order_by(*ordering)
    counts["reports"] = reports.count()
    return Results(words, plan_hits, reports, counts)


def highlighted(text, words, limit=None):
    """``text`` as [(piece, matched), ...], the pieces where a word occurs (accents and
    case aside) marked; with ``limit``, an excerpt of about that many characters around the
    first match. Plain text: the template escapes each piece and marks the matched ones."""
    text = text or ""
    folded, origin = [], []
    for position, char in enumerate(text):
        for folded_char in fold(char):
            folded.append(folded_char)
            origin.append(position)
    folded = "".join(folded)
    spans = []
    for word in words:
        for found in re.finditer(re.escape(word), folded):
            spans.append((origin[found.start()], origin[found.end() - 1] + 1))
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    begin, finish = 0, len(text)
    if limit and len(text) > limit:
        first = merged[0][0] if merged else 0
        begin = max(0, first - limit // 3)
        finish = min(len(text), begin + limit)
        # Whole words at the edges.
        if begin > 0:
            space = text.find(" ", begin)
            begin = space + 1 if 0 <= space < first else begin
        if finish < len(text):
            space = text.rfind(" ", begin, finish)
            finish = space if space > (merged[0][1] if merged else begin) else finish
    pieces = [] if begin == 0 else [("… ", False)]
    cursor = begin
    for start, end in merged:
        if end <= begin or start >= finish:
            continue
        start, end = max(start, begin), min(end, finish)
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < finish:
        pieces.append((text[cursor:finish], False))
    if finish < len(text):
        pieces.append((" …", False))
    return pieces


def register_sqlite_fold(sender, connection, **kwargs):
    """``connection_created`` receiver: SQLite gets ``celac_fold``, the ``fold`` above."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("celac_fold", 1, fold, deterministic=True)
