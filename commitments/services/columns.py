"""The columns of the open-data downloads, in order.

Column names are part of the portal's public interface (the figures page and the README
list them): add new columns at the end, never rename or reorder existing ones.
"""

COMMITMENT_COLUMNS = [
    "reference",
    "parent_reference",
    "area_number",
    "area_name",
    "axis_number",
    "responsible_agencies",
    "commitment",
    "due_date",
    "due_label",
    "scope",
    "status",
    "mean_percentage",
    "states_reported",
    "states_total",
    "sub_commitments_reported",
    "sub_commitments_total",
    "last_report_date",
    "freshness",
    "overdue",
    "url",
]

MATRIX_COLUMNS = [
    "member_state_iso",
    "member_state",
    "area_number",
    "area_name",
    "mean_percentage",
    "commitments_reported",
    "commitments_total",
]

BREAKDOWN_COLUMNS = [
    "group",
    "key",
    "name",
    "mean_percentage",
    "states_reported",
    "states_total",
    "commitments_reported",
    "commitments_total",
]

STATUS_COLUMNS = ["status", "label", "commitments"]

COMMITMENT_STATE_COLUMNS = [
    "reference",
    "member_state_iso",
    "member_state",
    "status",
    "percentage",
    "sub_commitments_reported",
    "sub_commitments_total",
    "last_report_date",
    "report_url",
    "evidence_urls",
]

REPORT_COLUMNS = [
    "report_id",
    "published_at",
    "reported_on",
    "member_state_iso",
    "member_state",
    "reference",
    "status",
    "percentage",
    "demo",
    "url",
]
