from django.urls import path

from detente.health import views

A = "alliances/<int:alliance_id>/health/"

urlpatterns = [
    path(A, views.health_home, name="health_home"),
    path(A + "settings/", views.health_settings, name="health_settings"),
    path(A + "measures/new/", views.measure_new, name="measure_new"),
    path(A + "cycles/new/", views.cycle_new, name="cycle_new"),
    path(A + "cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path(A + "cycles/<int:pk>/invite/", views.cycle_invite, name="cycle_invite"),
    path(A + "cycles/<int:pk>/remind/", views.cycle_remind, name="cycle_remind"),
    path(A + "cycles/<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path(A + "alerts/", views.health_alerts, name="health_alerts"),
    path(A + "alerts/scan/", views.health_scan, name="health_scan"),
    path(A + "alerts/<int:pk>/ack/", views.alert_ack, name="alert_ack"),
    path(A + "alerts/<int:pk>/snooze/", views.alert_snooze, name="alert_snooze"),
    path("health/survey/<str:token>/", views.health_survey, name="health_survey"),
    path("health/alerts/", views.alert_inbox, name="alert_inbox"),
    path("health/alerts/preferences/", views.alert_preferences, name="alert_preferences"),
    path("health/portfolio/", views.health_portfolio_page, name="health_portfolio"),
]
