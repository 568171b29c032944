from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("areas/<int:number>/", views.area_detail, name="detail"),
    path("agencies/<str:acronym>/", views.agency_detail, name="agency"),
]
