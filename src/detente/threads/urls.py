from django.urls import path

from detente.threads import views

A = "alliances/<int:alliance_id>/"

urlpatterns = [
    path(A + "threads/<str:kind>/<int:pk>/", views.thread, name="thread"),
    path(A + "comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path(A + "comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
]
