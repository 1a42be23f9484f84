"""Synthetic portfolios under the engine's null model, for calibration checks and the
benchmark: each side's value is the alliance's level plus independent normal noise of
the measure's usual swing. Values are clipped to the measure's range, which touches
fewer than 1 in a million values at the levels below."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .measures import spec_for
from .panel import Table

# Healthy levels, at least 4.5 swings inside each range.
LEVELS: dict[str, float] = {
    "alignment": 4.0,
    "satisfaction": 4.0,
    "roi": 12.0,
    "trust": 4.0,
    "communication": 4.0,
    "governance": 4.0,
}


@dataclass
class Drop:
    """A sustained drop of ``size`` standard deviations of the monitored series (the
    mean over sides) in ``measure`` over the last ``periods`` periods."""

    measure: str
    size: float
    periods: int


def portfolio(
    rng: np.random.Generator,
    alliances: int,
    periods: int,
    measures: Sequence[str] = tuple(LEVELS),
    sides: Sequence[str] = ("A", "B"),
    drop: Drop | None = None,
    first_year: int = 2020,
) -> Table:
    """A portfolio as columns; with ``drop``, every alliance has the drop."""
    specs = [spec_for(m) for m in measures]
    shape = (alliances, periods, len(measures), len(sides))
    swing = np.array([s.swing for s in specs])[None, None, :, None]
    level = np.array([LEVELS.get(m, 4.0) for m in measures])[None, None, :, None]
    values = level + swing * rng.standard_normal(shape)
    if drop is not None:
        j = list(measures).index(drop.measure)
        spec = specs[j]
        step = drop.size * spec.swing / np.sqrt(len(sides))
        values[:, periods - drop.periods :, j, :] -= step if spec.higher_is_better else -step
    low = np.array([s.low if s.low is not None else -np.inf for s in specs])[None, None, :, None]
    high = np.array([s.high if s.high is not None else np.inf for s in specs])
    values = np.clip(values, low, high[None, None, :, None])

    names = np.array([f"alliance-{i:05d}" for i in range(alliances)])
    labels = np.array([f"{first_year + t // 4}Q{t % 4 + 1}" for t in range(periods)])
    a, t, m, s = np.indices(shape).reshape(4, -1)
    return Table(
        alliance=names[a],
        period=labels[t],
        side=np.array(sides)[s],
        measure=np.array(measures)[m],
        value=values.ravel(),
    )
