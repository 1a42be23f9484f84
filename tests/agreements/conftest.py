"""Fixtures of the agreement tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from agreement_helpers import database_state


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
