"""``detente restore FILE``: replace the database with a backup, all or nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from detente import backup as backups


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a file written by `detente backup`")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    try:
        info = backups.inspect(args.file)
    except backups.BackupError as exc:
        print(f"detente restore: {exc}", file=sys.stderr)
        return 1
    target = backups.live_database()
    if not args.yes:
        print(f"Restore {info.describe()}\ninto {target}?")
        print("Every change made since the backup was taken will be lost.")
        try:
            answer = input("Type 'yes' to restore: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            print("Nothing was restored.", file=sys.stderr)
            return 1
    try:
        backups.restore(args.file, progress=False if args.quiet else None)
    except backups.BackupError as exc:
        print(f"detente restore: {exc}", file=sys.stderr)
        return 1
    print(f"Restored {target} to the backup taken {info.created_at}.")
    pending = backups.pending_migrations()
    if pending:
        # An older backup: bring its tables up to this version, as after any upgrade.
        from django.core.management import call_command

        print(f"The backup predates {len(pending)} migration(s) of this version; applying them.")
        call_command("migrate", "--no-input", "-v", "0")
    return 0
