from django.urls import path

from detente.conflicts import views

P = "alliances/<int:alliance_id>/conflicts/"
C = P + "<int:pk>/"

urlpatterns = [
    path(P, views.conflicts_home, name="conflicts_home"),
    path(P + "new/", views.conflict_new, name="conflict_new"),
    path(P + "notifications/", views.notifications, name="conflict_notifications"),
    path(C, views.conflict_detail, name="conflict_detail"),
    path(C + "edit/", views.conflict_edit, name="conflict_edit"),
    path(C + "delete/", views.conflict_delete, name="conflict_delete"),
    path(C + "raise/", views.conflict_raise, name="conflict_raise"),
    path(C + "escalate/", views.conflict_escalate, name="conflict_escalate"),
    path(C + "close/", views.conflict_close, name="conflict_close"),
    path(C + "steps/<int:step_id>/", views.step_record, name="conflict_step_record"),
    path(C + "views/new/", views.view_new, name="conflict_view_new"),
    path(C + "views/<int:view_id>/edit/", views.view_edit, name="conflict_view_edit"),
    path(C + "dialogue/", views.conflict_dialogue, name="conflict_dialogue"),
    path(C + "brief/", views.conflict_brief, name="conflict_brief"),
    path(C + "brief.pdf", views.conflict_brief_pdf, name="conflict_brief_pdf"),
    path(C + "brief.md", views.conflict_brief_md, name="conflict_brief_md"),
    path(P + "restructuring/new/", views.comparison_new, name="comparison_new"),
    path(P + "restructuring/<int:pk>/", views.comparison_detail, name="comparison_detail"),
    path(P + "restructuring/<int:pk>/edit/", views.comparison_edit, name="comparison_edit"),
    path(P + "restructuring/<int:pk>/estimates/new/", views.estimate_new, name="estimate_new"),
    path(
        P + "restructuring/<int:pk>/estimates/<int:estimate_id>/edit/",
        views.estimate_edit,
        name="estimate_edit",
    ),
    path(
        P + "restructuring/<int:pk>/weights/", views.comparison_weights, name="comparison_weights"
    ),
    path(P + "exit/", views.exit_home, name="exit_home"),
    path(P + "exit/plans/new/", views.exit_plan_new, name="exit_plan_new"),
    path(P + "exit/plans/<int:pk>/", views.exit_plan_detail, name="exit_plan_detail"),
    path(P + "exit/plans/<int:pk>/edit/", views.exit_plan_edit, name="exit_plan_edit"),
    path(P + "exit/plans/<int:pk>/track/", views.exit_plan_track, name="exit_plan_track"),
]
