"""``detente negotiate FILE [--json]``."""

from __future__ import annotations

import argparse
import json
import sys

from detente.analysis.files import InputError, load_document

from .engine import DEFAULT_TIES_LISTED, solve
from .parse import problem_from_document
from .report import result_json, text_report

# Below this many issue blocks the merge is instant; a progress bar would only flicker.
PROGRESS_FROM_BLOCKS = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="negotiation file (YAML or JSON)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--max-ties",
        type=int,
        default=DEFAULT_TIES_LISTED,
        metavar="N",
        help=f"list at most N tied packages per frontier point (default {DEFAULT_TIES_LISTED})",
    )


def run(args: argparse.Namespace) -> int:
    try:
        if args.max_ties < 1:
            raise InputError("--max-ties", "must be at least 1")
        problem = problem_from_document(load_document(args.file))
        progress = sys.stderr.isatty() and len(problem.issues) >= PROGRESS_FROM_BLOCKS
        result = solve(problem, max_ties=args.max_ties, progress=progress)
    except InputError as exc:
        print(f"detente negotiate: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(result_json(result), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(text_report(result))
    return 0
