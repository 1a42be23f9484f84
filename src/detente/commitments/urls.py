from django.urls import path

from detente.commitments import views

P = "alliances/<int:alliance_id>/commitments/"

urlpatterns = [
    path(P, views.commitments_home, name="commitments_home"),
    path(P + "new/", views.commitment_new, name="commitment_new"),
    path(P + "<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path(P + "<int:pk>/delete/", views.commitment_delete, name="commitment_delete"),
    path(P + "<int:pk>/done/", views.commitment_done, name="commitment_done"),
]
