"""``detente scan``: the early-warning scan of the database; run it on a schedule.

Scans every alliance that is not closed (or the ones named), stores new alerts and
updates existing ones in place (a re-run adds nothing), emails each new warning to the
managers of the sides that may see it, sends due survey reminders and daily digests.
Incremental: an alliance whose engine inputs, pool noise models and settings are the same
as at its last scan is skipped (its alerts would come out the same); ``--all`` scans every
one. Django is set up by ``detente.cli`` before ``run`` is called.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--alliance", type=int, action="append", metavar="ID", help="scan only this alliance"
    )
    parser.add_argument("--no-email", action="store_true", help="store alerts, send no email")
    parser.add_argument(
        "--no-reminders", action="store_true", help="do not send due survey reminders"
    )
    parser.add_argument(
        "--digest-now", action="store_true", help="send pending digests even if one went today"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="scan every alliance, also those unchanged since their last scan",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from detente.health import services, warning
    from detente.health.models import Cycle
    from detente.records.models import Alliance

    alliances = Alliance.objects.exclude(status=Alliance.Status.CLOSED).order_by("id")
    if args.alliance:
        alliances = alliances.filter(pk__in=args.alliance)
        missing = set(args.alliance) - set(alliances.values_list("pk", flat=True))
        if missing:
            print(f"detente scan: no open alliance with id {sorted(missing)[0]}", file=sys.stderr)
            return 2
    totals = warning.scan_all(
        alliances,
        notify=not args.no_email,
        progress=not args.quiet,
        force=args.all,
    )
    reminders = 0
    if not args.no_reminders and not args.no_email:
        cycles = Cycle.objects.filter(alliance__in=alliances, closed_at=None)
        reminders = services.send_reminders(None, services.due_reminders(cycles))
    digests = 0 if args.no_email else warning.send_digests(force=args.digest_now)
    # One cron line does it all: conflicts whose dispute-ladder rung has run out climb too.
    from detente.conflicts.ladder import escalate_due

    escalations = [] if args.alliance else escalate_due()
    print(
        f"{totals['alliances']} alliance(s) scanned, {totals['skipped']} skipped as unchanged "
        f"since their last scan: {totals['created']} new alert(s), "
        f"{totals['updated']} updated, {totals['unchanged']} unchanged; "
        f"{reminders} reminder(s) and {digests} digest(s) sent; "
        f"{len(escalations)} conflict(s) escalated."
    )
    return 0
