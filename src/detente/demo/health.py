"""Demo data for the health-check capability (issue 5)."""

from __future__ import annotations

from typing import Any


def build(ws: Any) -> None:
    """Add health-check cycles, responses and alerts to the workspace ``ws`` (see demo.build)."""
