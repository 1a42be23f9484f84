from django.contrib import admin
from django.urls import include, path

from detente.api.v1 import api

admin.site.site_header = "detente operations"
admin.site.site_title = "detente admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("detente.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("detente.workspace.urls")),
    path("", include("detente.alliances.urls")),
    path("", include("detente.objectives.urls")),
    path("", include("detente.commitments.urls")),
    path("", include("detente.agreements.urls")),
    path("", include("detente.differences.urls")),
    path("", include("detente.health.urls")),
    path("", include("detente.goals.urls")),
    path("", include("detente.milestones.urls")),
    path("", include("detente.decisions.urls")),
    path("", include("detente.negotiation.urls")),
    path("", include("detente.vision.urls")),
    path("", include("detente.conflicts.urls")),
    path("", include("detente.notifications.urls")),
    path("", include("detente.threads.urls")),
    path("", include("detente.activity.urls")),
    path("", include("detente.meetings.urls")),
    path("", include("detente.plans.urls")),
    path("", include("detente.approvals.urls")),
    path("", include("detente.relationships.urls")),
    path("", include("detente.calendars.urls")),
    path("", include("detente.overlap.urls")),
]
