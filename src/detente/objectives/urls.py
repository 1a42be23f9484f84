from django.urls import path

from detente.objectives import views

P = "alliances/<int:alliance_id>/objectives/"

urlpatterns = [
    path(P, views.objectives_home, name="objectives_home"),
    path(P + "new/", views.objective_new, name="objective_new"),
    path(P + "<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path(P + "<int:pk>/delete/", views.objective_delete, name="objective_delete"),
    path(P + "kpis/new/", views.kpi_new, name="kpi_new"),
    path(P + "kpis/<int:pk>/", views.kpi_detail, name="kpi_detail"),
    path(P + "kpis/<int:pk>/export.csv", views.kpi_export, name="kpi_export"),
    path(P + "kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path(P + "kpis/<int:pk>/delete/", views.kpi_delete, name="kpi_delete"),
    path(P + "guardrails/new/", views.guardrail_new, name="guardrail_new"),
    path(P + "guardrails/<int:pk>/delete/", views.guardrail_delete, name="guardrail_delete"),
    path(P + "goal-conflict/", views.goal_conflict_page, name="goal_conflict"),
    path(P + "measurements/new/", views.measurement_new, name="measurement_new"),
    path(P + "measurements/<int:pk>/edit/", views.measurement_edit, name="measurement_edit"),
    path(P + "measurements/<int:pk>/delete/", views.measurement_delete, name="measurement_delete"),
    path(P + "measurements/export.csv", views.measurement_export, name="measurement_export"),
    path(P + "measurements/import/", views.measurement_import, name="measurement_import"),
]
