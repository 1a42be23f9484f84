"""``detente overlap prepare|respond|finish FILE``: the customer overlap exchange on files.

For a team whose account list must not touch a browser. The list (CSV: name, domain, kind)
is read, normalised and blinded on this machine; only the blinded messages go to the
other side (through detente's relay: the exchange page or ``/api/v1/.../overlap``).

    detente overlap prepare mine.csv --out request.json --secret secret.key [--reveal]
    detente overlap respond mine.csv request.json --out reply.json [--reveal]
    detente overlap finish mine.csv reply.json --secret secret.key [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..files import InputError
from .accounts import KINDS, kind_sets, read_accounts
from .exchange import finish, prepare, respond

MAX_ACCOUNTS = 200_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("step", choices=["prepare", "respond", "finish"])
    parser.add_argument("file", help="your accounts: CSV with columns name, domain, kind")
    parser.add_argument("message", nargs="?", help="respond: the request; finish: the reply")
    parser.add_argument("--out", help="where to write the message to send (default: stdout)")
    parser.add_argument("--secret", help="prepare writes, finish reads your secret key here")
    parser.add_argument(
        "--reveal",
        action="store_true",
        help="ask for (prepare) or agree to (respond) the list of shared accounts, not counts",
    )
    parser.add_argument("--json", action="store_true", help="finish: print the result as JSON")


def _load(path: str | None, what: str) -> Any:
    if not path:
        raise InputError(what, "missing: give the file the other side sent")
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(what, f"file not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(what, f"{path} is not a message of this exchange ({exc})") from None


def _write(path: str | None, text: str) -> None:
    if path:
        Path(path).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def run(args: argparse.Namespace) -> int:
    try:
        accounts = read_accounts(args.file, limit=MAX_ACCOUNTS)
        sets = kind_sets(accounts)
        if args.step == "prepare":
            if not args.secret:
                raise InputError("--secret", "needed: where to keep your key until finish")
            secret, request = prepare(sets, reveal=args.reveal)
            Path(args.secret).write_text(secret + "\n", encoding="utf-8")
            Path(args.secret).chmod(0o600)
            _write(args.out, json.dumps(request))
        elif args.step == "respond":
            reply = respond(sets, _load(args.message, "request"), reveal=args.reveal)
            _write(args.out, json.dumps(reply))
        else:
            if not args.secret:
                raise InputError("--secret", "needed: the key file prepare wrote")
            secret = Path(args.secret).read_text(encoding="utf-8").strip()
            overlap = finish(secret, sets, _load(args.message, "reply"))
            result: dict[str, Any] = overlap.as_dict()
            if overlap.shared is not None:
                result["shared"] = overlap.shared_names(accounts)
            if args.json:
                print(json.dumps(result, indent=2))
            else:
                _print(result)
    except (InputError, OSError) as exc:
        print(f"detente overlap: {exc}", file=sys.stderr)
        return 2
    return 0


def _print(result: dict[str, Any]) -> None:
    print(f"{result['total']} of your accounts are also the other side's accounts.")
    for mine in KINDS:
        for theirs in KINDS:
            n = result["counts"][mine][theirs]
            if n:
                print(f"  your {mine}s that are their {theirs}s: {n}")
                for name in result.get("shared", {}).get(mine, {}).get(theirs, []):
                    print(f"    {name}")
