"""``detente overlap prepare|respond|finish FILE``: the customer overlap exchange on files.

For a team whose account list must not touch a browser. The list (CSV: name, domain, kind)
is read, normalised and blinded on this machine; only the blinded messages go to the
other side (through detente's relay: the exchange page or ``/api/v1/.../overlap``).

    detente overlap prepare mine.csv --out request.json --secret secret.key [--reveal]
    detente overlap respond mine.csv request.json --out reply.json [--reveal]
    detente overlap finish mine.csv reply.json --secret secret.key [--json]

With ``--site URL --alliance ID`` (and ``--run ID`` to respond or finish) the messages go
to and from detente's relay directly, with the API token in ``$DETENTE_TOKEN``:

    detente overlap prepare mine.csv --secret s.key --site https://detente.example --alliance 4
    detente overlap respond mine.csv --site https://detente.example --alliance 4 --run 12
    detente overlap finish mine.csv --secret s.key --site https://detente.example --alliance 4 --run 12
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
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
    parser.add_argument("--site", help="detente's address: send and fetch the messages there")
    parser.add_argument("--alliance", type=int, help="with --site: the alliance's number")
    parser.add_argument("--run", type=int, help="with --site: the run to answer or finish")


class Relay:
    """detente's overlap API, with the token in $DETENTE_TOKEN."""

    def __init__(self, site: str, alliance: int | None) -> None:
        token = os.environ.get("DETENTE_TOKEN", "").strip()
        if not token:
            raise InputError("DETENTE_TOKEN", "set it to an API token (your account page)")
        if alliance is None:
            raise InputError("--alliance", "needed with --site: the alliance's number")
        self.base = f"{site.rstrip('/')}/api/v1/alliances/{alliance}/overlap"
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise InputError("--site", f"{method} {path or '/'}: {_refusal(exc)}") from None
        except urllib.error.URLError as exc:
            raise InputError("--site", f"cannot reach {self.base} ({exc.reason})") from None


def _refusal(exc: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(exc.read())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return f"refused ({exc.code})"
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if errors:
        return "; ".join(f"{e.get('field', '')}: {e.get('message', '')}" for e in errors)
    return f"{answer.get('detail', 'refused')} ({exc.code})"


def _run_of(args: argparse.Namespace) -> int:
    if args.run is None:
        raise InputError("--run", "needed with --site: the run's number (on its page)")
    return int(args.run)


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
            relay = Relay(args.site, args.alliance) if args.site else None
            secret, request = prepare(sets, reveal=args.reveal)
            Path(args.secret).write_text(secret + "\n", encoding="utf-8")
            Path(args.secret).chmod(0o600)
            if relay is None:
                _write(args.out, json.dumps(request))
            else:
                run_ = relay.call("POST", "/runs", {"request": request})
                print(
                    f"Asked {run_['answering_side']}: run {run_['id']}. Finish it with --run {run_['id']}."
                )
        elif args.step == "respond":
            if args.site:
                relay, number = Relay(args.site, args.alliance), _run_of(args)
                request = relay.call("GET", f"/runs/{number}/request")
                reply = respond(sets, request, reveal=args.reveal)
                answered = relay.call("POST", f"/runs/{number}/reply", {"reply": reply})
                print(f"Answered run {number}: {answered['status_text']}.")
            else:
                reply = respond(sets, _load(args.message, "request"), reveal=args.reveal)
                _write(args.out, json.dumps(reply))
        else:
            if not args.secret:
                raise InputError("--secret", "needed: the key file prepare wrote")
            secret = Path(args.secret).read_text(encoding="utf-8").strip()
            if args.site:
                relay, number = Relay(args.site, args.alliance), _run_of(args)
                overlap = finish(secret, sets, relay.call("GET", f"/runs/{number}/reply"))
                relay.call("POST", f"/runs/{number}/result", {"counts": overlap.counts})
            else:
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
