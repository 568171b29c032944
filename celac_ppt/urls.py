from django.contrib import admin
from django.urls import include, path

from commitments import views as commitment_views
from commitments.cache import cache_public_page, cache_public_pages

from . import views

urlpatterns = [
    path("", cache_public_page(commitment_views.dashboard), name="dashboard"),
    path("", cache_public_pages(include("commitments.urls"))),
    path("", cache_public_pages(include("areas.urls"))),
    path("accounts/", include("accounts.urls")),
    path("", include("commitments.workspace_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
]

handler500 = "celac_ppt.views.server_error"

admin.site.site_header = "CELAC · PPT 2020"
admin.site.site_title = "CELAC · PPT 2020"
