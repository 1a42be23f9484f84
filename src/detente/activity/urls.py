from django.urls import path

from detente.activity import views

urlpatterns = [
    path("activity/", views.person_feed, name="activity_person"),
    path("alliances/<int:alliance_id>/activity/", views.alliance_feed, name="activity_alliance"),
]
