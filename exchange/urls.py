"""Open-data downloads, at addresses without a language: a link shared or scripted once keeps
working, and gives the same file whatever language the reader uses."""

from django.urls import path, register_converter

import celac_ppt.converters  # noqa: F401  (registers iso, ref, acronym)

from . import views
from .opendata import FormatConverter

app_name = "opendata"

register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("commitments/data.<fmt:fmt>", views.commitment_list_download, name="commitments"),
    path(
        "commitments/<ref:reference>/states.<fmt:fmt>",
        views.commitment_states_download,
        name="commitment_states",
    ),
    path(
        "states/<iso:iso_code>/commitments.<fmt:fmt>",
        views.state_download,
        name="state_commitments",
    ),
    path("open-data/matrix.<fmt:fmt>", views.matrix_download, name="matrix"),
    path(
        "open-data/progress-by-<str:by>.<fmt:fmt>",
        views.breakdown_download,
        name="breakdown",
    ),
    path(
        "open-data/latest-reports.<fmt:fmt>", views.latest_reports_download, name="latest_reports"
    ),
    path("open-data/indicators.<fmt:fmt>", views.indicators_download, name="indicators"),
    path(
        "open-data/indicator-values.<fmt:fmt>",
        views.indicator_values_download,
        name="indicator_values",
    ),
    path("open-data/milestones.<fmt:fmt>", views.milestones_download, name="milestones"),
]

urlpatterns += [
    path("open-data/datapackage.json", views.datapackage, name="datapackage"),
    path("open-data/celac-ppt-2020.zip", views.datapackage_zip, name="datapackage_zip"),
]
