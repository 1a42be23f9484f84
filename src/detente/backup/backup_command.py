"""``detente backup FILE``: a backup of the whole database while the site runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from detente import backup as backups


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the backup file to write (replaced if present)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    try:
        info = backups.backup(args.file, progress=False if args.quiet else None)
    except backups.BackupError as exc:
        print(f"detente backup: {exc}", file=sys.stderr)
        return 1
    size = args.file.stat().st_size
    print(f"Backed up {backups.live_database()} to {args.file} ({size:,} bytes, {info.made_by}).")
    return 0
