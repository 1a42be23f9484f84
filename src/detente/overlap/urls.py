from django.urls import path

from detente.overlap import views

OV = "alliances/<int:alliance_id>/conflicts/overlap/"

urlpatterns = [
    path("overlap/worker.js", views.overlap_worker, name="overlap_worker"),
    path(OV, views.overlap_home, name="overlap_home"),
    path(OV + "start/", views.overlap_start, name="overlap_start"),
    path(OV + "<int:pk>/<str:part>.json", views.overlap_message, name="overlap_message"),
    path(OV + "<int:pk>/answer/", views.overlap_answer, name="overlap_answer"),
    path(OV + "<int:pk>/result/", views.overlap_result, name="overlap_result"),
    path(OV + "<int:pk>/", views.overlap_run, name="overlap_run"),
    path(OV + "<int:pk>/decline/", views.overlap_decline, name="overlap_decline"),
    path(OV + "<int:pk>/conflict/", views.overlap_conflict, name="overlap_conflict"),
    path(OV + "rules/new/", views.overlap_rule_new, name="overlap_rule_new"),
    path(OV + "rules/<int:pk>/delete/", views.overlap_rule_delete, name="overlap_rule_delete"),
]
