"""Helpers shared by the workspace tests: fast passwords, API calls, and a database snapshot
that proves a refused request changed nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

# The models whose rows a refused request must leave alone.
SNAPSHOT_APPS = ("accounts", "alliances", "audit")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The cast creates five users per test; the production hasher would make the suite slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api_request(client: Client, method: str, url: str, body: Any = None) -> Any:
    """One JSON API request; ``body`` is sent as JSON when given."""
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


@pytest.fixture
def call() -> Callable[..., Any]:
    """``call(client, "PATCH", url, {...})``: a JSON API request."""
    return api_request


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of the workspace's tables (many-to-many tables included), in id order."""
    state: dict[str, list[dict[str, Any]]] = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = list(model.objects.order_by("pk").values())
            # Signing in and using a token stamp the row; that is bookkeeping, not a change.
            stamp = {"accounts.ApiToken": "last_used_at", "accounts.User": "last_login"}
            if model._meta.label in stamp:
                for row in rows:
                    row.pop(stamp[model._meta.label])
            state[model._meta.label] = rows
    return state


@pytest.fixture
def nothing_changes() -> Callable[[], Any]:
    """``with nothing_changes(): ...`` fails when any row was added, removed or altered."""

    @contextmanager
    def check() -> Iterator[None]:
        before = database_state()
        yield
        after = database_state()
        for table in before:
            assert len(after[table]) == len(before[table]), f"rows of {table} changed in number"
            assert after[table] == before[table], f"values in {table} changed"

    return check
