from django.urls import path

from detente.overlap import views

O = "alliances/<int:alliance_id>/conflicts/overlap/"

urlpatterns = [
    path(O, views.overlap_home, name="overlap_home"),
    path(O + "<int:pk>/", views.overlap_run, name="overlap_run"),
    path(O + "<int:pk>/decline/", views.overlap_decline, name="overlap_decline"),
    path(O + "<int:pk>/conflict/", views.overlap_conflict, name="overlap_conflict"),
    path(O + "rules/new/", views.overlap_rule_new, name="overlap_rule_new"),
    path(O + "rules/<int:pk>/delete/", views.overlap_rule_delete, name="overlap_rule_delete"),
]
