"""Net present value with ranges, weighted intangible scores, and value to each side.

The method, written out so a reader can check any number by hand:

* Cash flows are given per period, period 0 being now (not discounted). With a discount
  rate ``r`` per period, ``NPV = sum(cf_t / (1 + r) ** t for t = 0..n-1)``; the same
  convention as ``numpy_financial.npv``.
* Uncertain estimates come as three series, low, likely and high, with
  ``low_t <= likely_t <= high_t`` in every period. NPV is linear in the cash flows and
  every discount factor is positive, so the NPV of the low series is the lowest NPV any
  series inside the band can have, and the NPV of the high series the highest: the range
  is exact, not sampled.
* Intangible factors (relationship, reputation, strategic option value, ...) are scored
  from -2 (much worse than today) to +2 (much better), 0 meaning no change. A side's
  weights (any non-negative numbers) are turned into shares; the weighted score is
  ``sum(w_f * s_f) / sum(w_f)``, so it stays on the -2..+2 scale.
* A side states what one point of that scale is worth to it in money (``per_point``). The
  combined value of an option to the side is ``NPV(likely) + per_point * weighted score``,
  with the range ``NPV(low) + ...`` to ``NPV(high) + ...``. A side that does not want to
  price intangibles sets ``per_point`` to 0 and compares on cash alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from detente.analysis.files import InputError

# The restructuring options of seed 001, in the order they are shown.
OPTIONS: dict[str, str] = {
    "continue": "Continue as is",
    "descope": "De-scope to what is still aligned",
    "phased": "Phased, milestone-driven projects",
    "modular": "Modular menu of opt-in projects",
    "licensing": "Licensing or resale instead of a joint venture",
    "spinoff": "Spin off the contested project",
    "exit": "Exit",
}
SCORE_MIN, SCORE_MAX = -2, 2


def _finite(value: float, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(where, "must be a number") from None
    if not math.isfinite(number):
        raise InputError(where, "must be a finite number")
    return number


def npv(cash_flows: Iterable[float], rate: float) -> float:
    """Net present value of cash flows at periods 0, 1, 2, ... at ``rate`` per period."""
    rate = _finite(rate, "rate")
    if rate <= -1:
        raise InputError("rate", "must be greater than -100%")
    total = 0.0
    factor = 1.0
    for t, cf in enumerate(cash_flows):
        total += _finite(cf, f"cash_flows[{t}]") / factor
        factor *= 1 + rate
    return total


@dataclass(frozen=True)
class CashFlows:
    """Low, likely and high cash flows per period (period 0 = now)."""

    low: tuple[float, ...]
    likely: tuple[float, ...]
    high: tuple[float, ...]

    @classmethod
    def point(cls, flows: Sequence[float]) -> CashFlows:
        values = tuple(float(v) for v in flows)
        return cls(values, values, values)

    def validate(self, where: str = "cash_flows") -> None:
        n = len(self.likely)
        if n == 0:
            raise InputError(f"{where}.likely", "give at least one period's cash flow")
        for name in ("low", "high"):
            if len(getattr(self, name)) != n:
                raise InputError(
                    f"{where}.{name}",
                    f"has {len(getattr(self, name))} periods but likely has {n}",
                )
        for t, (lo, mid, hi) in enumerate(zip(self.low, self.likely, self.high, strict=True)):
            for name, v in (("low", lo), ("likely", mid), ("high", hi)):
                _finite(v, f"{where}.{name}[{t}]")
            if not lo <= mid <= hi:
                raise InputError(
                    f"{where}.low[{t}]",
                    f"period {t}: need low <= likely <= high, got {lo:g}, {mid:g}, {hi:g}",
                )


def npv_range(flows: CashFlows, rate: float) -> tuple[float, float, float]:
    """(low, likely, high) NPV; exact bounds since NPV is linear with positive factors."""
    flows.validate()
    return npv(flows.low, rate), npv(flows.likely, rate), npv(flows.high, rate)


def weighted_score(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Weighted mean of the scores (-2..+2) with the weights turned into shares.

    A factor without a score counts as 0 (no change); a side with all weights 0 gets 0.
    """
    total = 0.0
    weight_sum = 0.0
    for factor, w in weights.items():
        w = _finite(w, f"weights.{factor}")
        if w < 0:
            raise InputError(f"weights.{factor}", "must not be negative")
        s = _finite(scores.get(factor, 0), f"scores.{factor}")
        if not SCORE_MIN <= s <= SCORE_MAX:
            raise InputError(f"scores.{factor}", f"must be between {SCORE_MIN} and {SCORE_MAX}")
        total += w * s
        weight_sum += w
    for factor in scores:
        if factor not in weights:
            raise InputError(f"scores.{factor}", "has no weight; give the factor a weight")
    return total / weight_sum if weight_sum > 0 else 0.0


@dataclass(frozen=True)
class SideView:
    """How one side weighs the intangible factors and prices one point of their scale."""

    side: str
    weights: dict[str, float]
    per_point: float = 0.0


@dataclass(frozen=True)
class Assessment:
    """One side's estimate of one option."""

    side: str
    option: str
    flows: CashFlows
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class OptionValue:
    side: str
    option: str
    npv_low: float
    npv_likely: float
    npv_high: float
    intangible: float  # weighted score, -2..+2
    intangible_value: float  # per_point * intangible
    value_low: float
    value_likely: float
    value_high: float

    def as_json(self) -> dict[str, float | str]:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def compare(
    assessments: Iterable[Assessment], views: Mapping[str, SideView], rate: float
) -> list[OptionValue]:
    """The value of every assessed option to the side that assessed it."""
    out = []
    for i, a in enumerate(assessments):
        where = f"assessments[{i}]"
        if a.side not in views:
            raise InputError(f"{where}.side", f"no weights for side {a.side!r}")
        a.flows.validate(f"{where}.cash_flows")
        view = views[a.side]
        lo, mid, hi = npv(a.flows.low, rate), npv(a.flows.likely, rate), npv(a.flows.high, rate)
        try:
            score = weighted_score(a.scores, view.weights)
        except InputError as exc:
            raise InputError(f"{where}.{exc.field}", exc.problem) from None
        extra = _finite(view.per_point, f"views.{a.side}.per_point") * score
        out.append(
            OptionValue(
                a.side, a.option, lo, mid, hi, score, extra, lo + extra, mid + extra, hi + extra
            )
        )
    return out


def preferred(values: Iterable[OptionValue], side: str) -> OptionValue | None:
    """The side's option of highest likely combined value (ties: the earlier option)."""
    mine = [v for v in values if v.side == side]
    order = list(OPTIONS)
    mine.sort(key=lambda v: (-v.value_likely, order.index(v.option) if v.option in order else 99))
    return mine[0] if mine else None
