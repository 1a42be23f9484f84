from django.urls import path

from detente.workspace import views

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("alliances/<int:alliance_id>/", views.alliance_overview, name="alliance_overview"),
]
