"""The open-data tables of indicators, described as ``commitments.services.columns``
describes the others (whose ``Column`` and ``Table`` they use), and the data package's whole
list of tables.

``commitments`` lies below ``indicators`` and cannot name these tables, so the package's
list (``PACKAGE_TABLES``) is made here: the commitments' tables, then the indicators'. The
data package, its zip and the open-data page read ``PACKAGE_TABLES``; the API's indicator
serializers read these columns.
"""

from django.utils.translation import gettext_lazy as _

from commitments.services.columns import (
    AREA_NUMBER,
    STATE_ISO,
    STATE_NAME,
    TABLES,
    Column,
    Table,
    names,
    translations,
)

from .models import Aggregation, Kind

INDICATOR_ID = Column("indicator_id", "integer", _("The indicator's number."), True, minimum=1)

INDICATOR = (
    INDICATOR_ID,
    Column(
        "reference",
        "string",
        _("The reference of the commitment it measures (empty for a work area's indicator)."),
    ),
    AREA_NUMBER,
    Column("title", "string", _("The indicator's title, in Spanish."), True),
    Column("description", "string", _("What it measures and how, in Spanish.")),
    Column("unit", "string", _("What its values count, in Spanish.")),
    Column(
        "kind",
        "string",
        _("number, percentage (0 to 100) or yes_no (1 yes, 0 no)."),
        True,
        enum=tuple(Kind.values),
    ),
    Column(
        "aggregation",
        "string",
        _(
            "How the states' values of a period make the region's: sum, mean, or count_yes "
            "(the states answering yes)."
        ),
        True,
        enum=tuple(Aggregation.values),
    ),
    Column("baseline_value", "number", _("The region's baseline.")),
    Column("baseline_year", "integer", _("The year of the baseline.")),
    Column("target_value", "number", _("The region's target.")),
    Column("target_year", "integer", _("The year the target is set for.")),
    Column(
        "latest_period",
        "string",
        _("The latest period any state published a value for: a year (2020) or a semester."),
    ),
    Column("latest_regional_value", "number", _("The region's value for that period.")),
    Column(
        "states_reported",
        "integer",
        _("How many member states published a value for that period."),
        True,
        minimum=0,
    ),
    Column("states_total", "integer", _("How many member states there are (33)."), True),
    Column(
        "demo", "boolean", _("Whether it is demonstration data rather than a real indicator."), True
    ),
    Column("url", "uri", _("The indicator's public page."), True),
    *translations("title", _("The indicator's title")),
    *translations("description", _("What it measures and how")),
    *translations("unit", _("What its values count")),
)

INDICATOR_VALUE = (
    INDICATOR_ID,
    STATE_ISO,
    STATE_NAME,
    Column(
        "period",
        "string",
        _("The period of the value: a year (2020) or a semester (2020-S1, 2020-S2)."),
        True,
    ),
    Column("value", "number", _("The value the state reported (yes/no: 1 or 0)."), True),
    Column("published_at", "datetime", _("When a curator published it (ISO 8601)."), True),
    Column(
        "evidence_urls",
        "string",
        _("The addresses of the value's evidence, separated by spaces."),
    ),
    Column(
        "demo", "boolean", _("Whether it is demonstration data rather than a real value."), True
    ),
)

INDICATOR_COLUMNS = names(INDICATOR)
INDICATOR_VALUE_COLUMNS = names(INDICATOR_VALUE)

INDICATOR_TABLES = (
    Table(
        "indicators",
        _("Indicators"),
        _(
            "Every indicator with its baseline, its target and the region's value for the "
            "latest period, with its coverage."
        ),
        "open-data/indicators.csv",
        INDICATOR,
        ("indicator_id",),
        ((("reference",), "commitments", ("reference",)),),
    ),
    Table(
        "indicator-values",
        _("Indicator values"),
        _(
            "Each member state's published value of each indicator for each period (the "
            "current one, when a value was corrected)."
        ),
        "open-data/indicator-values.csv",
        INDICATOR_VALUE,
        ("indicator_id", "member_state_iso", "period"),
        ((("indicator_id",), "indicators", ("indicator_id",)),),
    ),
)

# Every table of the open-data package, in order.
PACKAGE_TABLES = (*TABLES, *INDICATOR_TABLES)
