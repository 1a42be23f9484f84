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
        self.trials = trials
        self.history = np.asarray(history, dtype=np.int64)
        self.progress = progress
        rate_seed, activity_seed, self._day_seed, self._draw_seed = np.random.SeedSequence(
            seed
        ).spawn(4)
        rates = np.random.default_rng(rate_seed)
        self.p = np.ones(trials)
        for stage in stages:
            if stage.rate is not None:
                self.p *= float(stage.rate)
            else:
                self.p *= rates.beta(*stage.beta, size=trials)
        activity = np.random.default_rng(activity_seed)
        m = len(self.history)
        if model == "bootstrap":
            gammas = activity.standard_exponential((trials, m))
            weights = gammas / gammas.sum(axis=1, keepdims=True)
            cumulative = np.cumsum(weights, axis=1)
            cumulative[:, -1] = 1.0
            # Offsetting row r by r lets one searchsorted serve every trial's own weights.
            self._flat_cdf = (cumulative + np.arange(trials)[:, None]).ravel()
        elif model == "poisson":
            shape = float(self.history.sum()) + 0.5
            self._rate = activity.gamma(shape, 1.0 / m, size=trials)
        elif model != "resample":
            raise ValueError(f"unknown activity model {model}")
        self._cache: dict[int, np.ndarray] = {}

    def _day_counts(self, rng: np.random.Generator, days: int) -> np.ndarray:
        """Activity of ``days`` consecutive working days for every trial: (days, trials)."""
        m = len(self.history)
        if self.model == "poisson":
            return rng.poisson(self._rate[None, :], size=(days, self.trials))
        u = rng.random((days, self.trials))
        if self.model == "resample":
            index = np.minimum((u * m).astype(np.int64), m - 1)
        else:
            rows = np.arange(self.trials)[None, :]
            flat = np.searchsorted(self._flat_cdf, u + rows, side="right")
            index = np.minimum(flat - rows * m, m - 1)
        return self.history[index]

    def activity(self, days: int) -> np.ndarray:
        """Total activity over the first ``days`` working days, per trial."""
        if days in self._cache:
            return self._cache[days]
        rng = np.random.default_rng(self._day_seed)
        total = np.zeros(self.trials, dtype=np.int64)
        blocks = range(0, days, DAY_BLOCK)
        if self.progress and days * self.trials > 5_000_000:
            from tqdm import tqdm

            blocks = tqdm(blocks, desc="simulating", unit="block", leave=False)
        for first in blocks:
            total += self._day_counts(rng, min(DAY_BLOCK, days - first)).sum(axis=0)
        self._cache[days] = total
        return total

    def survival(
        self, targets: np.ndarray, days: int, pace: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """P(last stage >= t) for each t, with the Monte Carlo standard error of each."""
        n = scaled(self.activity(days), pace)
        values = tail(np.asarray(targets)[None, :], n[:, None], self.p[:, None])
        return values.mean(axis=0), values.std(axis=0, ddof=1) / np.sqrt(self.trials)

    def outcome_draws(self, days: int, pace: float = 1.0) -> np.ndarray:
        """One drawn last-stage count per trial (for joint probabilities of milestones)."""
        rng = np.random.default_rng(self._draw_seed)
        return rng.binomial(scaled(self.activity(days), pace), self.p)


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
