"""Restructure or exit: the cost-benefit comparison of ways to reshape an alliance.

Each side values each option with cash flows per period (low, likely and high estimates)
and scores on intangible factors; the engine gives the net present value of each estimate,
the weighted intangible score, and one combined value per side, so the options can be drawn
as value to side A against value to side B. Pure Python; no Django.

    from detente.analysis.restructuring import npv, Assessment, SideView, compare
"""

from detente.analysis.restructuring.engine import (
    OPTIONS,
    Assessment,
    CashFlows,
    OptionValue,
    SideView,
    compare,
    npv,
    npv_range,
    preferred,
    weighted_score,
)

__all__ = [
    "OPTIONS",
    "Assessment",
    "CashFlows",
    "OptionValue",
    "SideView",
    "compare",
    "npv",
    "npv_range",
    "preferred",
    "weighted_score",
]
