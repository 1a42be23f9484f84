"""Guardrail checks: did each guardrail hold while the objective's KPI moved?

Every breach is a signal (objective, metric, period, value, bound) that the timeline and the
early-warning engine can take as input; the band is what the KPI chart draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.analysis.guardrails.model import GoalSet, Guardrail, Objective


@dataclass(frozen=True)
class Breach:
    side: str
    objective: str
    metric: str
    period: str
    value: float
    bound: str  # e.g. "at least 3.5"
    by: float  # how far outside the band, in the metric's units (positive)


@dataclass(frozen=True)
class GuardrailCheck:
    side: str
    objective: str
    metric: str
    band: tuple[float | None, float | None]  # lower, upper (None: open)
    bound: str
    readings: int  # periods with a value
    breaches: list[Breach]
    holds_now: bool | None  # at the latest reading; None if there is none
    statement: str


def describe_bound(g: Guardrail) -> str:
    parts = []
    if g.lower is not None:
        parts.append(f"{'above' if g.lower_strict else 'at least'} {g.lower:g}")
    if g.upper is not None:
        parts.append(f"{'below' if g.upper_strict else 'at most'} {g.upper:g}")
    return " and ".join(parts)


def _distance(g: Guardrail, value: float) -> float:
    if g.lower is not None and value <= g.lower:
        return g.lower - value
    if g.upper is not None and value >= g.upper:
        return value - g.upper
    return 0.0


def _movement(objective: Objective, periods: list[str]) -> str:
    points = [(p, v) for p, v in zip(periods, objective.history, strict=True) if v is not None]
    if len(points) < 2:
        return f"{objective.name} has fewer than two readings"
    (p0, v0), (p1, v1) = points[0], points[-1]
    verb = "rose" if v1 > v0 else "fell" if v1 < v0 else "stayed"
    if verb == "stayed":
        return f"{objective.name} stayed at {v0:g} from {p0} to {p1}"
    return f"{objective.name} {verb} {v0:g} → {v1:g} from {p0} to {p1}"


def check_guardrail(goals: GoalSet, objective: Objective, g: Guardrail) -> GuardrailCheck:
    bound = describe_bound(g)
    breaches = [
        Breach(objective.side, objective.name, g.metric, period, value, bound, _distance(g, value))
        for period, value in zip(goals.periods, g.history, strict=True)
        if value is not None and not g.holds(value)
    ]
    readings = [v for v in g.history if v is not None]
    holds_now = g.holds(readings[-1]) if readings else None
    moved = _movement(objective, goals.periods)
    if not readings:
        statement = f"{moved}; {g.metric} has no readings, so its guardrail ({bound}) is unchecked."
    elif not breaches:
        statement = f"{moved} while {g.metric} stayed {bound} in all {len(readings)} readings."
    else:
        listed = ", ".join(f"{b.period} ({b.value:g})" for b in breaches)
        statement = (
            f"{moved}, but {g.metric} broke its guardrail ({bound}) in {len(breaches)} of "
            f"{len(readings)} readings: {listed}"
            + ("; it is outside the band now." if not holds_now else "; it is back inside now.")
        )
    return GuardrailCheck(
        side=objective.side,
        objective=objective.name,
        metric=g.metric,
        band=(g.lower, g.upper),
        bound=bound,
        readings=len(readings),
        breaches=breaches,
        holds_now=holds_now,
        statement=statement,
    )


def check_guardrails(goals: GoalSet) -> list[GuardrailCheck]:
    return [check_guardrail(goals, o, g) for o in goals.objectives for g in o.guardrails]
