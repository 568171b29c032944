from django.urls import path

import celac_ppt.converters  # noqa: F401  (registers iso, ref, acronym)

from . import views

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
]
