"""The API's addresses, under /api/ (no language prefix). Served as public pages
(``celac_ppt.urls``): ETag, 304, compression and the page cache."""

from django.urls import path, re_path

from . import docs, views

app_name = "api"

urlpatterns = [
    path("v1/", views.Root.as_view(), name="root"),
    path("v1/axes/", views.AxisList.as_view(), name="axes"),
    path("v1/axes/<int:number>/", views.AxisDetail.as_view(), name="axis"),
    path("v1/areas/", views.AreaList.as_view(), name="areas"),
    path("v1/areas/<int:number>/", views.AreaDetail.as_view(), name="area"),
    path("v1/agencies/", views.AgencyList.as_view(), name="agencies"),
    path("v1/agencies/<str:acronym>/", views.AgencyDetail.as_view(), name="agency"),
    path("v1/commitments/", views.CommitmentList.as_view(), name="commitments"),
    path("v1/commitments/<str:reference>/", views.CommitmentDetail.as_view(), name="commitment"),
    path("v1/states/", views.StateList.as_view(), name="states"),
    path("v1/states/<str:iso_code>/", views.StateDetail.as_view(), name="state"),
    path("v1/matrix/", views.Matrix.as_view(), name="matrix"),
    path("v1/reports/", views.ReportList.as_view(), name="reports"),
    path("v1/reports/<int:pk>/", views.ReportDetail.as_view(), name="report"),
    path("v1/milestones/", views.MilestoneList.as_view(), name="milestones"),
    path("v1/history/", views.History.as_view(), name="history"),
    path("v1/indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("v1/indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="indicator"),
    path("v1/indicator-values/", views.IndicatorValueList.as_view(), name="indicator_values"),
    path(
        "schema.json",
        docs.JSONSchema.as_view(),
        name="schema-json",
    ),
    path(
        "schema.yaml",
        docs.YAMLSchema.as_view(),
        name="schema-yaml",
    ),
    # Anything else under /api/ is the API's own 404, in JSON.
    re_path(r"^.*$", views.not_found),
]
