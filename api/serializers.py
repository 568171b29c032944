"""What the API returns, described for its OpenAPI schema.

The tables the open-data downloads also write (commitments, the matrix, a commitment's
member states, reports) take their fields from ``commitments.services.columns``: one
description of each column serves the CSV, the JSON download, the data package and this
schema. The views hand the serializers plain dicts built by ``commitments.services.records``.
"""

from rest_framework import serializers

from commitments.services import columns
from indicators import columns as indicator_columns

FIELD_CLASSES = {
    "string": serializers.CharField,
    "integer": serializers.IntegerField,
    "number": serializers.FloatField,
    "boolean": serializers.BooleanField,
    "date": serializers.DateField,
    "datetime": serializers.DateTimeField,
    "uri": serializers.URLField,
}


def field_for(column):
    options = {"help_text": column.description, "read_only": True}
    if not column.required:
        options["allow_null"] = True
    if column.enum:
        return serializers.ChoiceField(choices=list(column.enum), **options)
    if column.type in ("integer", "number"):
        if column.minimum is not None:
            options["min_value"] = column.minimum
        if column.maximum is not None:
            options["max_value"] = column.maximum
    return FIELD_CLASSES[column.type](**options)


def columns_serializer(name, table_columns, only=None, **extra):
    """A serializer class with a field for each column (``only``: those names, in order)."""
    by_name = {column.name: column for column in table_columns}
    chosen = [by_name[n] for n in only] if only else list(table_columns)
    fields = {column.name: field_for(column) for column in chosen}
    return type(name, (serializers.Serializer,), {**fields, **extra})


def _column(table_columns, name, **changes):
    from dataclasses import replace

    found = next(column for column in table_columns if column.name == name)
    return replace(found, **changes)


LANGUAGE_NAMES = {"en": "English", "pt": "Portuguese", "fr": "French"}


def name_translation(what, lang):
    """The field ``name_<lang>``: ``what`` in that language, null until it is translated."""
    return serializers.CharField(
        allow_null=True,
        help_text=f"{what}, in {LANGUAGE_NAMES[lang]}: an unofficial translation of the "
        "Spanish original.",
    )


def state_name(lang):
    return serializers.CharField(
        help_text=f"The member state's name, in {LANGUAGE_NAMES[lang]} (Unicode CLDR)."
    )


CommitmentSerializer = columns_serializer("Commitment", columns.COMMITMENT)
MatrixCellSerializer = columns_serializer("MatrixCell", columns.MATRIX)
CommitmentStateSerializer = columns_serializer("CommitmentState", columns.COMMITMENT_STATE)

# A group's figure: the breakdown table's columns.
Progress = columns_serializer(
    "Progress",
    columns.BREAKDOWN,
    only=[
        "mean_percentage",
        "states_reported",
        "states_total",
        "commitments_reported",
        "commitments_total",
    ],
)


MilestoneSerializer = columns_serializer("Milestone", columns.MILESTONE)


class CommitmentDetailSerializer(CommitmentSerializer):
    states = CommitmentStateSerializer(
        many=True, read_only=True, help_text="Each member state's own figure, by name."
    )
    milestones = MilestoneSerializer(
        many=True,
        read_only=True,
        help_text="Its events and its sub-commitments', in date order.",
    )


class AxisSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The thematic axis' number.")
    name = serializers.CharField(help_text="Its name, in Spanish.")
    commitments_url = serializers.URLField(help_text="Its commitments in this API.")
    progress = Progress(help_text="The regional figure of its work areas' commitments.")
    name_en = name_translation("Its name", "en")
    name_pt = name_translation("Its name", "pt")
    name_fr = name_translation("Its name", "fr")


class AgencySerializer(serializers.Serializer):
    acronym = serializers.CharField(help_text="The agency's acronym, e.g. SRE.")
    name = serializers.CharField(help_text="Its full name, in Spanish.")
    area_numbers = serializers.ListField(
        child=serializers.IntegerField(), help_text="The work areas it is responsible for."
    )
    url = serializers.URLField(help_text="Its public page.")
    progress = Progress(help_text="The regional figure of its work areas' commitments.")
    name_en = name_translation("Its full name", "en")
    name_pt = name_translation("Its full name", "pt")
    name_fr = name_translation("Its full name", "fr")


class AreaSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The work area's number (1 to 14).")
    name = serializers.CharField(help_text="Its name, in Spanish.")
    axis_number = serializers.IntegerField(help_text="Its thematic axis.")
    agencies = serializers.ListField(
        child=serializers.CharField(), help_text="The acronyms of its responsible agencies."
    )
    url = serializers.URLField(help_text="Its public page.")
    progress = Progress(help_text="The regional figure of its top-level commitments.")
    name_en = name_translation("Its name", "en")
    name_pt = name_translation("Its name", "pt")
    name_fr = name_translation("Its name", "fr")


StateAreaSerializer = columns_serializer(
    "StateArea",
    columns.MATRIX,
    only=[
        "area_number",
        "area_name",
        "mean_percentage",
        "commitments_reported",
        *(f"area_name_{lang}" for lang in LANGUAGE_NAMES),
    ],
    commitments_total=serializers.IntegerField(
        help_text="How many top-level commitments the area holds."
    ),
)


class MemberStateSerializer(serializers.Serializer):
    iso_code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, e.g. MX.")
    name = serializers.CharField(help_text="The member state's name, in Spanish.")
    url = serializers.URLField(help_text="Its public page.")
    mean_percentage = field_for(
        _column(
            columns.MATRIX,
            "mean_percentage",
            description="Its mean over the plan's top-level commitments it reported on.",
        )
    )
    commitments_reported = serializers.IntegerField(
        help_text="How many top-level commitments it reported on."
    )
    commitments_total = serializers.IntegerField(help_text="How many top-level commitments.")
    last_report_date = serializers.DateField(
        allow_null=True, help_text="The reporting date of its latest published report."
    )
    name_en = state_name("en")
    name_pt = state_name("pt")
    name_fr = state_name("fr")


class MemberStateDetailSerializer(MemberStateSerializer):
    areas = StateAreaSerializer(many=True, help_text="Its own figure in each work area.")


class EvidenceSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="What the evidence is, as the state named it.")
    kind = serializers.ChoiceField(choices=["file", "link"], help_text="A file or a link.")
    url = serializers.URLField(help_text="The file's download, or the link.")
    content_type = serializers.CharField(
        allow_null=True, help_text="A file's media type (null for a link)."
    )
    size = serializers.IntegerField(allow_null=True, help_text="A file's size in bytes.")


ReportSerializer = columns_serializer(
    "Report",
    columns.REPORT,
    narrative=serializers.CharField(help_text="The state's account of its progress."),
    evidence=EvidenceSerializer(many=True, help_text="The evidence attached to the report."),
)


class HistoryMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="The month, as YYYY-MM.")
    mean_percentage = serializers.FloatField(
        allow_null=True,
        help_text="The whole plan's progress as of the last day of the month, to one decimal: "
        "the figure the portal would have shown with the reports published whose reporting "
        "date falls on or before that day (null without any).",
    )
    states_reported = serializers.IntegerField(
        help_text="Member states with a report counted in that figure."
    )
    states_total = serializers.IntegerField(help_text="Member states.")
    commitments_reported = serializers.IntegerField(
        help_text="Top-level commitments with at least one report counted in that figure."
    )
    commitments_total = serializers.IntegerField(help_text="Top-level commitments.")
    pairs_reported = serializers.IntegerField(
        help_text="Commitment × member state pairs (commitments without sub-commitments) with "
        "a report counted in that figure."
    )
    pairs_total = serializers.IntegerField(help_text="Commitment × member state pairs.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong.")


class FilterErrorSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For each query parameter that is not valid, what is wrong with it.",
    )


# --- indicators ----------------------------------------------------------------------------

IndicatorSerializer = columns_serializer("Indicator", indicator_columns.INDICATOR)
IndicatorValueSerializer = columns_serializer("IndicatorValue", indicator_columns.INDICATOR_VALUE)


class RegionalValueSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="A year (2020) or a semester (2020-S1, 2020-S2).")
    value = serializers.FloatField(
        allow_null=True, help_text="The region's value for the period (the indicator's rule)."
    )
    states_reported = serializers.IntegerField(
        help_text="How many member states published a value for the period."
    )
    states_total = serializers.IntegerField(help_text="How many member states there are.")


class StateLatestValueSerializer(serializers.Serializer):
    member_state_iso = serializers.CharField(help_text="The member state's ISO code.")
    member_state = serializers.CharField(help_text="Its name, in Spanish.")
    period = serializers.CharField(help_text="The latest period it published a value for.")
    value = serializers.FloatField(help_text="Its value for that period.")


class IndicatorDetailSerializer(IndicatorSerializer):
    series = RegionalValueSerializer(
        many=True, read_only=True, help_text="The region's value for each period, oldest first."
    )
    states = StateLatestValueSerializer(
        many=True,
        read_only=True,
        help_text="Each member state with a published value: its latest, by name.",
    )
