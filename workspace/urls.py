from django.urls import path

import celac_ppt.converters  # noqa: F401  (registers iso, ref, acronym)

from . import indicator_views, views

app_name = "workspace"

urlpatterns = [
    path("my-state/", views.home, name="home"),
    path("my-state/pending/", views.pending, name="pending"),
    path("my-state/commitments/<ref:reference>/report/", views.report_new, name="report_new"),
    path("my-state/reports/<int:pk>/", views.report, name="report"),
    path("my-state/reports/<int:pk>/submit/", views.report_submit, name="submit"),
    path("my-state/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("review/", views.review_queue, name="review"),
    path("review/reports/<int:pk>/", views.review_report, name="review_report"),
    # Indicator values, reported and reviewed like reports.
    path("my-state/indicators/", indicator_views.indicators_home, name="indicators"),
    path(
        "my-state/indicators/<int:pk>/report/",
        indicator_views.value_new,
        name="indicator_value_new",
    ),
    path(
        "my-state/indicator-values/<int:pk>/", indicator_views.value_detail, name="indicator_value"
    ),
    path(
        "my-state/indicator-evidence/<int:pk>/delete/",
        indicator_views.evidence_delete,
        name="indicator_evidence_delete",
    ),
    path(
        "indicator-evidence/<int:pk>/",
        indicator_views.evidence_download,
        name="indicator_evidence",
    ),
    path(
        "review/indicator-values/",
        indicator_views.review_queue,
        name="review_indicator_values",
    ),
    path(
        "review/indicator-values/<int:pk>/",
        indicator_views.review_value,
        name="review_indicator_value",
    ),
]
