from django.urls import path

from detente.milestones import views

G = "alliances/<int:alliance_id>/goals/"
M = G + "milestones/"

urlpatterns = [
    path(M, views.milestones_home, name="milestones_home"),
    path(M + "new/", views.milestone_new, name="milestone_new"),
    path(M + "<int:pk>/", views.milestone_detail, name="milestone_detail"),
    path(M + "<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path(M + "<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path(M + "<int:pk>/accept/", views.milestone_accept, name="milestone_accept"),
    path(M + "<int:pk>/decline/", views.milestone_decline, name="milestone_decline"),
    path(G + "reference/", views.reference_class, name="reference_class"),
    path(G + "reference/import/", views.reference_import, name="reference_import"),
    path(
        "alliances/<int:alliance_id>/goals/checks/<int:check_id>/phases/<int:index>/milestone/",
        views.milestone_from_phase,
        name="milestone_from_phase",
    ),
]
