"""The result as JSON (a public contract) and as a readable text report with a chart."""

from __future__ import annotations

from typing import Any

from .model import FairPoint, NegotiationResult, Outcome

FAIR_NAMES = {
    "nash": "Nash bargaining solution",
    "kalai_smorodinsky": "Kalai-Smorodinsky",
    "egalitarian": "Egalitarian (maximin gain)",
    "max_welfare": "Maximum total welfare",
}
CHART_MARKS = {"nash": "N", "kalai_smorodinsky": "K", "egalitarian": "E", "max_welfare": "W"}


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "package": dict(outcome.package),
        "utilities": dict(outcome.utilities),
        "acceptable": outcome.acceptable,
        "ties": outcome.ties,
    }
    if outcome.ties > 1:
        entry["tied_packages"] = [dict(p) for p in outcome.tied_packages]
    return entry


def fair_json(point: FairPoint | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {
        **outcome_json(point.outcome),
        "gains": dict(point.gains),
        "criterion": point.criterion,
        "equally_good": point.equally_good,
    }


def result_json(result: NegotiationResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "parties": list(result.parties),
        "walk_away": dict(result.walk_away),
        "package_count": result.package_count,
        "exact": result.exact,
        "frontier": [outcome_json(o) for o in result.frontier],
        "nash": fair_json(result.nash),
        "kalai_smorodinsky": fair_json(result.kalai_smorodinsky),
        "egalitarian": fair_json(result.egalitarian),
        "max_welfare": fair_json(result.max_welfare),
        "notes": list(result.notes),
    }
    if result.improvements is not None:
        imp = result.improvements
        data["improvements"] = {
            "tentative": outcome_json(imp.tentative),
            "on_frontier": imp.on_frontier,
            "packages": [outcome_json(o) for o in imp.outcomes],
            "fair": fair_json(imp.fair),
        }
    return data


def _package_text(outcome: Outcome) -> str:
    return ", ".join(f"{k}={v}" for k, v in outcome.package.items())


def _utilities_text(outcome: Outcome) -> str:
    return "  ".join(f"{p} {u:.3f}" for p, u in outcome.utilities.items())


def _spread(items: list[Outcome], count: int) -> list[Outcome]:
    """At most ``count`` items, evenly spaced, always including both ends."""
    if len(items) <= count:
        return items
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


def chart(result: NegotiationResult, width: int = 60, height: int = 20) -> list[str]:
    """Text scatter of a two-party frontier: first party across, second party up."""
    first, second = result.parties
    grid = [[" "] * (width + 1) for _ in range(height + 1)]

    def cell(x: float, y: float) -> tuple[int, int]:
        return height - round(y * height), round(x * width)

    row, col = cell(result.walk_away[first], result.walk_away[second])
    for c in range(width + 1):
        grid[row][c] = "-"
    for r in range(height + 1):
        grid[r][col] = "|" if grid[r][col] == " " else "+"
    for outcome in result.frontier:
        r, c = cell(outcome.utilities[first], outcome.utilities[second])
        grid[r][c] = "*" if outcome.acceptable else "."
    if result.improvements is not None:
        t = result.improvements.tentative
        r, c = cell(t.utilities[first], t.utilities[second])
        grid[r][c] = "T"
    for name, mark in CHART_MARKS.items():
        point: FairPoint | None = getattr(result, name)
        if point is not None:
            r, c = cell(point.outcome.utilities[first], point.outcome.utilities[second])
            # Several fair points often coincide; show that instead of hiding one.
            grid[r][c] = mark if grid[r][c] in "*.T" else "@"
    lines = [f"{second} utility"]
    for r, cells in enumerate(grid):
        label = f"{1 - r / height:4.1f} " if r % 5 == 0 else "     "
        lines.append(label + "".join(cells).rstrip())
    lines.append("     " + "0" + " " * (width - 1) + "1")
    lines.append(f"     {first} utility across.  * frontier  . frontier below a walk-away")
    lines.append("     N Nash  K Kalai-Smorodinsky  E egalitarian  W max welfare  @ several")
    lines.append("     T tentative deal   lines: walk-away values")
    return lines


def text_report(result: NegotiationResult, rows: int = 15) -> str:
    parties = result.parties
    acceptable = [o for o in result.frontier if o.acceptable]
    lines = [
        f"Negotiation between {', '.join(parties[:-1])} and {parties[-1]}",
        f"{result.package_count:,} possible packages; {len(result.frontier)} on the exact "
        f"Pareto frontier, {len(acceptable)} of them clear every walk-away value.",
        "Walk-away values: " + ", ".join(f"{p} {w:.3f}" for p, w in result.walk_away.items()),
    ]
    lines += [f"Note: {n}" for n in result.notes]
    lines += ["", "Fair packages (gains measured from the walk-away values)"]
    for name, title in FAIR_NAMES.items():
        point: FairPoint | None = getattr(result, name)
        if point is None:
            lines.append(f"  {title}: none (no package clears every walk-away value)")
            continue
        ties = f"  ({point.outcome.ties} packages tie)" if point.outcome.ties > 1 else ""
        lines.append(f"  {title}: {_utilities_text(point.outcome)}{ties}")
        lines.append(f"      {_package_text(point.outcome)}")
    shown = _spread(result.frontier, rows)
    lines += ["", f"Frontier along {parties[0]}'s utility ({len(shown)} of {len(result.frontier)})"]
    for outcome in shown:
        flag = " " if outcome.acceptable else "x"
        ties = f" [{outcome.ties} tie]" if outcome.ties > 1 else ""
        lines.append(f" {flag} {_utilities_text(outcome)}{ties}  {_package_text(outcome)}")
    if any(not o.acceptable for o in shown):
        lines.append("   x: below a walk-away value, never proposed")
    if result.improvements is not None:
        imp = result.improvements
        lines += ["", f"Tentative deal: {_utilities_text(imp.tentative)}"]
        if imp.on_frontier:
            lines.append("  It is on the frontier: no package is better for one side and no")
            lines.append("  worse for the other.")
        elif not imp.outcomes:
            lines.append("  No acceptable package improves on it for every side.")
        else:
            lines.append(f"  {len(imp.outcomes)} frontier packages leave no side worse off.")
            if imp.fair is not None:
                lines.append(
                    f"  Fair improvement (Nash from the deal): {_utilities_text(imp.fair.outcome)}"
                )
                lines.append(f"      {_package_text(imp.fair.outcome)}")
    if len(parties) == 2:
        lines += ["", *chart(result)]
    return "\n".join(lines)
