from django.urls import path, register_converter

import celac_ppt.converters  # noqa: F401  (registers iso, ref, acronym)

from . import views
from .opendata import FormatConverter

app_name = "commitments"

register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/data.<fmt:fmt>", views.commitment_list_download, name="list_data"),
    path("commitments/<ref:reference>/", views.commitment_detail, name="detail"),
    path(
        "commitments/<ref:reference>/states.<fmt:fmt>",
        views.commitment_states_download,
        name="detail_data",
    ),
    path("states/<iso:iso_code>/", views.state_detail, name="state"),
    path("states/<iso:iso_code>/commitments.<fmt:fmt>", views.state_download, name="state_data"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("open-data/matrix.<fmt:fmt>", views.matrix_download, name="matrix_data"),
    path(
        "open-data/progress-by-<str:by>.<fmt:fmt>",
        views.breakdown_download,
        name="breakdown_data",
    ),
    path("open-data/latest-reports.<fmt:fmt>", views.latest_reports_download, name="reports_data"),
    path("about/figures/", views.about_figures, name="about"),
]
