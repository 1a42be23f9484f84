"""The dispute-resolution ladder as a picture: rungs as steps climbing left to right."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.agreements import document

STEP_W, STEP_H, GAP, TOP = 190, 56, 14, 30


@dataclass
class Step:
    number: int
    name: str
    owner: str
    days: int | None
    cumulative: int | None
    x: int
    y: int
    w: int
    h: int

    @property
    def cx(self) -> int:
        return self.x + self.w // 2


@dataclass
class Ladder:
    steps: list[Step]
    width: int
    height: int
    total_days: int | None

    @property
    def is_empty(self) -> bool:
        return not self.steps


def layout(content: dict[str, Any]) -> Ladder:
    rungs = document.ladder(document.normalised(content))
    n = len(rungs)
    height = TOP + n * STEP_H + 70
    steps = []
    total: int | None = 0
    for i, rung in enumerate(rungs):
        days = rung.get("days") or None
        total = total + days if (total is not None and days) else None
        steps.append(
            Step(
                number=i + 1,
                name=rung.get("name", ""),
                owner=rung.get("owner", "") or "no owner",
                days=days,
                cumulative=total,
                x=10 + i * (STEP_W + GAP),
                y=TOP + (n - 1 - i) * STEP_H,
                w=STEP_W,
                h=STEP_H + 10 + i * STEP_H,
            )
        )
    width = 20 + n * (STEP_W + GAP)
    return Ladder(steps, max(width, 300), height, total if steps else None)
