"""``detente realism FILE [--json] [--seed N]``."""

from __future__ import annotations

import argparse
import json
import sys

from detente.analysis.files import InputError, load_document

from .analysis import analyse
from .report import render


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="YAML or JSON realism file (see docs/engines/realism.md)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the simulation (default 0); same seed, same numbers",
    )


def run(args: argparse.Namespace) -> int:
    try:
        result = analyse(load_document(args.file), seed=args.seed, progress=sys.stderr.isatty())
    except InputError as exc:
        print(f"detente realism: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(render(result, args.seed))
    return 0
