"""Guardrail checks and the goal-conflict map together, with their JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from detente.analysis.guardrails.checks import Breach, GuardrailCheck, check_guardrails
from detente.analysis.guardrails.conflict import Basis, ConflictMap, conflict_maps
from detente.analysis.guardrails.model import GoalSet


@dataclass(frozen=True)
class GuardrailsResult:
    goals: GoalSet
    checks: list[GuardrailCheck]
    maps: list[ConflictMap]

    @property
    def signals(self) -> list[Breach]:
        """Every breach, in period order: inputs for the timeline and the early warning."""
        order = {p: i for i, p in enumerate(self.goals.periods)}
        return sorted((b for c in self.checks for b in c.breaches), key=lambda b: order[b.period])

    def statements(self) -> list[str]:
        return [c.statement for c in self.checks] + [s for m in self.maps for s in m.statements]

    def as_json(self) -> dict:
        return {
            "periods": list(self.goals.periods),
            "objectives": [
                {
                    "side": o.side,
                    "name": o.name,
                    "direction": o.direction,
                    "horizon": o.horizon,
                    "history": list(o.history),
                }  # fmt: skip
                for o in self.goals.objectives
            ],
            "guardrails": [
                {
                    "side": c.side,
                    "objective": c.objective,
                    "metric": c.metric,
                    "band": {"lower": c.band[0], "upper": c.band[1]},
                    "bound": c.bound,
                    "readings": c.readings,
                    "holds_now": c.holds_now,
                    "breaches": [asdict(b) for b in c.breaches],
                    "statement": c.statement,
                }
                for c in self.checks
            ],
            "signals": [asdict(b) for b in self.signals],
            "conflict_maps": [_map_json(m) for m in self.maps],
            "statements": self.statements(),
        }


def _map_json(m: ConflictMap) -> dict:
    cells = []
    for c in m.cells:
        k = c.correlation
        cells.append(
            {
                "row": c.row,
                "column": c.column,
                "relation": c.relation,
                "strength": c.strength,
                "r": None if k is None else k.r,
                "interval": None if k is None else [k.low, k.high],
                "p_value": None if k is None else k.p_value,
                "pairs": c.pairs,
                "horizons": list(c.horizons),
                "horizon_mismatch": c.horizon_mismatch,
                "reason": c.reason,
            }
        )
    return {
        "sides": list(m.sides),
        "rows": m.rows,
        "columns": m.columns,
        "basis": m.basis,
        "confidence": m.confidence,
        "cells": cells,
        "statements": m.statements,
    }


def analyse(
    goals: GoalSet, *, basis: Basis = "changes", confidence: float = 0.9
) -> GuardrailsResult:
    return GuardrailsResult(goals, check_guardrails(goals), conflict_maps(goals, basis, confidence))
