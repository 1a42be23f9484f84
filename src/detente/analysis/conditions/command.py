"""``detente conditions FILE [--json]``: what needs to be true for one option to beat another."""

from __future__ import annotations

import argparse
import json
import sys

from detente.analysis.conditions.engine import analyse
from detente.analysis.conditions.model import problem_from_dict
from detente.analysis.conditions.robustness import DEFAULT_SAMPLES
from detente.analysis.conditions.statements import num
from detente.analysis.files import InputError, load_document


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="YAML or JSON file: options, considerations, parties")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument(
        "--all-pairs",
        action="store_true",
        help="thresholds for every pair of options, not only those the parties disagree on",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=DEFAULT_SAMPLES,
        help="weightings drawn when robustness is sampled (more than 6 considerations)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for sampled robustness")
    parser.add_argument(
        "--hide-weights-of",
        action="append",
        default=[],
        metavar="PARTY",
        help="show this party's preference only: no weights, scores, margins or thresholds, "
        "from which its weights would follow (repeatable)",
    )
    parser.add_argument(
        "--disclose-conditions-of",
        action="append",
        default=[],
        metavar="PARTY",
        help="for a party hidden by --hide-weights-of, show its thresholds anyway "
        "(its weights can then be deduced from them) (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        if args.samples < 1:
            raise InputError("--samples", "must be at least 1")
        problem = problem_from_dict(load_document(args.file))
        for flag, named in (
            ("--hide-weights-of", args.hide_weights_of),
            ("--disclose-conditions-of", args.disclose_conditions_of),
        ):
            for party in named:
                if party not in {p.name for p in problem.parties}:
                    raise InputError(flag, f"no party named {party!r}")
        result = analyse(
            problem,
            pairs="all" if args.all_pairs else "disagreements",
            samples=args.samples,
            seed=args.seed,
            progress=sys.stderr.isatty(),
        )
    except InputError as exc:
        print(f"detente conditions: {exc}", file=sys.stderr)
        return 2
    if args.json:
        # Serialise fully before writing, so a failure never leaves half a document.
        data = result.as_json(args.hide_weights_of, args.disclose_conditions_of)
        print(json.dumps(data, indent=2, allow_nan=False))
        return 0
    hidden = set(args.hide_weights_of)
    for ranking in result.rankings:
        if ranking.party in hidden:  # order only: scores would give the weights away
            ranked = " > ".join(o.option for o in ranking.options) + " (weights private)"
        else:
            ranked = ", ".join(f"{o.option} {num(o.score)}" for o in ranking.options)
        print(f"{ranking.party}: {ranked}")
    print()
    for statement in result.statements(hidden, args.disclose_conditions_of):
        print(f"- {statement}")
    return 0
