from django.urls import path

from detente.meetings import views

P = "alliances/<int:alliance_id>/meetings/"
M = P + "<int:pk>/"

urlpatterns = [
    path(P, views.meetings_home, name="meetings_home"),
    path(P + "new/", views.meeting_new, name="meeting_new"),
    path(P + "cadence/", views.cadence_page, name="meetings_cadence"),
    path(P + "cadence/edit/", views.cadence_edit, name="meetings_cadence_edit"),
    path(P + "digest/", views.digest_page, name="meetings_digest"),
    path(M, views.meeting_detail, name="meeting_detail"),
    path(M + "edit/", views.meeting_edit, name="meeting_edit"),
    path(M + "agenda/add/", views.agenda_add, name="meeting_agenda_add"),
    path(M + "agenda/refresh/", views.agenda_refresh, name="meeting_agenda_refresh"),
    path(M + "agenda/<int:item_id>/move/", views.agenda_move, name="meeting_agenda_move"),
    path(M + "agenda/<int:item_id>/remove/", views.agenda_remove, name="meeting_agenda_remove"),
    path(M + "minutes/", views.meeting_minutes, name="meeting_minutes"),
    path(M + "actions/", views.meeting_actions, name="meeting_actions"),
    path(M + "meeting.pdf", views.meeting_pdf, name="meeting_pdf"),
    path(M + "meeting.md", views.meeting_md, name="meeting_md"),
    path(M + "invitation.ics", views.meeting_ics, name="meeting_ics"),
]
