from django.urls import path

from detente.plans import views

P = "alliances/<int:alliance_id>/plan/"

urlpatterns = [
    path(P, views.plan_home, name="plan_home"),
    path(P + "start/", views.plan_start, name="plan_start"),
    path(P + "items/new/", views.plan_item_new, name="plan_item_new"),
    path(P + "items/<int:pk>/edit/", views.plan_item_edit, name="plan_item_edit"),
    path(P + "items/<int:pk>/delete/", views.plan_item_delete, name="plan_item_delete"),
    path(P + "items/<int:pk>/move/", views.plan_item_move, name="plan_item_move"),
    path(P + "versions/propose/", views.plan_propose, name="plan_propose"),
    path(P + "versions/<int:pk>/", views.plan_version, name="plan_version"),
    path(P + "versions/<int:pk>/sign/", views.plan_version_sign, name="plan_version_sign"),
    path(
        P + "versions/<int:pk>/withdraw/", views.plan_version_withdraw, name="plan_version_withdraw"
    ),
    path(P + "diff/", views.plan_diff, name="plan_diff"),
]
