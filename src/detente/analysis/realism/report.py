"""The plain-text report of a realism check, for the terminal."""

from __future__ import annotations

from typing import Any

BAR_WIDTH = 40


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    out = [line, "  ".join("-" * w for w in widths)]
    for row in rows:
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return out


def histogram_lines(bins: list[dict[str, Any]], target: int) -> list[str]:
    peak = max(b["probability"] for b in bins) or 1.0
    lines = []
    for b in bins:
        label = str(b["from"]) if b["from"] == b["to"] else f"{b['from']}-{b['to']}"
        bar = "#" * round(BAR_WIDTH * b["probability"] / peak)
        mark = "  <- target" if b["from"] <= target <= b["to"] else ""
        lines.append(f"  {label:>11} |{bar:<{BAR_WIDTH}} {_pct(b['probability']):>6}{mark}")
    if target > bins[-1]["to"]:
        lines.append(f"  {'':>11}  (target {target} lies beyond every likely outcome)")
    return lines


def render(result: dict[str, Any], seed: int) -> str:
    req = result["required"]
    top, last = req[0]["stage"], req[-1]["stage"]
    target = result["target"]
    out = [
        f"Goal realism: {target} {last} by {result['deadline']}",
        f"{result['working_days']} working days from {result['start']}; activity counts until "
        f"{result['last_activity_day']} ({result['activity_days']} working days) so that it "
        "converts in time",
        "",
        "What the target demands",
    ]
    rows = [
        [
            r["stage"],
            "-" if r["rate"] is None else f"{r['rate']:.3f}",
            f"{r['total']:.2f}".rstrip("0").rstrip("."),
            "-" if r["per_working_day"] is None else f"{r['per_working_day']:.2f}",
            r["reach_by"] or "-",
        ]
        for r in req
    ]
    out += _table(["stage", "rate", "total", "per working day", "reach by"], rows)
    out.append("")
    pace = f"Today's pace: {result['current_pace']:.2f} {top} per working day "
    pace += f"({result['history_days']} working days of history)."
    out.append(pace)
    if result["gap_ratio"] is not None:
        out.append(
            f"Needs {result['required_pace']:.2f} per working day: "
            f"{result['gap_ratio']:.1f}x today's pace."
        )
    out.append("")
    how = (
        "exact"
        if result["method"] == "exact"
        else f"Monte Carlo, {result['trials']:,} trials, seed {seed}"
    )
    stderr = result["probability_stderr"]
    plus = f" +/- {100 * stderr:.2f} pts (1 s.e.)" if stderr else ""
    out.append(
        f"Probability of {target} {last} by {result['deadline']}: "
        f"{_pct(result['probability'])}{plus} ({how}; {result['model']['activity']} model)"
    )
    out.append(f"Expected {last}: {result['expected_outcome']:.1f}. Outcomes:")
    out += histogram_lines(result["outcome_histogram"], target)
    out.append("")
    c = _pct(result["confidence"])
    out.append(f"Realistic at {c} confidence")
    out.append(
        f"  target: {result['realistic_target']} {last} by {result['deadline']} "
        f"({_pct(result['realistic_target_probability'])})"
    )
    if result["realistic_date"]:
        out.append(f"  date:   {target} {last} by {result['realistic_date']}")
    else:
        out.append(f"  date:   not by {result['horizon']} (the horizon looked at)")
    if result["pace_needed"] is not None:
        out.append(
            f"  pace:   {result['pace_needed']:.1f} {top} per working day "
            f"({result['pace_needed_ratio']:.2f}x today's)"
        )
    ref = result.get("reference_class")
    if ref:
        out += ["", f"Reference class ({ref['class_size']} past {ref['kind']} goals)"]
        q = ref["quantiles"]
        out.append(
            f"  ratio actual/planned: median {q['0.50']:.2f}, 10%-90% {q['0.10']:.2f} to "
            f"{q['0.90']:.2f}; {_pct(ref['share_met'])} met their plan"
        )
        out.append(f"  {ref['meaning']}")
        if "adjusted_target" in ref:
            out.append(f"  adjusted target: {ref['adjusted_target']} {last}")
        if "adjusted_deadline" in ref:
            out.append(f"  adjusted deadline: {ref['adjusted_deadline']}")
        out += [f"  note: {n}" for n in ref["notes"]]
    phases = result.get("phases")
    if phases:
        out += ["", f"Phased plan (pace x{phases['ramp']:.2f} per phase, {phases['ramp_source']})"]
        for title, plan in (("as asked", phases), ("proposed", phases["proposed"])):
            out.append(f"  {title}:")
            rows = [
                [
                    m["phase"],
                    m["end"],
                    str(m["target"]),
                    str(m["cumulative_target"]),
                    _pct(m["probability"]),
                ]
                for m in plan["milestones"]
            ]
            out += [
                "    " + line
                for line in _table(["phase", "ends", "target", "cumulative", "probability"], rows)
            ]
            out.append(f"    every milestone met: {_pct(plan['all_milestones_probability'])}")
    if result["warnings"]:
        out += ["", "Warnings"] + [f"  - {w}" for w in result["warnings"]]
    return "\n".join(out)
