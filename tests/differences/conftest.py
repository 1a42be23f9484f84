"""Fixtures of the differences tests."""

from __future__ import annotations

from typing import Any

import pytest


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
