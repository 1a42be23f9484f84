"""Re-negotiation engine: the exact two-party Pareto frontier, fair packages, improvements.

Plain dataclasses in (:class:`Problem`) and out (:class:`NegotiationResult`); no Django.
"""

from .engine import MAX_MULTIPARTY_PACKAGES, solve
from .model import (
    Constraint,
    FairPoint,
    Improvements,
    Issue,
    NegotiationResult,
    Outcome,
    Preferences,
    Problem,
)
from .parse import problem_from_document

__all__ = [
    "MAX_MULTIPARTY_PACKAGES",
    "Constraint",
    "FairPoint",
    "Improvements",
    "Issue",
    "NegotiationResult",
    "Outcome",
    "Preferences",
    "Problem",
    "problem_from_document",
    "solve",
]
