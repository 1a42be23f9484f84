from django.urls import path

from detente.approvals import views

A = "alliances/<int:alliance_id>/approvals/"

urlpatterns = [
    path(A, views.approvals_home, name="approvals_home"),
    path(A + "<slug:kind>/<int:object_id>/ask/", views.approval_new, name="approval_new"),
    path(A + "<int:pk>/", views.approval_detail, name="approval_detail"),
    path(A + "<int:pk>/answer/", views.approval_answer, name="approval_answer"),
    path(A + "<int:pk>/withdraw/", views.approval_withdraw, name="approval_withdraw"),
]
