"""What kind of number a KPI is, and a guess from its unit and name.

The kind decides which realism question makes sense (docs/goals.md):

- a **cumulative count** (drivers onboarded, deals signed) adds up period by period towards
  its target, so the funnel's realism check applies;
- a **level** (sites live, FTE), a **rate or ratio** (ROI %, rides per month) and a
  **duration** (median triage time in hours) are read as they stand in each period: they
  are never summed, and the question is whether their own trend reaches the target.

``infer_kind`` is used for KPIs saved without a kind (the migration of existing KPIs, the API
and the demo when they leave it out). It answers *count*, *rate* or *duration* only when the
unit or the wording says so plainly, and *level* otherwise.
"""

from __future__ import annotations

import re

COUNT = "count"
LEVEL = "level"
RATE = "rate"
DURATION = "duration"

CHOICES = [
    (COUNT, "Cumulative count (adds up over the periods)"),
    (LEVEL, "Level (a value as it stands)"),
    (RATE, "Rate or ratio (%, per month, ROI)"),
    (DURATION, "Duration (hours, days)"),
]

SHORT = {COUNT: "cumulative count", LEVEL: "level", RATE: "rate or ratio", DURATION: "duration"}

_DURATION_UNITS = {
    "h", "hr", "hrs", "hour", "hours", "min", "mins", "minute", "minutes", "s", "sec",
    "secs", "second", "seconds", "ms", "d", "day", "days", "week", "weeks", "month",
    "months",
}  # fmt: skip
_RATE_UNITS = {"%", "percent", "pct", "pp", "points", "ratio", "x", "×", "nps"}
_RATE_WORDS = re.compile(
    r"\b(rate|ratio|roi|share|margin|percentage|conversion|churn|nps|adherence|utili[sz]ation)\b"
)
_DURATION_WORDS = re.compile(r"\b(time|duration|latency|lead time|cycle time|hours|days)\b")
# A count that adds up: the wording names new things happening in each period.
_FLOW_WORDS = re.compile(
    r"\b(onboarded|signed|booked|sold|won|closed|new|added|hired|launched|shipped|"
    r"delivered|completed|in the (quarter|month|period))\b"
)


def infer_kind(unit: str, name: str = "", metric: str = "") -> str:
    """The kind a KPI's unit, name and metric plainly say, else ``LEVEL``.

    >>> infer_kind("h", "Incident triage time")
    'duration'
    >>> infer_kind("%", "Joint project ROI")
    'rate'
    >>> infer_kind("drivers", "Drivers onboarded in Vietnam")
    'count'
    >>> infer_kind("sites", "Sites on AI anomaly detection")
    'level'
    """
    unit_text = (unit or "").strip().lower()
    words = f"{name} {metric}".lower()
    if unit_text in _RATE_UNITS or unit_text.endswith("%"):
        return RATE
    if re.search(r"\bper\b|/", unit_text):
        return RATE
    if unit_text in _DURATION_UNITS:
        return DURATION
    if _RATE_WORDS.search(words):
        return RATE
    if _DURATION_WORDS.search(words) and not _FLOW_WORDS.search(words):
        return DURATION
    if _FLOW_WORDS.search(words):
        return COUNT
    return LEVEL


def is_summable(kind: str) -> bool:
    """Whether a KPI's period values may be added up (only a cumulative count's)."""
    return kind == COUNT
