from django.contrib import admin
from django.urls import include, path

from commitments import views as commitment_views

from . import views

urlpatterns = [
    path("", commitment_views.dashboard, name="dashboard"),
    path("", include("commitments.urls")),
    path("", include("areas.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "CELAC · PPT 2020"
admin.site.site_title = "CELAC · PPT 2020"
