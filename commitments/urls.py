from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/<str:reference>/", views.commitment_detail, name="detail"),
    path("states/<str:iso_code>/", views.state_detail, name="state"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
