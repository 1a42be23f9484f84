"""One interface over the exact and the simulated outcome distributions, and the searches
for a realistic target, date and pace built on it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import exact
from .inputs import Plan
from .simulate import Simulation

PILOT_TRIALS = 1_000


@dataclass
class Outcomes:
    """P(last stage >= t) for t, the number of activity days and a pace multiplier."""

    plan: Plan
    method: str  # "exact" or "monte_carlo"
    simulation: Simulation | None = None
    _exact: dict[tuple[int, float], exact.Distribution] = field(default_factory=dict)
    budget: exact.Budget = field(default_factory=exact.Budget)
    days: int = 0  # the plan's activity days, seed and progress: to size a fallback
    seed: int = 0
    progress: bool = False
    _simulated: Outcomes | None = None

    @property
    def trials(self) -> int | None:
        return self.simulation.trials if self.simulation else None

    def distribution(self, days: int, pace: float = 1.0) -> exact.Distribution:
        key = (days, pace)
        if key not in self._exact:
            history = np.asarray(self.plan.history)
            self._exact[key] = exact.outcome(
                self.plan.activity, history, self.plan.conversion, days, pace, self.budget
            )
        return self._exact[key]

    def survival(
        self, targets: list[int] | np.ndarray, days: int, pace: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        targets = np.atleast_1d(np.asarray(targets, dtype=np.int64))
        if self.simulation is not None:
            values, stderr = self.simulation.survival(targets, days, pace)
        else:
            dist = self.distribution(days, pace)
            values = np.array([dist.survival(int(t)) for t in targets])
            stderr = np.zeros(len(targets))
        # Sums of many small terms can land a few ulps outside [0, 1].
        return np.clip(values, 0.0, 1.0), stderr

    def simulated(self) -> Outcomes:
        """The same questions answered by simulation (built once, sized like the main one):
        the fallback when an exact distribution would exceed the budget."""
        if self.simulation is not None:
            return self
        if self._simulated is None:
            self._simulated = build_outcomes(
                self.plan, self.days, self.seed, self.progress, simulate=True
            )
        return self._simulated

    def probability(self, target: int, days: int, pace: float = 1.0) -> tuple[float, float]:
        value, stderr = self.survival([target], days, pace)
        return float(value[0]), float(stderr[0])

    def upper_bound(self, days: int, pace: float = 1.0) -> int:
        """A count the last stage never exceeds (so its survival there is 0)."""
        if self.simulation is not None:
            return int(np.floor(self.simulation.activity(days).max() * pace + 1e-9)) + 1
        dist = self.distribution(days, pace)
        return dist.offset + len(dist.pmf)


def build_outcomes(
    plan: Plan, days: int, seed: int, progress: bool = False, simulate: bool = False
) -> Outcomes:
    """Exact when the activity model allows it (and ``simulate`` is not asked); otherwise a
    simulation sized so that the standard error of P(hit the target by the deadline) is at
    most ``plan.target_stderr``."""
    if plan.activity != "bootstrap" and not simulate:
        outcomes = Outcomes(plan, "exact", days=days, seed=seed, progress=progress)
        try:
            outcomes.distribution(days)
            return outcomes
        except exact.TooLargeForExact:
            pass  # fall through to simulation
    history = np.asarray(plan.history)
    pilot_trials = min(PILOT_TRIALS, plan.max_trials)
    simulation = Simulation(plan.activity, history, plan.conversion, pilot_trials, seed, progress)
    # Size from the variance seen so far, add the missing trials, and check again: the
    # pilot's trials are kept, so nothing is thrown away. Usually one step is enough.
    while simulation.trials < plan.max_trials:
        _, stderr = simulation.survival(np.array([plan.target]), days)
        if stderr[0] <= plan.target_stderr:
            break
        variance = float(stderr[0]) ** 2 * simulation.trials
        needed = min(plan.max_trials, math.ceil(1.02 * variance / plan.target_stderr**2) + 100)
        simulation.add_trials(max(needed - simulation.trials, 100))
    return Outcomes(
        plan, "monte_carlo", simulation=simulation, days=days, seed=seed, progress=progress
    )


def realistic_target(outcomes: Outcomes, days: int, confidence: float, pace: float = 1.0) -> int:
    """The largest t with P(last stage >= t) >= confidence (0 if none is that likely)."""
    lo, hi = 0, outcomes.upper_bound(days, pace)  # survival(lo) = 1 >= c, survival(hi) = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if outcomes.probability(mid, days, pace)[0] >= confidence:
            lo = mid
        else:
            hi = mid
    return lo


def days_needed(outcomes: Outcomes, target: int, confidence: float, max_days: int) -> int | None:
    """The fewest activity days with P(hit target) >= confidence, or None beyond max_days."""
    if max_days <= 0 or outcomes.probability(target, max_days)[0] < confidence:
        return None
    lo, hi = 0, max_days  # hi always meets the confidence
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if outcomes.probability(target, mid)[0] >= confidence:
            hi = mid
        else:
            lo = mid
    return hi


def pace_multiplier_needed(
    outcomes: Outcomes, target: int, days: int, confidence: float, *, tolerance: float = 1e-3
) -> float | None:
    """The smallest multiplier of today's activity with P(hit target) >= confidence."""
    if days <= 0:
        return None

    def meets(k: float) -> bool:
        return outcomes.probability(target, days, k)[0] >= confidence

    lo, hi = 0.0, 1.0
    while not meets(hi):
        lo, hi = hi, hi * 2
        if hi > 1e4:
            return None
    while hi - lo > tolerance * hi:
        mid = (lo + hi) / 2
        if meets(mid):
            hi = mid
        else:
            lo = mid
    return hi
