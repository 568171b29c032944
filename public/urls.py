from django.urls import path

import celac_ppt.converters  # noqa: F401  (registers iso, ref, acronym)

from . import share, views

app_name = "public"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("commitments/", views.commitment_list, name="commitments"),
    path("commitments/<ref:reference>/", views.commitment_detail, name="commitment"),
    path("states/<iso:iso_code>/", views.state_detail, name="state"),
    path("areas/<int:number>/", views.area_detail, name="area"),
    path("agencies/<acronym:acronym>/", views.agency_detail, name="agency"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("about/figures/", views.about_figures, name="about"),
    path("open-data/", views.open_data, name="open_data"),
    # The images of the share cards (public/share.py).
    path("share/dashboard.png", share.dashboard_image, name="share-dashboard"),
    path("share/states/<iso:iso_code>.png", share.state_image, name="share-state"),
    path("share/commitments/<ref:reference>.png", share.commitment_image, name="share-commitment"),
]
