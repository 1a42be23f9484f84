"""Fixtures of the differences tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _state() -> dict[str, list[dict[str, Any]]]:
    return {
        m._meta.label: list(m.objects.order_by("pk").values())
        for label in ("alliances", "audit", "differences")
        for m in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def nothing_changes() -> Callable[[], Any]:
    @contextmanager
    def check() -> Iterator[None]:
        before = _state()
        yield
        assert _state() == before, "a refused request changed the database"

    return check


@pytest.fixture
def call() -> Callable[..., Any]:
    def request(client: Any, method: str, url: str, body: Any = None) -> Any:
        if body is None:
            return client.generic(method, url)
        return client.generic(method, url, json.dumps(body), content_type="application/json")

    return request


@pytest.fixture
def register(cast: Any) -> dict[str, Any]:
    """A joint and a private difference on each side."""
    from detente.differences.models import Difference

    out = {}
    for prefix, side in (("a", cast.side_a), ("b", cast.side_b)):
        for visibility in ("joint", "private"):
            tag = f"{prefix.upper()}-{visibility.upper()}"
            out[f"{prefix}_{visibility}"] = Difference.objects.create(
                alliance=cast.alliance,
                owner_side=side,
                visibility=visibility,
                category="decision_speed",
                title=f"Difference {tag}",
                views={str(side.id): f"view {tag}"},
                likelihood=4 if visibility == "joint" else 2,
                impact=5,
                management=f"managed {tag}",
            )
    return out
