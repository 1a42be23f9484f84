"""``detente escalate``: climb the dispute ladder for every conflict whose rung's time is up.

Run it from cron (hourly is plenty). Each run is idempotent: a rung is climbed once.
Django is set up by ``detente.cli`` before ``run`` is called.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print nothing when nothing is due")


def run(args: argparse.Namespace) -> int:
    from detente.conflicts.ladder import escalate_due

    moves = escalate_due()
    for m in moves:
        where = f"to rung {m.to_rung}" if m.to_rung else "past the top rung"
        print(
            f"conflict {m.conflict_id}: rung {m.from_rung} -> {where}; notified {len(m.notified)}"
        )
    if moves or not args.quiet:
        print(f"{len(moves)} conflict(s) escalated.")
    return 0
