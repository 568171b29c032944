"""The rows of the indicators' open-data tables (``indicators.columns``) as dicts: the
downloads write them as CSV and JSON, the data package as CSV, and the API returns them.
Published values only, and each indicator × state × period's current one."""

from django.db.models import Prefetch
from django.urls import reverse

from commitments.services.current import current_plan
from commitments.services.links import absolute
from commitments.services.records import spanish, translated

from ..models import Indicator, IndicatorEvidence, IndicatorValue
from .figures import current_values, figures


def _number(value):
    """A decimal as JSON and CSV write a number (None stays None)."""
    return None if value is None else float(value)


def indicator_records(indicators=None):
    """One record per indicator (``INDICATOR_COLUMNS``), in plan order: two queries."""
    plan = current_plan()
    if indicators is None:
        indicators = list(Indicator.objects.in_plan_order())
    ids = [indicator.pk for indicator in indicators]
    found = figures(indicators, current_values(ids), len(plan.states))
    return [indicator_record(indicator, found[indicator.pk]) for indicator in indicators]


def indicator_record(indicator, figures_of):
    latest = figures_of.latest
    return {
        "indicator_id": indicator.pk,
        "reference": indicator.commitment.reference if indicator.commitment_id else None,
        "area_number": indicator.work_area.number,
        "title": spanish(indicator, "title"),
        "description": spanish(indicator, "description") or None,
        "unit": spanish(indicator, "unit") or None,
        "kind": indicator.kind,
        "aggregation": indicator.aggregation,
        "baseline_value": _number(indicator.baseline_value),
        "baseline_year": indicator.baseline_year,
        "target_value": _number(indicator.target_value),
        "target_year": indicator.target_year,
        "latest_period": latest.period if latest else None,
        "latest_regional_value": _number(latest.value) if latest else None,
        "states_reported": latest.reported if latest else 0,
        "states_total": latest.total if latest else len(current_plan().states),
        "demo": indicator.is_demo,
        "url": absolute(indicator.get_absolute_url()),
        **translated("title", indicator, "title"),
        **translated("description", indicator, "description"),
        **translated("unit", indicator, "unit"),
    }


def current_published_values():
    """The current published values with their state and evidence, in the table's order."""
    return (
        IndicatorValue.objects.current()
        .select_related("member_state")
        .prefetch_related(Prefetch("evidence", queryset=IndicatorEvidence.objects.order_by("id")))
        .order_by("indicator_id", "member_state__iso_code", "period")
    )


def evidence_url(evidence):
    """Where a published value's evidence is: its download for a file, else its link."""
    if evidence.is_file:
        return absolute(reverse("workspace:indicator_evidence", args=[evidence.pk]))
    return evidence.url


def value_record(value):
    urls = [evidence_url(item) for item in value.evidence.all()]
    return {
        "indicator_id": value.indicator_id,
        "member_state_iso": value.member_state.iso_code,
        "member_state": value.member_state.name,
        "period": value.period,
        "value": _number(value.value),
        "published_at": value.published_at,
        "evidence_urls": " ".join(urls) or None,
        "demo": value.is_demo,
    }


def value_records(values=None):
    """Records of ``values`` (by default every current published value)."""
    if values is None:
        values = current_published_values()
    return [value_record(value) for value in values]
