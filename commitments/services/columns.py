"""The columns of the open-data tables, in order, each with its type and meaning.

Meanings and titles are translatable: the open-data page shows them in the reader's
language; the data package and the API's schema give them in English.

This is the one description of every table: the CSV and JSON downloads write these columns,
the data package (``/open-data/datapackage.json``) turns them into Table Schemas, the API's
serializers into fields of its OpenAPI schema, and the open-data page lists them.

Column names are part of the portal's public interface (the figures page and the README
list them): add new columns at the end, never rename or reorder existing ones.

Types are Table Schema's (https://specs.frictionlessdata.io/table-schema/): ``string``,
``integer``, ``number``, ``boolean``, ``date``, ``datetime``; ``uri`` is a string holding an
absolute address. ``required`` columns always hold a value; the others are empty (CSV) or
null (JSON) when there is none.
"""

from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from areas.plan_text import TRANSLATIONS


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple = field(default=())
    minimum: float | None = None
    maximum: float | None = None


STATUS_VALUES = ("no_reports", "not_started", "in_progress", "completed", "suspended")
REPORT_STATUS_VALUES = STATUS_VALUES[1:]
FRESHNESS_VALUES = ("green", "amber", "red")


def _percentage(name, description, required=False):
    return Column(name, "number", description, required, minimum=0, maximum=100)


def _count(name, description, required=False):
    return Column(name, "integer", description, required, minimum=0)


# The plan's texts are in Spanish, the original; each also has a column per translation,
# named with the language's suffix (``commitment_en``), empty until it is translated.
TRANSLATION_NOTE = {
    "en": _("{what}, in English: an unofficial translation of the Spanish original."),
    "pt": _("{what}, in Portuguese: an unofficial translation of the Spanish original."),
    "fr": _("{what}, in French: an unofficial translation of the Spanish original."),
}
# The member states' names in the other languages come from the Unicode CLDR.
STATE_NAME_NOTE = {
    "en": _("The member state's name, in English."),
    "pt": _("The member state's name, in Portuguese."),
    "fr": _("The member state's name, in French."),
}


def translations(name, what):
    """The columns of a plan text's translations: ``name_en``, ``name_pt``, ``name_fr``."""
    return tuple(
        Column(f"{name}_{lang}", "string", format_lazy(TRANSLATION_NOTE[lang], what=what))
        for lang in TRANSLATIONS
    )


STATE_NAMES = tuple(
    Column(f"member_state_{lang}", "string", STATE_NAME_NOTE[lang], True) for lang in TRANSLATIONS
)
AREA_NAMES = translations("area_name", _("The name of the work area"))

REFERENCE = Column(
    "reference", "string", _("The commitment's reference in the plan, e.g. 1.1 or 13.2.4."), True
)
STATE_ISO = Column(
    "member_state_iso", "string", _("The member state's ISO 3166-1 alpha-2 code, e.g. MX."), True
)
STATE_NAME = Column("member_state", "string", _("The member state's name, in Spanish."), True)
AREA_NUMBER = Column(
    "area_number", "integer", _("The number of the work area (1 to 14)."), True, minimum=1
)
AREA_NAME = Column("area_name", "string", _("The name of the work area, in Spanish."), True)

COMMITMENT = (
    REFERENCE,
    Column(
        "parent_reference",
        "string",
        _(
            "The reference of the commitment this one is a sub-commitment of (empty for a "
            "top-level commitment)."
        ),
    ),
    AREA_NUMBER,
    AREA_NAME,
    Column("axis_number", "integer", _("The number of the work area's thematic axis."), True),
    Column(
        "responsible_agencies",
        "string",
        _("The acronyms of the agencies responsible for the work area, separated by '; '."),
    ),
    Column("commitment", "string", _("The commitment's text, as the plan words it."), True),
    Column(
        "due_date", "date", _("The deadline read as a date (YYYY-MM-DD), if the plan sets one.")
    ),
    Column("due_label", "string", _("The deadline as the plan words it, if it sets one.")),
    Column(
        "scope",
        "string",
        _(
            "Whose figures the row holds: 'region' for the whole region, or a member state's ISO "
            "code for that state's own."
        ),
        True,
    ),
    Column(
        "status",
        "string",
        _(
            "The commitment's status, following its mean: no_reports, not_started, in_progress, "
            "completed or suspended."
        ),
        True,
        enum=STATUS_VALUES,
    ),
    _percentage(
        "mean_percentage",
        _(
            "The mean of the percentages reported, to one decimal; empty without reports. States "
            "that have not reported are left out, never counted as 0."
        ),
    ),
    _count("states_reported", _("How many member states reported on it."), True),
    _count(
        "states_total", _("How many member states the coverage counts (33 for the region)."), True
    ),
    _count(
        "sub_commitments_reported",
        _("For a commitment with sub-commitments: how many of them have at least one report."),
    ),
    _count("sub_commitments_total", _("For a commitment with sub-commitments: how many it has.")),
    Column("last_report_date", "date", _("The reporting date of the latest published report.")),
    Column(
        "freshness",
        "string",
        _(
            "The age of the latest report: green (up to 12 months), amber (12 to 24), red (older "
            "or none)."
        ),
        True,
        enum=FRESHNESS_VALUES,
    ),
    Column(
        "overdue",
        "boolean",
        _("Whether its deadline has passed and it is not completed."),
        True,
    ),
    Column("url", "uri", _("The commitment's public page."), True),
    *AREA_NAMES,
    *translations("commitment", _("The commitment's text")),
    *translations("due_label", _("The deadline as the plan words it")),
)

MATRIX = (
    STATE_ISO,
    STATE_NAME,
    AREA_NUMBER,
    AREA_NAME,
    _percentage(
        "mean_percentage",
        _(
            "The state's mean over the area's top-level commitments it reported on; empty when it "
            "reported on none."
        ),
    ),
    _count(
        "commitments_reported", _("How many of the area's top-level commitments it reported on.")
    ),
    _count("commitments_total", _("How many top-level commitments the area holds."), True),
    *STATE_NAMES,
    *AREA_NAMES,
)

BREAKDOWN = (
    Column(
        "group",
        "string",
        _("What the row is: a work area, a thematic axis or an agency."),
        True,
        enum=("area", "axis", "agency"),
    ),
    Column(
        "key",
        "string",
        _("The area's or axis' number, or the agency's acronym."),
        True,
    ),
    Column("name", "string", _("Its name, in Spanish."), True),
    _percentage(
        "mean_percentage",
        _("The mean of the top-level commitments it holds that have at least one report."),
    ),
    _count(
        "states_reported", _("How many member states reported on any of its commitments."), True
    ),
    _count("states_total", _("How many member states there are."), True),
    _count("commitments_reported", _("How many of its top-level commitments have a report."), True),
    _count("commitments_total", _("How many top-level commitments it holds."), True),
    *translations("name", _("Its name")),
)

STATUS = (
    Column("status", "string", _("A commitment status."), True, enum=STATUS_VALUES),
    Column("label", "string", _("The status in Spanish."), True),
    _count("commitments", _("How many commitments have that status."), True),
)

COMMITMENT_STATE = (
    REFERENCE,
    STATE_ISO,
    STATE_NAME,
    Column(
        "status",
        "string",
        _("The state's status for the commitment (no_reports when it has not reported)."),
        True,
        enum=STATUS_VALUES,
    ),
    _percentage(
        "percentage", _("The state's percentage (a mean over sub-commitments for a parent).")
    ),
    _count("sub_commitments_reported", _("For a parent: how many sub-commitments it reported on.")),
    _count("sub_commitments_total", _("For a parent: how many sub-commitments it has.")),
    Column("last_report_date", "date", _("The reporting date of its latest published report.")),
    Column("report_url", "uri", _("The public page of its current report.")),
    Column(
        "evidence_urls",
        "string",
        _("The addresses of its current report's evidence, separated by spaces."),
    ),
    *STATE_NAMES,
)

REPORT = (
    Column("report_id", "integer", _("The published report's number."), True, minimum=1),
    Column("published_at", "datetime", _("When a curator published it (ISO 8601)."), True),
    Column("reported_on", "date", _("The reporting date the member state gave."), True),
    STATE_ISO,
    STATE_NAME,
    REFERENCE,
    Column(
        "status",
        "string",
        _("The status the state reported."),
        True,
        enum=REPORT_STATUS_VALUES,
    ),
    _count("percentage", _("The percentage the state reported (0 to 100)."), True),
    Column(
        "demo", "boolean", _("Whether it is demonstration data rather than a real report."), True
    ),
    Column("url", "uri", _("The report's public page."), True),
    *STATE_NAMES,
)


MILESTONE_STATUS_VALUES = ("planned", "held", "postponed", "cancelled")

MILESTONE = (
    Column("milestone_id", "integer", _("The milestone's number."), True, minimum=1),
    REFERENCE,
    AREA_NUMBER,
    Column("title", "string", _("The event, in Spanish."), True),
    Column(
        "planned_text",
        "string",
        _("When the plan places it, as the plan words it (e.g. segundo semestre de 2020)."),
    ),
    Column(
        "planned_start",
        "date",
        _("The first day of the planned period, as read from the plan's words."),
    ),
    Column("planned_end", "date", _("The last day of the planned period.")),
    Column("actual_date", "date", _("The day it was held, once it was.")),
    Column("place", "string", _("Where it is or was held.")),
    Column(
        "status",
        "string",
        _("planned, held, postponed or cancelled."),
        True,
        enum=MILESTONE_STATUS_VALUES,
    ),
    Column("document_url", "uri", _("Its outcome document: the file's download, or the link.")),
    Column("note", "string", _("A short note by the portal's curators.")),
    Column("updated_at", "datetime", _("When its record last changed (ISO 8601)."), True),
    Column("url", "uri", _("Its commitment's public page, where its timeline is."), True),
    *translations("title", _("The event")),
    *translations("planned_text", _("When the plan places it")),
    *translations("place", _("Where it is or was held")),
)


def names(columns):
    return [column.name for column in columns]


COMMITMENT_COLUMNS = names(COMMITMENT)
MATRIX_COLUMNS = names(MATRIX)
BREAKDOWN_COLUMNS = names(BREAKDOWN)
STATUS_COLUMNS = names(STATUS)
COMMITMENT_STATE_COLUMNS = names(COMMITMENT_STATE)
REPORT_COLUMNS = names(REPORT)
MILESTONE_COLUMNS = names(MILESTONE)


@dataclass(frozen=True)
class Table:
    """An open-data table as the data package lists it.

    ``path``: its CSV's address (under the site's root). ``primary_key``: the columns that
    tell its rows apart. ``foreign_keys``: [(columns, other table's name, its columns)]; an
    empty name is the table itself.
    """

    name: str
    title: str
    description: str
    path: str
    columns: tuple
    primary_key: tuple
    foreign_keys: tuple = ()


TABLES = (
    Table(
        "commitments",
        _("Commitments"),
        _("Every commitment of the plan with its regional figures and coverage, in plan order."),
        "commitments/data.csv",
        COMMITMENT,
        ("reference",),
        ((("parent_reference",), "", ("reference",)),),
    ),
    Table(
        "state-by-area",
        _("Member states × work areas"),
        _("Each member state's own mean in each work area, one row per cell of the matrix."),
        "open-data/matrix.csv",
        MATRIX,
        ("member_state_iso", "area_number"),
    ),
    Table(
        "progress-by-area",
        _("Progress by work area"),
        _("The regional mean and coverage of each work area."),
        "open-data/progress-by-area.csv",
        BREAKDOWN,
        ("group", "key"),
    ),
    Table(
        "progress-by-axis",
        _("Progress by thematic axis"),
        _("The regional mean and coverage of each thematic axis."),
        "open-data/progress-by-axis.csv",
        BREAKDOWN,
        ("group", "key"),
    ),
    Table(
        "progress-by-agency",
        _("Progress by responsible agency"),
        _("The regional mean and coverage of the work areas each agency is responsible for."),
        "open-data/progress-by-agency.csv",
        BREAKDOWN,
        ("group", "key"),
    ),
    Table(
        "commitments-by-status",
        _("Commitments by status"),
        _("How many commitments are in each status."),
        "open-data/progress-by-status.csv",
        STATUS,
        ("status",),
    ),
    Table(
        "latest-reports",
        _("Latest published reports"),
        _("The ten most recently published progress reports."),
        "open-data/latest-reports.csv",
        REPORT,
        ("report_id",),
        ((("reference",), "commitments", ("reference",)),),
    ),
    Table(
        "milestones",
        _("Milestones"),
        _(
            "The commitments' events (meetings, forums, summits): when the plan places them, "
            "and whether they were held, postponed or cancelled."
        ),
        "open-data/milestones.csv",
        MILESTONE,
        ("milestone_id",),
        ((("reference",), "commitments", ("reference",)),),
    ),
)

# Tables with one file per commitment or member state, not in the data package as a whole:
# (name, title, address pattern, columns).
PER_ITEM_TABLES = (
    (
        "commitment-states",
        _("The member states of one commitment"),
        "commitments/{reference}/states.csv",
        COMMITMENT_STATE,
    ),
    (
        "state-commitments",
        _("One member state's commitments"),
        "states/{iso}/commitments.csv",
        COMMITMENT,
    ),
)
