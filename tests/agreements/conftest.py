"""Fixtures of the agreement tests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# pytest runs in importlib mode: make this folder's helper module importable by name.
sys.path.insert(0, str(Path(__file__).parent))

from agreement_helpers import database_state  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def nothing_changes() -> Callable[[], Any]:
    """``with nothing_changes(): ...`` fails when any row was added, removed or altered."""

    @contextmanager
    def check() -> Iterator[None]:
        before = database_state()
        yield
        assert database_state() == before, "a refused request changed the database"

    return check
