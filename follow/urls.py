"""Feeds, calendars, embeds and subscriptions, under the language prefix."""

from django.urls import include, path

import celac_ppt.converters  # noqa: F401  (registers iso, ref)
from celac_ppt.http import public_pages

from . import feeds, views

app_name = "follow"

# Public pages: the same bytes for everyone, kept and revalidated (celac_ppt.http).
public = [
    path("feeds/reports.atom", feeds.ReportsFeed(), name="feed"),
    path("feeds/states/<iso:iso_code>.atom", feeds.StateFeed(), name="feed-state"),
    path("feeds/commitments/<ref:reference>.atom", feeds.CommitmentFeed(), name="feed-commitment"),
    path("feeds/areas/<int:number>.atom", feeds.AreaFeed(), name="feed-area"),
    path("calendar.ics", views.calendar, name="calendar"),
    path("states/<iso:iso_code>/calendar.ics", views.state_calendar, name="calendar-state"),
    path("areas/<int:number>/calendar.ics", views.area_calendar, name="calendar-area"),
]

urlpatterns = [
    path("", public_pages(include(public))),
    # Public pages too, kept by views.embeddable, which adds the framing headers.
    path("embed/commitments/<ref:reference>/", views.commitment_embed, name="embed-commitment"),
    path("embed/states/<iso:iso_code>/", views.state_embed, name="embed-state"),
    # Private pages: forms with CSRF, never kept.
    path("follow/", views.follow, name="follow"),
    path("follow/sent/", views.sent, name="sent"),
    path("follow/confirm/<str:token>/", views.confirm, name="confirm"),
    path("follow/manage/<str:token>/", views.manage, name="manage"),
    path("follow/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
