from django.urls import path

from detente.notifications import views

A = "alliances/<int:alliance_id>/webhooks/"

urlpatterns = [
    path("notifications/", views.inbox, name="notification_inbox"),
    path("notifications/bell/", views.bell, name="notification_bell"),
    path("notifications/read/", views.mark_all_read, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.mark_read, name="notification_read"),
    path("notifications/preferences/", views.preferences, name="notification_preferences"),
    path(A, views.webhooks, name="notification_webhooks"),
    path(A + "<int:pk>/delete/", views.webhook_delete, name="notification_webhook_delete"),
]
