"""Demo data for the conflicts capability."""

from __future__ import annotations

from typing import Any


def build(ws: Any) -> None:
    """Add this capability's demo records to the workspace ``ws`` (see demo.build)."""
