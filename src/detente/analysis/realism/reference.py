"""Reference-class forecasting (Flyvbjerg): judge a goal by how similar past goals turned out.

For value goals the ratio is achieved / planned; the adjustment at confidence c is the ratio
that at least a share c of the class reached, so a target scaled by it would have been met
as often as c. For duration goals the ratio is actual / planned duration; the adjustment is
the ratio that at most a share c of the class exceeded (the uplift is that ratio minus 1).
Both are order statistics of the class, with no interpolation, so a claim like "80% of past
goals reached at least 0.62 of plan" can be checked by counting.
"""

from __future__ import annotations

import math

import numpy as np

from .inputs import PastGoal

SMALL_CLASS = 10
FLYVBJERG_CLASS = 20  # a class of 20 or more is the usual recommendation


def reference_class(goals: tuple[PastGoal, ...], kind: str, confidence: float) -> dict:
    ratios = np.sort(np.array([g.actual / g.planned for g in goals]))
    n = len(ratios)
    if kind == "value":
        # Largest r with #(ratio >= r) >= c * n: the order statistic at index floor((1-c) n).
        index = math.floor((1 - confidence) * n + 1e-9)
        adjustment = float(ratios[min(index, n - 1)])
        reached = int(np.sum(ratios >= adjustment))
        meaning = (
            f"{reached} of {n} past goals reached at least {adjustment:.2f} of plan; "
            f"scale the target by {adjustment:.2f} to be met as often as {confidence:.0%}"
        )
    else:
        # Smallest r with #(ratio <= r) >= c * n: the order statistic at index ceil(c n) - 1.
        index = max(0, math.ceil(confidence * n - 1e-9) - 1)
        adjustment = float(ratios[index])
        reached = int(np.sum(ratios <= adjustment))
        meaning = (
            f"{reached} of {n} past goals took at most {adjustment:.2f} times the planned "
            f"duration; add {adjustment - 1:.0%} to the plan to finish on time as often as "
            f"{confidence:.0%}"
        )
    notes = []
    tail = (1 - confidence) * n
    if n < SMALL_CLASS:
        notes.append(f"small class: {n} past goals (fewer than {SMALL_CLASS}); treat as a hint")
    elif n < FLYVBJERG_CLASS:
        notes.append(f"modest class: {n} past goals (20 or more is the usual recommendation)")
    if tail < 1:
        notes.append(
            f"at {confidence:.0%} confidence the tail holds {tail:.1f} goals, so the adjustment "
            "is the most extreme past goal; a larger class would resolve it"
        )
    return {
        "kind": kind,
        "class_size": n,
        "ratios": [round(float(r), 6) for r in ratios],
        "mean": float(ratios.mean()),
        "quantiles": {
            f"{q:.2f}": float(np.quantile(ratios, q)) for q in (0.1, 0.25, 0.5, 0.75, 0.9)
        },
        "share_met": float(np.mean(ratios >= 1) if kind == "value" else np.mean(ratios <= 1)),
        "adjustment": adjustment,
        "meaning": meaning,
        "notes": notes,
    }
