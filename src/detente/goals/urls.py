from django.urls import path

from detente.goals import views

P = "alliances/<int:alliance_id>/goals/"

urlpatterns = [
    path(P, views.goals_home, name="goals_home"),
    path(P + "kpis/<int:kpi_id>/", views.realism_kpi, name="realism_kpi"),
    path(P + "checks/<int:pk>/", views.realism_check, name="realism_check"),
    path(P + "checks/<int:pk>/delete/", views.realism_check_delete, name="realism_check_delete"),
]
