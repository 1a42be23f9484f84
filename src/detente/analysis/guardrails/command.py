"""``detente guardrails FILE [--json]``: guardrail checks and the goal-conflict map."""

from __future__ import annotations

import argparse
import json
import sys

from detente.analysis.files import InputError, load_document
from detente.analysis.guardrails.engine import analyse
from detente.analysis.guardrails.model import goals_from_dict


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="YAML or JSON file: periods, sides with objectives")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument(
        "--levels",
        action="store_true",
        help="correlate the KPI levels instead of their period-to-period changes",
    )
    parser.add_argument(
        "--confidence", type=float, default=0.9, help="level of the correlation intervals"
    )


def run(args: argparse.Namespace) -> int:
    try:
        if not 0 < args.confidence < 1:
            raise InputError("--confidence", "must be between 0 and 1, e.g. 0.9")
        goals = goals_from_dict(load_document(args.file))
        result = analyse(
            goals, basis="levels" if args.levels else "changes", confidence=args.confidence
        )
    except InputError as exc:
        print(f"detente guardrails: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_json(), indent=2, allow_nan=False))
        return 0
    for statement in result.statements():
        print(f"- {statement}")
    for m in result.maps:
        print()
        print(f"{m.sides[0]} (rows) × {m.sides[1]} (columns), {m.basis}:")
        width = max(len(r) for r in m.rows) + 2
        for row in m.rows:
            cells = [c for c in m.cells if c.row == row]
            shown = "  ".join(
                f"{c.column}: {c.relation}"
                + ("" if c.correlation is None else f" ({c.correlation.r:+.2f})")
                for c in cells
            )
            print(f"  {row:<{width}}{shown}")
    return 0
