"""The measures the engine knows, and the recorded signal kinds.

Swings are defaults for a stable alliance, in the units of the measure, for ONE side's
value. They follow the seed's scorecard scales (1-5 scores, percentages); a team with a
few quarters of its own history should replace them (``Settings.measures`` or
``detente warn --swing measure=value``).
"""

from __future__ import annotations

from dataclasses import replace

from .model import MeasureSpec

DIALOGUE = (
    "Hold a facilitated dialogue on neutral ground with open questions: what has changed "
    "in your strategic landscape, and where does the alliance sit among your top three "
    "priorities?"
)
_RESOURCES = (
    "Review resource commitments against the agreement with both sides' operational "
    "leads, commitment by commitment."
)
_VALUE = (
    "Re-check the shared value proposition with finance data from both sides before the "
    "next health check."
)
_ENGAGEMENT = (
    "Call the counterpart directly: ask what competes for their time and whether the "
    "alliance's contacts are still the right people."
)
_METRICS = "Reconcile the KPI definitions and data sources both sides report from."

CATALOGUE: dict[str, MeasureSpec] = {
    m.name: m
    for m in (
        MeasureSpec(
            "alignment",
            "strategic goal alignment",
            True,
            0.2,
            (3.5, 3.0, 2.5),
            1,
            5,
            next_step=DIALOGUE,
        ),
        MeasureSpec(
            "satisfaction",
            "partner satisfaction",
            True,
            0.2,
            (3.5, 3.0, 2.5),
            1,
            5,
            next_step=DIALOGUE,
        ),
        MeasureSpec(
            "adherence",
            "resource commitment adherence",
            True,
            3.0,
            (90, 85, 75),
            0,
            100,
            unit="%",
            next_step=_RESOURCES,
        ),
        MeasureSpec(
            "roi",
            "joint project ROI",
            True,
            2.0,
            (5, 0, -5),
            None,
            None,
            unit="%",
            next_step=_VALUE,
        ),
        MeasureSpec(
            "response_rate",
            "health-check response rate",
            True,
            8.0,
            (60, 45, 30),
            0,
            100,
            unit="%",
            next_step=_ENGAGEMENT,
        ),
        MeasureSpec(
            "response_days",
            "days to answer the partner's requests",
            False,
            1.0,
            (5, 8, 12),
            0,
            None,
            next_step=_ENGAGEMENT,
        ),
        MeasureSpec(
            "overdue",
            "overdue commitments",
            False,
            1.0,
            (3, 5, 8),
            0,
            None,
            next_step=_RESOURCES,
        ),
        MeasureSpec(
            "kpi_gap",
            "discrepancy between the sides' KPI figures",
            False,
            2.0,
            (5, 10, 20),
            0,
            None,
            unit="%",
            next_step=_METRICS,
        ),
    )
}

# The team's own survey dimensions (trust, communication, governance, ...) are 1-5 scores.
_SURVEY_DIMENSION = CATALOGUE["alignment"]

SIGNAL_KINDS: dict[str, str] = {
    "resource_change_requests": "request to change the agreed resource allocation",
    "messaging_shifts": "shift in the partner's strategic messaging",
    "overlapping_launches": "launch by the partner overlapping the alliance's domain",
}
SIGNAL_NEXT_STEP = (
    "Raise it openly at the next health check and ask what it means for the partner's "
    "priorities; record the answer on the alliance's timeline."
)

# The other signals the timeline records (issue 5): a KPI discrepancy, raised by the
# objectives app when the two sides report different values for a shared KPI; falling
# responsiveness noted by a person (besides the reply-time measure ``response_days`` that
# the site computes from the interactions log); and anything else a person thought worth
# recording. They are kept apart from SIGNAL_KINDS, which stays seed 001's first three,
# so that code written for those (tests/analysis/test_warning_identical.py draws its
# portfolio from ``sorted(SIGNAL_KINDS)``) sees exactly what it saw before.
MORE_SIGNAL_KINDS: dict[str, str] = {
    "kpi_discrepancies": "KPI discrepancy between the sides",
    "falling_responsiveness": "sign of falling responsiveness from the partner's contacts",
    "other_signals": "other signal of possible divergence",
    # Issue 18: an agreed (or a side's own) milestone the realism engine finds at risk, or
    # one whose due date passed short of its target.
    "milestones_off_track": "milestone at risk or missed",
}
ALL_SIGNAL_KINDS: dict[str, str] = {**SIGNAL_KINDS, **MORE_SIGNAL_KINDS}
# English plurals where adding an "s" to the label would be wrong (new kinds only: the
# first three keep their wording, which stored alerts and the fixture test hold).
SIGNAL_PLURALS: dict[str, str] = {
    "kpi_discrepancies": "KPI discrepancies between the sides",
    "falling_responsiveness": "signs of falling responsiveness from the partner's contacts",
    "other_signals": "other signals of possible divergence",
    "milestones_off_track": "milestones at risk or missed",
}
# Seed 001: a discrepancy in shared KPIs matters "especially if one partner consistently
# underperforms or overperforms in a way that suggests a different priority".
_KPI_DISCREPANCY_STEP = (
    "Put both sides' figures side by side with the people who report them and reconcile "
    "the KPI's definition and data sources; then ask openly whether one side's figures "
    "point to a different priority, and record the answer on the alliance's timeline."
)
_MILESTONE_STEP = (
    "Put the milestone on the next joint review: compare the pace so far with the pace it "
    "needs, and agree whether to add effort, re-phase it or change its target and date "
    "together, rather than letting either side quietly give up on it."
)
SIGNAL_NEXT_STEPS: dict[str, str] = {
    "milestones_off_track": _MILESTONE_STEP,
    "kpi_discrepancies": _KPI_DISCREPANCY_STEP,
    "falling_responsiveness": _ENGAGEMENT,
}


def signal_next_step(kind: str) -> str:
    return SIGNAL_NEXT_STEPS.get(kind, SIGNAL_NEXT_STEP)


ESCALATION = (
    " If a dialogue does not settle it, take the first step of the agreement's dispute ladder."
)


def spec_for(name: str, overrides: dict[str, MeasureSpec] | None = None) -> MeasureSpec:
    """The spec of a measure; an unknown name is read as a 1-5 survey dimension."""
    if overrides and name in overrides:
        return overrides[name]
    if name in CATALOGUE:
        return CATALOGUE[name]
    return replace(_SURVEY_DIMENSION, name=name, label=name.replace("_", " "))
