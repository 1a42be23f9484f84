from django.urls import path

from detente.decisions import views

D = "alliances/<int:alliance_id>/decisions/"

urlpatterns = [
    path(D, views.decisions_home, name="decisions_home"),
    path(D + "new/", views.decision_new, name="decision_new"),
    path(D + "<int:pk>/", views.decision_detail, name="decision_detail"),
    path(D + "<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path(D + "<int:pk>/delete/", views.decision_delete, name="decision_delete"),
    path(D + "<int:pk>/weights/new/", views.weights_new, name="weights_new"),
    path(D + "<int:pk>/weights/<int:weights_id>/", views.weights_edit, name="weights_edit"),
    path(D + "<int:pk>/guardrails/", views.decision_guardrails, name="decision_guardrails"),
    path(D + "<int:pk>/guardrails/new/", views.series_new, name="series_new"),
    path(
        D + "<int:pk>/guardrails/<int:series_id>/delete/",
        views.series_delete,
        name="series_delete",
    ),
]
