from django.urls import path

import celac_ppt.converters  # noqa: F401  (registers iso, ref, acronym)

from . import views

app_name = "areas"

urlpatterns = [
    path("areas/<int:number>/", views.area_detail, name="detail"),
    path("agencies/<acronym:acronym>/", views.agency_detail, name="agency"),
]
