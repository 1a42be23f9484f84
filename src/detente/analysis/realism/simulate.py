"""Vectorised Monte Carlo of the funnel, for models without an exact distribution.

Each trial draws the model's uncertain quantities once: the conversion rates (Beta
posteriors), and the activity process (for ``bootstrap``, Dirichlet(1, ..., 1) weights on
the observed days, i.e. the Bayesian bootstrap, which carries both the day-to-day spread and
the uncertainty of a short history; for ``resample``, equal weights; for ``poisson``, a
Gamma posterior daily rate). Then the activity total N over n working days is drawn.

Given N and the product p of the stage rates, the last stage's count is Binomial(N, p)
exactly (a chain of binomial thinnings with one rate per stage is one thinning). So rather
than drawing it, each trial contributes P(Binomial(N, p) >= target) computed exactly
(Rao-Blackwellisation): the estimate keeps the same mean with a smaller variance.

Days are drawn one working day at a time, in the same order for every request, from a
generator reset to the same seed: the activity total for n days is then a prefix of the
total for n + 1 days in every trial (common random numbers), so estimates are monotone in
the deadline and the searches for a realistic date or pace are well defined.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .inputs import Stage

DAY_BLOCK = 16  # working days drawn per step; bounds memory at trials x DAY_BLOCK


class _Chunk:
    """A batch of trials with its own seed, so a pilot batch is kept when more are added."""

    def __init__(
        self, model: str, history: np.ndarray, stages: list[Stage], trials: int, seed: list[int]
    ) -> None:
        self.model = model
        self.trials = trials
        self.cache: dict[int, np.ndarray] = {}
        rate_seed, activity_seed, self.day_seed = np.random.SeedSequence(seed).spawn(3)
        rates = np.random.default_rng(rate_seed)
        self.p = np.ones(trials)
        for stage in stages:
            if stage.rate is not None:
                self.p *= float(stage.rate)
            else:
                self.p *= rates.beta(*stage.beta, size=trials)
        activity = np.random.default_rng(activity_seed)
        m = len(history)
        if model == "poisson":
            shape = float(history.sum()) + 0.5
            self.rate = activity.gamma(shape, 1.0 / m, size=trials)
            return
        # A day's count is the smallest distinct value v_j whose cumulative weight exceeds a
        # uniform u; equivalently v_1 + sum over j of (v_j - v_{j-1}) [u > F_{j-1}]. With few
        # distinct values this beats a search per draw by a wide margin.
        values, counts = np.unique(history, return_counts=True)
        if model == "bootstrap":
            # Dirichlet(1, ..., 1) weights on the days, summed per distinct value, are
            # Dirichlet(counts): draw that directly (Gamma(count) normalised).
            weights = activity.standard_gamma(counts.astype(float), size=(trials, len(values)))
            weights /= weights.sum(axis=1, keepdims=True)
        elif model == "resample":
            weights = np.broadcast_to(counts / m, (trials, len(values)))
        else:
            raise ValueError(f"unknown activity model {model}")
        self.values = values.astype(np.int64)
        # float32 uniforms and thresholds: half the memory traffic; a resolution of 2**-24
        # in a day's probabilities is far below the simulation's own noise.
        self.thresholds = np.cumsum(weights, axis=1)[:, :-1].T.astype(np.float32)

    def day_counts(self, rng: np.random.Generator, days: int) -> np.ndarray:
        """Total activity of ``days`` consecutive working days, per trial."""
        if self.model == "poisson":
            return rng.poisson(self.rate[None, :], size=(days, self.trials)).sum(axis=0)
        u = rng.random((days, self.trials), dtype=np.float32)
        # Index of each day's value = how many thresholds its uniform passes, counted in
        # bytes (at most 255 distinct values; more fall back to a search), then one lookup.
        if len(self.thresholds) < 255:
            index = np.zeros(u.shape, dtype=np.uint8)
            for threshold in self.thresholds:
                index += u > threshold
        else:
            index = np.stack(
                [np.searchsorted(t, d) for t, d in zip(self.thresholds.T, u.T, strict=True)], axis=1
            )
        return self.values[index].sum(axis=0, dtype=np.int64)

    def activity(self, days: int, progress: bool) -> np.ndarray:
        if days in self.cache:
            return self.cache[days]
        rng = np.random.default_rng(self.day_seed)
        total = np.zeros(self.trials, dtype=np.int64)
        blocks = range(0, days, DAY_BLOCK)
        if progress and days * self.trials > 5_000_000:
            from tqdm import tqdm

            blocks = tqdm(blocks, desc="simulating", unit="block", leave=False)
        for first in blocks:
            total += self.day_counts(rng, min(DAY_BLOCK, days - first))
        self.cache[days] = total
        return total


class Simulation:
    def __init__(
        self,
        model: str,
        history: np.ndarray,
        stages: list[Stage],
        trials: int,
        seed: int,
        progress: bool = False,
    ) -> None:
        self.model = model
        self.history = np.asarray(history, dtype=np.int64)
        self.stages = stages
        self.seed = seed
        self.progress = progress
        self.chunks: list[_Chunk] = []
        self._cache: dict[int, np.ndarray] = {}
        self._survival: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self.add_trials(trials)

    @property
    def trials(self) -> int:
        return sum(chunk.trials for chunk in self.chunks)

    def add_trials(self, trials: int) -> None:
        """More trials, from a new batch seeded by (seed, batch number): reproducible."""
        seed = [self.seed, len(self.chunks)]
        self.chunks.append(_Chunk(self.model, self.history, self.stages, trials, seed))
        self.p = np.concatenate([chunk.p for chunk in self.chunks])
        self._cache.clear()
        self._survival.clear()

    def activity(self, days: int) -> np.ndarray:
        """Total activity over the first ``days`` working days, per trial."""
        if days not in self._cache:
            self._cache[days] = np.concatenate(
                [chunk.activity(days, self.progress) for chunk in self.chunks]
            )
        return self._cache[days]

    def survival(
        self, targets: np.ndarray, days: int, pace: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """P(last stage >= t) for each t, with the Monte Carlo standard error of each."""
        key = (tuple(np.asarray(targets).tolist()), days, pace)
        if key not in self._survival:
            n = scaled(self.activity(days), pace)
            values = tail(np.asarray(targets)[None, :], n[:, None], self.p[:, None])
            stderr = values.std(axis=0, ddof=1) / np.sqrt(self.trials)
            self._survival[key] = (values.mean(axis=0), stderr)
        return self._survival[key]


def scaled(activity: np.ndarray, pace: float) -> np.ndarray:
    if pace == 1.0:
        return activity
    return np.floor(activity * pace + 1e-9).astype(np.int64)


def tail(targets: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(Binomial(n, p) >= t), elementwise; 1 when t <= 0."""
    targets, n, p = np.broadcast_arrays(targets, n, p)
    # Integer k and n: scipy deprecates (and warns loudly about) float counts here.
    out = special.bdtrc(np.maximum(targets - 1, 0).astype(np.int64), n.astype(np.int64), p)
    # bdtrc(k, n, p) = P(X > k) is 0 for k >= n, and P(X >= 0) = 1 needs the special case.
    return np.where(targets <= 0, 1.0, np.where(targets > n, 0.0, out))
