"""Vectorised Monte Carlo of the funnel, for models without an exact distribution.

Each trial draws the model's uncertain quantities once: the conversion rates (Beta
posteriors), and the activity process (for ``bootstrap``, Dirichlet(1, ..., 1) weights on
the observed days, i.e. the Bayesian bootstrap, which carries both the day-to-day spread and
the uncertainty of a short history; for ``resample``, equal weights; for ``poisson``, a
Gamma posterior daily rate). Then the activity total N over n working days is drawn.

Given N, the last stage's count does not depend on the activity any further: it is a chain
of thinnings, Binomial(x, r) for a fixed rate and BetaBinomial(x, a, b) for a Beta(a, b)
rate (the rate is drawn once and shared by the x units, as in the model). So rather than
drawing the rates and the conversions, each trial contributes h(N) = P(last stage >= target
| N) computed exactly (Rao-Blackwellisation, see ``Conversion``): the estimate keeps the
same mean, and its variance is only what the activity leaves, about a tenth of drawing the
rates on a typical funnel, so a tenth of the trials reach the same standard error. The
standard error reported is the spread of h(N) over the trials divided by sqrt(trials): that
of the estimator used. Beyond ``Conversion.MAX_CELLS`` (absurd paces or horizons) it falls
back to P(Binomial(N, p) >= target) with the rates' product p drawn per trial (the
conditioning on N and p alone), which is exact given p and needs no matrix.

Days are drawn one working day at a time, in the same order for every request, from a
generator reset to the same seed: the activity total for n days is then a prefix of the
total for n + 1 days in every trial (common random numbers), so estimates are monotone in
the deadline and the searches for a realistic date or pace are well defined.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import numpy as np
from scipy import special, stats

from .inputs import Stage

DAY_BLOCK = 16  # working days drawn per step; bounds memory at trials x DAY_BLOCK
TAIL = 1e-15  # mass a conversion may drop above its bound; far below any reported digit
ROUND = 256  # activity bounds are rounded up to a multiple of this, so matrices are reused


class Conversion:
    """Exact P(last stage >= t | n units at the top of the funnel), the rates' uncertainty
    included: h(n) for each n and t.

    Given the rates the chain is one thinning with their product, and the rates are
    independent, so the stages may be taken in any order: the smallest rate first keeps the
    matrices small. Backwards from the last stage, P(last >= t | x) of a stage's count x is
    the transition matrix (Binomial or BetaBinomial probabilities, from log-gamma tables)
    times the same vector one stage on. Counts are bounded with the rates' 1 - TAIL
    quantiles and Bernstein's inequality (``caps``, ``_bound``), so each bound drops less
    than 2 TAIL of mass. The later stages' matrices, each target's vector and each h(n)
    computed are cached; only new activity totals need new first-stage rows.
    """

    MAX_CELLS = 4_000_000  # entries of any one matrix; beyond, the caller draws the rates
    BLOCK = 64  # rows per block; each block stops at its own largest row's bound

    def __init__(self, stages: list[Stage]) -> None:
        kept = [s for s in stages if not (s.rate is not None and s.rate == 1)]
        self.stages = sorted(kept, key=_mean_rate)
        self._upper = [_upper_rate(stage) for stage in self.stages]
        self._caps: dict[int, list[int]] = {}
        self._matrices: dict[int, np.ndarray] = {}
        self._vectors: dict[tuple[int, int], np.ndarray] = {}
        self._values: dict[tuple[tuple[int, ...], int], np.ndarray] = {}
        self._tables: dict[int, dict[str, np.ndarray]] = {}

    def caps(self, top: int) -> list[int]:
        """Bounds on each stage's count when at most ``top`` units enter, ``top`` first."""
        if top not in self._caps:
            caps = [top]
            product = 1.0
            for upper in self._upper:
                # Given the rates, the count after this stage is Binomial(n, their product),
                # and the product exceeds the product of the rates' 1 - TAIL quantiles with
                # probability below (stages) x TAIL.
                product *= upper
                caps.append(min(caps[-1], _binomial_bound(top, product)))
            self._caps[top] = caps
        return self._caps[top]

    def fits(self, n: np.ndarray) -> bool:
        """Whether h for these distinct totals stays within MAX_CELLS per matrix."""
        if not self.stages:
            return True
        caps = self.caps(_rounded(int(n.max())))
        sizes = [len(n)] + [cap + 1 for cap in caps[1:]]
        return all(a * b <= self.MAX_CELLS for a, b in zip(sizes, sizes[1:], strict=False))

    def tail(self, targets: np.ndarray, n: np.ndarray) -> np.ndarray:
        """h(n) for each distinct n, in increasing order (rows), and each target (columns)."""
        targets = np.asarray(targets, dtype=np.int64)
        if not self.stages:
            return (n[:, None] >= targets[None, :]).astype(float)
        top = _rounded(int(n.max()))
        key = (tuple(targets.tolist()), top)
        values = self._values.get(key)
        if values is None:
            values = self._values[key] = np.full((top + 1, len(targets)), np.nan)
        missing = n[np.isnan(values[n, 0])]
        if len(missing):
            caps = self.caps(top)
            vectors = np.stack([self._vector(int(t), top) for t in targets], axis=1)
            values[missing] = self._apply(0, missing, caps[1], vectors)
        return values[n]

    def _vector(self, target: int, top: int) -> np.ndarray:
        """P(last stage >= target | count after the first stage = x), x = 0..caps[1]."""
        key = (target, top)
        if key not in self._vectors:
            caps = self.caps(top)
            vector = (np.arange(caps[-1] + 1) >= target).astype(float)
            for index in range(len(self.stages) - 1, 0, -1):
                rows, columns = caps[index], caps[index + 1]
                built = self._matrices.get(index)
                if built is None or built.shape[0] <= rows or built.shape[1] <= columns:
                    # Entries depend on (n, k) only: a larger matrix serves smaller caps.
                    if built is not None:
                        rows = max(rows, built.shape[0] - 1)
                        columns = max(columns, built.shape[1] - 1)
                    built = self._matrices[index] = self._dense(index, rows, columns)
                vector = built[: caps[index] + 1, : caps[index + 1] + 1] @ vector
            self._vectors[key] = vector
        return self._vectors[key]

    def _blocks(
        self, index: int, n: np.ndarray, columns: int
    ) -> Iterator[tuple[int, np.ndarray, int]]:
        """Blocks of increasing rows n, each with the columns its largest row can reach."""
        for first in range(0, len(n), self.BLOCK):
            rows = n[first : first + self.BLOCK]
            largest = int(rows[-1])
            width = min(columns, largest, _binomial_bound(largest, self._upper[index]))
            yield first, rows, width

    def _apply(self, index: int, n: np.ndarray, columns: int, vectors: np.ndarray) -> np.ndarray:
        """The transition rows n (increasing) times ``vectors`` (columns + 1 rows)."""
        out = np.empty((len(n), vectors.shape[1]))
        for first, rows, width in self._blocks(index, n, columns):
            out[first : first + len(rows)] = self._rows(index, rows, width) @ vectors[: width + 1]
        return out

    def _dense(self, index: int, rows: int, columns: int) -> np.ndarray:
        out = np.zeros((rows + 1, columns + 1))
        for first, block, width in self._blocks(index, np.arange(rows + 1), columns):
            out[first : first + len(block), : width + 1] = self._rows(index, block, width)
        return out

    def _rows(self, index: int, n: np.ndarray, columns: int) -> np.ndarray:
        """P(count after stage ``index`` = k | n enter it), rows n, columns k = 0..columns."""
        size = max(int(n.max()), columns) + 1
        tables = self._tables.get(index)
        if tables is None or len(tables["row"]) < size:
            tables = self._tables[index] = _log_tables(self.stages[index], 2 * size)
        # log P(k | n) = row[n] + success[k] + failure[n - k]: the failure terms of a row
        # are a reversed slice of the table (-inf for k > n), read through a window view.
        reversed_failure = tables["reversed_failure"]
        windows = np.lib.stride_tricks.sliding_window_view(reversed_failure, columns + 1)
        log_pmf = windows[len(tables["row"]) - 1 - n]
        log_pmf += tables["row"][n][:, None]
        log_pmf += tables["success"][: columns + 1]
        return np.exp(log_pmf, out=log_pmf)


def _binomial_bound(n: int, rate: float) -> int:
    """A count that Binomial(n, rate) exceeds with probability below TAIL (Bernstein's
    inequality: P(X - mean >= s) <= exp(-s^2 / (2 var + 2 s / 3)))."""
    log_tail = -math.log(TAIL)
    variance = n * rate * (1 - rate)
    excess = log_tail / 3 + math.sqrt(log_tail**2 / 9 + 2 * log_tail * variance)
    return min(n, int(n * rate + excess) + 1)


def _mean_rate(stage: Stage) -> float:
    if stage.rate is not None:
        return float(stage.rate)
    a, b = stage.beta
    return a / (a + b)


def _upper_rate(stage: Stage) -> float:
    if stage.rate is not None:
        return float(stage.rate)
    return float(stats.beta.isf(TAIL, *stage.beta))


def _rounded(top: int) -> int:
    return -(-max(top, 1) // ROUND) * ROUND


def _log_tables(stage: Stage, size: int) -> dict[str, np.ndarray]:
    """log P(k of n) = row[n] + success[k] + failure[n - k], and the failure terms reversed
    then padded with -inf (for k > n), so a row's are one contiguous slice."""
    tables = _log_terms(stage, size)
    tables["reversed_failure"] = np.concatenate((tables["failure"][::-1], np.full(size, -np.inf)))
    return tables


def _log_terms(stage: Stage, size: int) -> dict[str, np.ndarray]:
    j = np.arange(size, dtype=float)
    factorial = special.gammaln(j + 1)
    if stage.rate is not None:
        rate = float(stage.rate)
        with np.errstate(divide="ignore"):
            success = j * np.log(rate) if rate > 0 else np.where(j == 0, 0.0, -np.inf)
            failure = j * np.log1p(-rate)
        return {
            "row": factorial,
            "success": success - factorial,
            "failure": failure - factorial,
        }
    a, b = stage.beta
    return {
        "row": factorial - special.gammaln(j + a + b) - special.betaln(a, b),
        "success": special.gammaln(j + a) - factorial,
        "failure": special.gammaln(j + b) - factorial,
    }


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
        blocks: Iterable[int] = range(0, days, DAY_BLOCK)
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
        self.conversion = Conversion(stages)
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
            targets = np.asarray(targets)
            distinct, index = np.unique(n, return_inverse=True)
            if self.conversion.fits(distinct):
                values = self.conversion.tail(targets, distinct)[index.reshape(-1)]
            else:
                values = tail(targets[None, :], n[:, None], self.p[:, None])
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
