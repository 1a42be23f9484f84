"""Guardrail metrics and the goal-conflict map. Pure Python on numpy/scipy; no Django.

from detente.analysis.guardrails import analyse, goals_from_dict
result = analyse(goals_from_dict(data))
result.checks, result.signals, result.maps, result.as_json()
"""

from detente.analysis.guardrails.checks import Breach, GuardrailCheck, check_guardrails
from detente.analysis.guardrails.conflict import Cell, ConflictMap, conflict_maps
from detente.analysis.guardrails.correlation import Correlation, correlate
from detente.analysis.guardrails.engine import GuardrailsResult, analyse
from detente.analysis.guardrails.model import GoalSet, Guardrail, Objective, goals_from_dict

__all__ = [
    "Breach",
    "Cell",
    "ConflictMap",
    "Correlation",
    "GoalSet",
    "Guardrail",
    "GuardrailCheck",
    "GuardrailsResult",
    "Objective",
    "analyse",
    "check_guardrails",
    "conflict_maps",
    "correlate",
    "goals_from_dict",
]
