"""The JSON API, version 1, at /api/v1/ (OpenAPI schema at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from detente.alliances.api import router as alliances_router
from detente.api import errors
from detente.api.auth import TokenAuth

api = NinjaAPI(
    title="detente API",
    version="1",
    description="The two-sided alliance workspace. Every route answers through the same "
    "visibility rule as the pages: joint records and your own side's private ones.",
    auth=TokenAuth(),
    urls_namespace="api-1",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", alliances_router)
