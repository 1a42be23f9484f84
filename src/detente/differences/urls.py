from django.urls import path

from detente.differences import views

P = "alliances/<int:alliance_id>/differences/"

urlpatterns = [
    path(P, views.differences_home, name="differences_home"),
    path(P + "new/", views.difference_new, name="difference_new"),
    path(P + "<int:pk>/", views.difference_detail, name="difference_detail"),
    path(P + "<int:pk>/edit/", views.difference_edit, name="difference_edit"),
    path(P + "<int:pk>/delete/", views.difference_delete, name="difference_delete"),
]
