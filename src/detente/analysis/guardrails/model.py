"""Objectives with KPI histories and guardrails, as plain dataclasses, and reading them.

A history is a list aligned with the file's `periods`; a missing reading is null (None).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.analysis.files import InputError

HORIZONS = ("quarter", "year", "multi-year")
# Bound keywords: inclusive (at_least, at_most) or strict (above, below).
BOUND_KEYS = ("at_least", "above", "at_most", "below")


@dataclass(frozen=True)
class Guardrail:
    """Another metric that must stay within bounds while the objective's KPI moves."""

    metric: str
    history: list[float | None]
    lower: float | None = None
    upper: float | None = None
    lower_strict: bool = False  # "above" rather than "at least"
    upper_strict: bool = False  # "below" rather than "at most"

    def holds(self, value: float) -> bool:
        if self.lower is not None:
            below_floor = value <= self.lower if self.lower_strict else value < self.lower
            if below_floor:
                return False
        if self.upper is not None:
            above_ceiling = value >= self.upper if self.upper_strict else value > self.upper
            if above_ceiling:
                return False
        return True


@dataclass(frozen=True)
class Objective:
    name: str
    side: str
    direction: str  # "higher" or "lower" is better
    history: list[float | None]
    horizon: str | None = None  # "quarter", "year" or "multi-year"
    guardrails: list[Guardrail] = field(default_factory=list)


@dataclass(frozen=True)
class GoalSet:
    periods: list[str]
    objectives: list[Objective]

    @property
    def sides(self) -> list[str]:
        return list(dict.fromkeys(o.side for o in self.objectives))


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(where, "must be a mapping")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(where, "must be a finite number")
    return float(value)


def _history(value: Any, where: str, periods: list[str]) -> list[float | None]:
    if not isinstance(value, list):
        raise InputError(where, f"must be a list of {len(periods)} numbers (null if missing)")
    if len(value) != len(periods):
        raise InputError(where, f"has {len(value)} values but there are {len(periods)} periods")
    return [None if v is None else _number(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _guardrail(raw: Any, where: str, periods: list[str]) -> Guardrail:
    raw = _mapping(raw, where)
    metric = raw.get("metric")
    if not isinstance(metric, str) or not metric:
        raise InputError(f"{where}.metric", "must be a non-empty text")
    present = [k for k in BOUND_KEYS if k in raw]
    if not present:
        raise InputError(where, "needs a bound: at_least, above, at_most or below")
    if "at_least" in raw and "above" in raw:
        raise InputError(where, "give either at_least or above, not both")
    if "at_most" in raw and "below" in raw:
        raise InputError(where, "give either at_most or below, not both")
    lower_key = "above" if "above" in raw else "at_least" if "at_least" in raw else None
    upper_key = "below" if "below" in raw else "at_most" if "at_most" in raw else None
    lower = _number(raw[lower_key], f"{where}.{lower_key}") if lower_key else None
    upper = _number(raw[upper_key], f"{where}.{upper_key}") if upper_key else None
    if lower is not None and upper is not None and lower >= upper:
        raise InputError(where, f"the lower bound {lower:g} is not below the upper bound {upper:g}")
    return Guardrail(
        metric=metric,
        history=_history(raw.get("history"), f"{where}.history", periods),
        lower=lower,
        upper=upper,
        lower_strict=lower_key == "above",
        upper_strict=upper_key == "below",
    )


def goals_from_dict(data: Any) -> GoalSet:
    """Build a GoalSet from the file format in docs/engines/guardrails.md."""
    data = _mapping(data, "")
    periods = data.get("periods")
    if not isinstance(periods, list) or not periods:
        raise InputError("periods", "must be a non-empty list of period names")
    periods = [str(p) for p in periods]
    if len(set(periods)) != len(periods):
        raise InputError("periods", "period names must be unique")
    sides = _mapping(data.get("sides"), "sides")
    if not sides:
        raise InputError("sides", "need at least one side")
    objectives = []
    for side, raw_side in sides.items():
        where_side = f"sides.{side}"
        raw_objectives = _mapping(raw_side, where_side).get("objectives")
        if not isinstance(raw_objectives, list) or not raw_objectives:
            raise InputError(f"{where_side}.objectives", "must be a non-empty list")
        names = set()
        for i, raw in enumerate(raw_objectives):
            where = f"{where_side}.objectives[{i}]"
            raw = _mapping(raw, where)
            name = raw.get("name")
            if not isinstance(name, str) or not name:
                raise InputError(f"{where}.name", "must be a non-empty text")
            if name in names:
                raise InputError(f"{where}.name", f"duplicate objective {name!r} on this side")
            names.add(name)
            direction = raw.get("direction", "higher")
            if direction not in ("higher", "lower"):
                raise InputError(f"{where}.direction", "must be 'higher' or 'lower'")
            horizon = raw.get("horizon")
            if horizon is not None and horizon not in HORIZONS:
                raise InputError(f"{where}.horizon", "must be 'quarter', 'year' or 'multi-year'")
            raw_guardrails = raw.get("guardrails") or []
            if not isinstance(raw_guardrails, list):
                raise InputError(f"{where}.guardrails", "must be a list")
            objectives.append(
                Objective(
                    name=name,
                    side=str(side),
                    direction=direction,
                    history=_history(raw.get("history"), f"{where}.history", periods),
                    horizon=horizon,
                    guardrails=[
                        _guardrail(g, f"{where}.guardrails[{k}]", periods)
                        for k, g in enumerate(raw_guardrails)
                    ],
                )
            )
    return GoalSet(periods, objectives)
