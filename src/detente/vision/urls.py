from django.urls import path

from detente.vision import views

# Under the Negotiation tab: the vision is re-articulated when the sides re-negotiate.
V = "alliances/<int:alliance_id>/negotiation/vision/"

urlpatterns = [
    path(V, views.vision_home, name="vision_home"),
    path(V + "propose/", views.vision_propose, name="vision_propose"),
    path(V + "versions/<int:pk>/", views.vision_version, name="vision_version"),
    path(V + "versions/<int:pk>/accept/", views.vision_accept, name="vision_accept"),
    path(V + "ideas/new/", views.idea_new, name="idea_new"),
    path(V + "ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path(V + "ideas/<int:pk>/delete/", views.idea_delete, name="idea_delete"),
    path(V + "ideas/<int:pk>/vote/", views.idea_vote, name="idea_vote"),
    path(V + "ideas/<int:pk>/convert/", views.idea_convert, name="idea_convert"),
]
