"""Plain data in and out of the early-warning engine.

The Django site reads health-check answers, interactions and recorded signals from the
database, turns them into these dataclasses and calls :func:`detente.analysis.warning.scan`;
the command line builds the same dataclasses from a CSV file. Nothing here knows about
either caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .fit import NoiseModel

Severity = Literal["watch", "warning", "alert"]
SEVERITIES: tuple[Severity, ...] = ("watch", "warning", "alert")

# A value recorded for both sides at once (the seed's scorecard gives one number per quarter).
COMBINED_SIDES = frozenset({"both", "joint"})


@dataclass(frozen=True)
class Observation:
    """One side's value of one measure in one period (a scorecard cell)."""

    alliance: str
    period: str  # "2026Q1" (quarterly) or "2026-01" (monthly)
    side: str  # the side's name, or "both"/"joint" for a value both sides share
    measure: str
    value: float


@dataclass(frozen=True)
class Signal:
    """A recorded behavioural signal: a fact someone logged, not a score."""

    alliance: str
    period: str
    kind: str  # one of ALL_SIGNAL_KINDS
    side: str = ""
    note: str = ""


@dataclass(frozen=True)
class MeasureSpec:
    """How a measure is read.

    ``swing`` is the usual period-to-period standard deviation of ONE side's value on a
    stable alliance. The statistical rules measure change in units of it, so it sets how
    big a move counts as unusual; teams should set it from their own history.
    ``lines`` are level thresholds (watch, warning, alert), crossed the worse way.
    """

    name: str
    label: str
    higher_is_better: bool
    swing: float
    lines: tuple[float, float, float] | None = None
    low: float | None = None  # allowed range of values, checked on input
    high: float | None = None
    unit: str = ""
    next_step: str = ""


@dataclass(frozen=True)
class Settings:
    """What the team sets.

    ``false_alarm_rate``: the budget of warnings-or-alerts per alliance-period on stable
    alliances (0.01 = at most 1 false alarm per 100 alliance-quarters), shared between
    the statistical rules by ``budget_shares``.
    """

    false_alarm_rate: float = 0.01
    budget_shares: dict[str, float] = field(
        default_factory=lambda: {"shift": 0.6, "decline": 0.15, "gap": 0.15, "broad": 0.1}
    )
    shift_windows: tuple[int, ...] = (1, 4)  # recent periods compared with all earlier ones
    trend_window: int = 8  # Mann-Kendall looks at the last 8 periods at most
    trend_min_points: int = 4  # below 4 points no ordering is rare enough to mean anything
    watch_factor: float = 4.0  # "watch" = p within 4x a test's share (outside the budget)
    alert_factor: float = 0.01  # "alert" = p below 1/100 of a test's share
    measures: dict[str, MeasureSpec] = field(default_factory=dict)  # overrides the catalogue
    # Learn each measure's swing, carry-over and sides' correlation from the data scanned
    # (fit.py). False: the documented swings with independent noise, as before issue 13.
    calibrate: bool = True
    noise: NoiseModel | None = None  # a model fitted elsewhere (the site's pool), used as is
    team_swings: frozenset[str] = frozenset()  # measures whose spec swing the team set


@dataclass(frozen=True)
class Alert:
    """One rule firing for one alliance, period and measure, with its evidence."""

    alliance: str
    period: str
    measure: str
    severity: Severity
    rule: str  # level, shift, decline, gap, broad, signal
    evidence: str  # the data and the rule, in plain words
    next_step: str
    side: str = ""  # "" = the alliance as a whole
    p_value: float | None = None  # chance of this evidence on a stable alliance
    values: tuple[tuple[str, float], ...] = ()  # (period, value) the rule looked at

    def as_dict(self) -> dict[str, object]:
        return {
            "alliance": self.alliance,
            "period": self.period,
            "measure": self.measure,
            "side": self.side,
            "severity": self.severity,
            "rule": self.rule,
            "evidence": self.evidence,
            "next_step": self.next_step,
            "p_value": self.p_value,
            "values": [{"period": p, "value": v} for p, v in self.values],
        }
