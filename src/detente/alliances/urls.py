from django.urls import path

from detente.alliances import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("alliances/new/", views.alliance_new, name="alliance_new"),
    path("alliances/<int:alliance_id>/edit/", views.alliance_edit, name="alliance_edit"),
    path("alliances/<int:alliance_id>/status/", views.alliance_status, name="alliance_status"),
    path("alliances/<int:alliance_id>/sides/new/", views.side_add, name="side_add"),
    path("alliances/<int:alliance_id>/invite/", views.invite, name="invite"),
    path(
        "side-invitations/<int:pk>/answer/",
        views.side_invitation_answer,
        name="side_invitation_answer",
    ),
    path("alliances/<int:alliance_id>/audit/", views.audit_log, name="audit_log"),
    path(
        "alliances/<int:alliance_id>/timeline.csv",
        views.timeline_export,
        name="timeline_export",
    ),
    path(
        "alliances/<int:alliance_id>/stakeholders/new/",
        views.stakeholder_new,
        name="stakeholder_new",
    ),
    path(
        "alliances/<int:alliance_id>/stakeholders/<int:pk>/edit/",
        views.stakeholder_edit,
        name="stakeholder_edit",
    ),
    path(
        "alliances/<int:alliance_id>/stakeholders/<int:pk>/delete/",
        views.stakeholder_delete,
        name="stakeholder_delete",
    ),
    path(
        "alliances/<int:alliance_id>/timeline/<str:kind>/new/",
        views.entry_new,
        name="entry_new",
    ),
    path(
        "alliances/<int:alliance_id>/timeline/<str:kind>/<int:pk>/",
        views.entry_detail,
        name="entry_detail",
    ),
    path(
        "alliances/<int:alliance_id>/timeline/<str:kind>/<int:pk>/edit/",
        views.entry_edit,
        name="entry_edit",
    ),
    path(
        "alliances/<int:alliance_id>/timeline/<str:kind>/<int:pk>/delete/",
        views.entry_delete,
        name="entry_delete",
    ),
]
