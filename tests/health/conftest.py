"""Health-check fixtures: the shared cast with health checks, and helpers to answer them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

# Under any import mode, the tests of this folder import health_helpers by name.
sys.path.insert(0, str(Path(__file__).parent))

SNAPSHOT_APPS = ("alliances", "audit", "health")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _state() -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in SNAPSHOT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


@pytest.fixture
def nothing_changes() -> Callable[[], Any]:
    @contextmanager
    def check() -> Iterator[None]:
        before = _state()
        yield
        assert _state() == before

    return check
