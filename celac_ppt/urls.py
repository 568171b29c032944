"""Addresses. Every page for people carries its language (/es/, /en/, /pt/, /fr/); the
open-data downloads, the admin, the health check and static files do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from api import docs as api_docs

from . import views
from .http import public_pages

urlpatterns = [
    path("", public_pages(include("exchange.urls"))),
    # The documentation page is not kept with the public pages: its own security policy
    # (api.docs) must come with every copy of it.
    path("api/docs/", api_docs.Docs.as_view(), name="api-docs"),
    path("api/", public_pages(include("api.urls"))),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt, name="robots"),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", public_pages(include("public.urls"))),
    path("accounts/", include("accounts.urls")),
    path("", include("workspace.urls")),
    path("", include("follow.urls")),
)

handler500 = "celac_ppt.views.server_error"

admin.site.site_header = "CELAC · PPT 2020"
admin.site.site_title = "CELAC · PPT 2020"
