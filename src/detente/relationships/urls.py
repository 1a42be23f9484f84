from django.urls import path

from detente.relationships import views

R = "alliances/<int:alliance_id>/stakeholders/relationships/"

urlpatterns = [
    path(R, views.relationship_health, name="relationship_health"),
    path(
        R + "<int:stakeholder_id>/<int:counterpart_id>/cadence/",
        views.relationship_cadence,
        name="relationship_cadence",
    ),
]
