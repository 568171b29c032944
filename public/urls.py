from django.urls import path

import celac_ppt.converters  # noqa: F401  (registers iso, ref, acronym)

from . import indicators, share, views

app_name = "public"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("commitments/", views.commitment_list, name="commitments"),
    path("commitments/<ref:reference>/", views.commitment_detail, name="commitment"),
    path("states/", views.state_list, name="states"),
    path("states/compare/", views.state_compare, name="compare"),
    path("states/<iso:iso_code>/", views.state_detail, name="state"),
    path("areas/", views.area_list, name="areas"),
    path("attention/", views.attention, name="attention"),
    path("areas/<int:number>/", views.area_detail, name="area"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<acronym:acronym>/", views.agency_detail, name="agency"),
    path("map/", views.state_map_page, name="map"),
    path("search/", views.search, name="search"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("milestones/<int:pk>/document/", views.milestone_document, name="milestone_document"),
    path("changes/", views.changes, name="changes"),
    path("about/figures/", views.about_figures, name="about"),
    path("open-data/", views.open_data, name="open_data"),
    path("indicators/", indicators.indicator_list, name="indicators"),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator"),
    # The images of the share cards (public/share.py).
    path("share/dashboard.png", share.dashboard_image, name="share-dashboard"),
    path("share/states/<iso:iso_code>.png", share.state_image, name="share-state"),
    path("share/commitments/<ref:reference>.png", share.commitment_image, name="share-commitment"),
]
