""" "What needs to be true": the conditions under which one option beats another.

Parties weigh the same considerations differently and so rank the options differently. This
engine states, exactly, the weights, weight ratios and estimate values at which each party's
preference flips, which estimates would settle the disagreement if learned, and how much of
the space of all weightings each option wins. Pure Python on numpy/scipy; no Django.

    from detente.analysis.conditions import analyse, problem_from_dict
    result = analyse(problem_from_dict(data))
    result.statements(); result.as_json()
"""

from detente.analysis.conditions.engine import (
    Bound,
    ConditionsResult,
    PairConditions,
    RankedOption,
    Ranking,
    RatioFlip,
    Settler,
    ValueFlip,
    WeightFlip,
    analyse,
)
from detente.analysis.conditions.model import (
    Consideration,
    Estimate,
    Party,
    Problem,
    problem_from_dict,
)
from detente.analysis.conditions.robustness import Robustness

__all__ = [
    "Bound",
    "ConditionsResult",
    "Consideration",
    "Estimate",
    "PairConditions",
    "Party",
    "Problem",
    "RankedOption",
    "Ranking",
    "RatioFlip",
    "Robustness",
    "Settler",
    "ValueFlip",
    "WeightFlip",
    "analyse",
    "problem_from_dict",
]
