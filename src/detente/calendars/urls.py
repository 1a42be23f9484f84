from django.urls import path

from detente.calendars import views

urlpatterns = [
    path("calendar/<str:token>/detente.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "calendar/<str:token>/alliances/<int:alliance_id>.ics",
        views.calendar_alliance_feed,
        name="calendar_alliance_feed",
    ),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
]
