"""The JSON API, version 1, at /api/v1/ (OpenAPI schema at /api/v1/openapi.json)."""

from detente.activity.api import router as activity_router
from detente.agreements.api import router as agreements_router
from detente.alliances.api import router as alliances_router
from detente.api import errors
from detente.api.auth import TokenAuth
from detente.api.openapi import DetenteAPI
from detente.api.parser import StrictJSONParser
from detente.approvals.api import router as approvals_router
from detente.commitments.api import router as commitments_router
from detente.conflicts.api import router as conflicts_router
from detente.decisions.api import router as decisions_router
from detente.differences.api import router as differences_router
from detente.goals.api import router as goals_router
from detente.health.api import router as health_router
from detente.meetings.api import router as meetings_router
from detente.milestones.api import router as milestones_router
from detente.negotiation.api import router as negotiation_router
from detente.notifications.api import router as notifications_router
from detente.objectives.api import router as objectives_router
from detente.overlap.api import router as overlap_router
from detente.plans.api import router as plans_router
from detente.relationships.api import router as relationships_router
from detente.threads.api import router as threads_router
from detente.vision.api import router as vision_router

api = DetenteAPI(
    title="detente API",
    version="1",
    description="The two-sided alliance workspace. Every route answers through the same "
    "visibility rule as the pages: joint records and your own side's private ones.",
    auth=TokenAuth(),
    urls_namespace="api-1",
    docs_url="/docs",
    parser=StrictJSONParser(),
)
errors.install(api)
api.add_router("/", alliances_router)
api.add_router("/", objectives_router)
api.add_router("/", commitments_router)
api.add_router("/", agreements_router)
api.add_router("/", differences_router)
api.add_router("/", health_router)
api.add_router("/", goals_router)
api.add_router("/", milestones_router)
api.add_router("/", decisions_router)
api.add_router("/", negotiation_router)
api.add_router("/", vision_router)
api.add_router("/", conflicts_router)
api.add_router("/", notifications_router)
api.add_router("/", threads_router)
api.add_router("/", activity_router)
api.add_router("/", meetings_router)
api.add_router("/", plans_router)
api.add_router("/", approvals_router)
api.add_router("/", relationships_router)
api.add_router("/", overlap_router)
