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
    dropped: int | None = None,
    noise: Noise | None = None,
) -> Table:
    """A portfolio as columns; with ``drop``, the first ``dropped`` alliances (default:
    every one) have the drop. ``noise`` changes the stable noise from the documented model
    (independent, one swing) to a scaled, carried-over, correlated and gappy one."""
    specs = [spec_for(m) for m in measures]
    shape = (alliances, periods, len(measures), len(sides))
    swing = np.array([s.swing for s in specs])[None, None, :, None]
    level = np.array([LEVELS.get(m, 4.0) for m in measures])[None, None, :, None]
    noise = noise or Noise()
    values = level + noise.scale * swing * noise.draw(rng, shape)
    if drop is not None:
        j = list(measures).index(drop.measure)
        spec = specs[j]
        step = drop.size * spec.swing / np.sqrt(len(sides))
        hit = slice(None) if dropped is None else slice(0, dropped)
        values[hit, periods - drop.periods :, j, :] -= step if spec.higher_is_better else -step
    low = np.array([s.low if s.low is not None else -np.inf for s in specs])[None, None, :, None]
    high = np.array([s.high if s.high is not None else np.inf for s in specs])
    values = np.clip(values, low, high[None, None, :, None])

    names = np.array([f"alliance-{i:05d}" for i in range(alliances)])
    labels = np.array([f"{first_year + t // 4}Q{t % 4 + 1}" for t in range(periods)])
    a, t, m, s = np.indices(shape).reshape(4, -1)
    keep = np.ones(a.size, dtype=bool)
    if noise.missing:
        # A skipped (alliance, measure, period): both sides' answers drop out together.
        skipped = rng.random((alliances, periods, len(measures))) < noise.missing
        keep = ~skipped[a, t, m]
    return Table(
        alliance=names[a][keep],
        period=labels[t][keep],
        side=np.array(sides)[s][keep],
        measure=np.array(measures)[m][keep],
        value=values.ravel()[keep],
    )


@dataclass
class Noise:
    """Stable noise unlike the documented model: ``scale`` x swing in size, AR(1) with
    carry-over ``rho`` from one period to the next (stationary from the first period), the
    two sides' noise correlated ``side_correlation``, and a share ``missing`` of the
    alliance-measure-periods not answered."""

    scale: float = 1.0
    rho: float = 0.0
    side_correlation: float = 0.0
    missing: float = 0.0

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        """Unit-variance noise of ``shape`` (alliances, periods, measures, sides)."""
        if self.rho == 0 and self.side_correlation == 0:
            return rng.standard_normal(shape)
        c = self.side_correlation
        common = rng.standard_normal(shape[:3] + (1,))
        own = rng.standard_normal(shape)
        u = np.sqrt(c) * common + np.sqrt(1 - c) * own if c >= 0 else own
        e = np.empty(shape)
        e[:, 0] = u[:, 0]
        innovation = np.sqrt(1 - self.rho**2)
        for t in range(1, shape[1]):
            e[:, t] = self.rho * e[:, t - 1] + innovation * u[:, t]
        return e
