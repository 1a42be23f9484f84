from django.urls import path

from detente.negotiation import views

P = "alliances/<int:alliance_id>/negotiation/"
R = P + "rounds/<int:pk>/"

urlpatterns = [
    path(P, views.negotiation_home, name="negotiation_home"),
    path(P + "rounds/new/", views.negotiation_round_new, name="negotiation_round_new"),
    path(R, views.negotiation_round, name="negotiation_round"),
    path(R + "edit/", views.negotiation_round_edit, name="negotiation_round_edit"),
    path(R + "constraints/", views.negotiation_constraint_add, name="negotiation_constraint_add"),
    path(
        R + "constraints/<int:index>/remove/",
        views.negotiation_constraint_remove,
        name="negotiation_constraint_remove",
    ),
    path(R + "preferences/", views.negotiation_preferences, name="negotiation_preferences"),
    path(R + "ranking/", views.negotiation_ranking, name="negotiation_ranking"),
    path(R + "improve/", views.negotiation_improve, name="negotiation_improve"),
    path(R + "accept/", views.negotiation_accept, name="negotiation_accept"),
    path(R + "facilitators/", views.negotiation_grant, name="negotiation_grant"),
    path(
        R + "facilitators/<int:grant_id>/revoke/",
        views.negotiation_revoke,
        name="negotiation_revoke",
    ),
    path(R + "facilitator/", views.negotiation_facilitator, name="negotiation_facilitator"),
]
