from django.urls import path

from detente.agreements import views

P = "alliances/<int:alliance_id>/agreement/"

urlpatterns = [
    path(P, views.agreement_home, name="agreement_home"),
    path(P + "new/", views.agreement_new, name="agreement_new"),
    path(P + "diff/", views.agreement_diff, name="agreement_diff"),
    path(P + "<int:pk>/", views.agreement_version, name="agreement_version"),
    path(P + "<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path(P + "<int:pk>/parts/<str:part>/", views.agreement_part, name="agreement_part"),
    path(P + "<int:pk>/propose/", views.agreement_propose, name="agreement_propose"),
    path(P + "<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path(P + "<int:pk>/withdraw/", views.agreement_withdraw, name="agreement_withdraw"),
    path(P + "<int:pk>/waive/", views.agreement_waive, name="agreement_waive"),
    path(P + "<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
]
