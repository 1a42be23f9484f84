from django.urls import path

from detente.workspace import invitation_views, views

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("alliances/<int:alliance_id>/", views.alliance_overview, name="alliance_overview"),
    path(
        "alliances/<int:alliance_id>/invitations/<int:pk>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
]
