"""The conditions problem as plain dataclasses, and reading it from a file's mapping.

The Django site builds a :class:`Problem` from its own tables; the command builds it with
:func:`problem_from_dict`. Both go through :meth:`Problem.validate`, so the same bad input
gets the same message (naming the field) wherever it comes from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.analysis.files import InputError

DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Estimate:
    """A consideration's value for one option: a point (low == high) or a low-high range."""

    low: float
    high: float

    @property
    def central(self) -> float:
        # Ranges are scored at their midpoint; both ends are reported separately.
        return (self.low + self.high) / 2

    @property
    def is_range(self) -> bool:
        return self.high > self.low

    def as_json(self) -> float | list[float]:
        return [self.low, self.high] if self.is_range else self.low


@dataclass(frozen=True)
class Consideration:
    name: str
    direction: str  # "higher" (more is better) or "lower" (less is better)
    values: dict[str, Estimate]
    # Fixed normalisation scale [worst-to-best ends]; None means the span of the stated values.
    scale: tuple[float, float] | None = None


@dataclass(frozen=True)
class Party:
    name: str
    weights: dict[str, float]  # raw, any non-negative units; renormalised to shares
    # Optional bounds on each weight share (0..1), for robustness within the party's range.
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    options: list[str]
    considerations: list[Consideration]
    parties: list[Party]

    def validate(self) -> None:
        """Raise InputError for anything the engine cannot give a meaningful answer on."""
        if len(self.options) < 2:
            raise InputError("options", "need at least two options to compare")
        if len(set(self.options)) != len(self.options):
            raise InputError("options", "option names must be unique")
        if not self.considerations:
            raise InputError("considerations", "need at least one consideration")
        names = [c.name for c in self.considerations]
        for i, c in enumerate(self.considerations):
            where = f"considerations[{i}]"
            if names.count(c.name) > 1:
                raise InputError(f"{where}.name", f"duplicate consideration {c.name!r}")
            if c.direction not in DIRECTIONS:
                raise InputError(f"{where}.direction", "must be 'higher' or 'lower'")
            for option in self.options:
                if option not in c.values:
                    raise InputError(f"{where}.values", f"missing a value for option {option!r}")
            for option in c.values:
                if option not in self.options:
                    raise InputError(f"{where}.values.{option}", "not one of the options")
            if c.scale is not None and not c.scale[0] < c.scale[1]:
                raise InputError(f"{where}.scale", "must be [low, high] with low < high")
        self._check_distinct_options()
        if not self.parties:
            raise InputError("parties", "need at least one party with weights")
        party_names = [p.name for p in self.parties]
        for party in self.parties:
            where = f"parties.{party.name}"
            if party_names.count(party.name) > 1:
                raise InputError(where, "duplicate party")
            for name in names:
                if name not in party.weights:
                    raise InputError(f"{where}.weights", f"missing a weight for {name!r}")
            for name, w in party.weights.items():
                if name not in names:
                    raise InputError(f"{where}.weights.{name}", "not one of the considerations")
                if w < 0:
                    raise InputError(f"{where}.weights.{name}", "must not be negative")
            if sum(party.weights.values()) <= 0:
                raise InputError(
                    f"{where}.weights",
                    "all weights are zero; give at least one consideration a positive weight",
                )
            _check_bounds(where, party, names)

    def _check_distinct_options(self) -> None:
        for i, a in enumerate(self.options):
            for b in self.options[i + 1 :]:
                if all(c.values[a] == c.values[b] for c in self.considerations):
                    raise InputError(
                        "options",
                        f"{a} and {b} have the same values on every consideration, "
                        "so no weighting can tell them apart; merge them or add a "
                        "consideration that differs",
                    )


def _check_bounds(where: str, party: Party, names: list[str]) -> None:
    for name, (lo, hi) in party.bounds.items():
        if name not in names:
            raise InputError(f"{where}.bounds.{name}", "not one of the considerations")
        if not 0 <= lo <= hi <= 1:
            raise InputError(
                f"{where}.bounds.{name}",
                "must be [low, high] weight shares with 0 <= low <= high <= 1",
            )
    lows = sum(party.bounds.get(n, (0.0, 1.0))[0] for n in names)
    highs = sum(party.bounds.get(n, (0.0, 1.0))[1] for n in names)
    if lows > 1 + 1e-12 or highs < 1 - 1e-12:
        raise InputError(
            f"{where}.bounds",
            f"no weighting fits: the lower bounds sum to {lows:g} and the upper bounds to "
            f"{highs:g}, but shares must sum to 1",
        )


# --- reading a mapping (from YAML or JSON) -------------------------------------------------


def _number(value: Any, where: str, problem: str = "must be a number") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(where, problem)
    value = float(value)
    if not math.isfinite(value):
        raise InputError(where, "must be a finite number")
    return value


def _pair(value: Any, where: str, problem: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InputError(where, problem)
    lo, hi = (_number(v, where, problem) for v in value)
    return lo, hi


def _estimate(value: Any, where: str) -> Estimate:
    problem = "must be a number or [low, high]"
    if isinstance(value, list | tuple):
        lo, hi = _pair(value, where, problem)
        if lo > hi:
            raise InputError(where, f"range [{lo:g}, {hi:g}] has low above high")
        return Estimate(lo, hi)
    v = _number(value, where, problem)
    return Estimate(v, v)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(where, "must be a mapping")
    return value


def problem_from_dict(data: Any) -> Problem:
    """Build and validate a Problem from the file format documented in docs/engines/conditions.md."""
    data = _mapping(data, "")
    for key in data:
        if key not in ("options", "considerations", "parties"):
            raise InputError(str(key), "unknown field (expected options, considerations, parties)")
    options = data.get("options")
    if not isinstance(options, list) or not all(isinstance(o, str | int) for o in options):
        raise InputError("options", "must be a list of option names")
    options = [str(o) for o in options]

    raw_considerations = data.get("considerations")
    if not isinstance(raw_considerations, list):
        raise InputError("considerations", "must be a list")
    considerations = []
    for i, raw in enumerate(raw_considerations):
        where = f"considerations[{i}]"
        raw = _mapping(raw, where)
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise InputError(f"{where}.name", "must be a non-empty text")
        direction = raw.get("direction")
        if direction not in DIRECTIONS:
            raise InputError(f"{where}.direction", "must be 'higher' or 'lower'")
        values = _mapping(raw.get("values"), f"{where}.values")
        estimates = {str(k): _estimate(v, f"{where}.values.{k}") for k, v in values.items()}
        scale = None
        if raw.get("scale") is not None:
            scale = _pair(raw["scale"], f"{where}.scale", "must be [low, high]")
        considerations.append(Consideration(name, direction, estimates, scale))

    raw_parties = _mapping(data.get("parties"), "parties")
    parties = []
    for pname, raw in raw_parties.items():
        where = f"parties.{pname}"
        raw = _mapping(raw, where)
        weights = {
            str(k): _number(v, f"{where}.weights.{k}")
            for k, v in _mapping(raw.get("weights"), f"{where}.weights").items()
        }
        bounds = {}
        if raw.get("bounds") is not None:
            for k, v in _mapping(raw["bounds"], f"{where}.bounds").items():
                bounds[str(k)] = _pair(v, f"{where}.bounds.{k}", "must be [low, high]")
        parties.append(Party(str(pname), weights, bounds))

    problem = Problem(options, considerations, parties)
    problem.validate()
    return problem
