"""Consistency checks of a joint plan (V2MOM or objectives and key results). Pure Python;
no Django.

from detente.analysis.plans import PlanInput, Priority, Measure, Obstacle, check_plan
findings = check_plan(PlanInput(priorities=[...], measures=[...], obstacles=[...]))
"""

from detente.analysis.plans.checks import (
    Finding,
    Measure,
    Obstacle,
    PlanInput,
    Priority,
    check_plan,
    pair,
)

__all__ = ["Finding", "Measure", "Obstacle", "PlanInput", "Priority", "check_plan", "pair"]
