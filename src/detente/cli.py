"""The ``detente`` command: the site (serve, demo, migrate, createuser) and each engine on files.

Site commands set up Django; engine commands never do, so an analyst's script on a file
does not need a database. Engine commands live next to their engine in
``detente.analysis.<engine>.command`` and expose ``add_arguments(parser)`` and
``run(args) -> int``; they are imported only when chosen.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# name -> (module, one-line help). Keep in step with docs/cli.md.
ENGINE_COMMANDS: dict[str, tuple[str, str]] = {
    "realism": ("detente.analysis.realism.command", "goal realism: funnel, probability, plan"),
    "negotiate": ("detente.analysis.negotiation.command", "Pareto frontier and fair packages"),
    "conditions": ("detente.analysis.conditions.command", "what needs to be true for A to beat B"),
    "guardrails": ("detente.analysis.guardrails.command", "goal-conflict map and guardrail checks"),
    "warn": ("detente.analysis.warning.command", "early-warning alerts on a health-check CSV"),
    "overlap": ("detente.analysis.overlap.command", "customer overlap without sharing lists"),
}


# Site commands that need the database: name -> (module, help). Each module exposes
# ``add_arguments(parser)`` and ``run(args) -> int`` and is imported only when chosen.
SITE_COMMANDS: dict[str, tuple[str, str]] = {
    "scan": (
        "detente.health.scan_command",
        "scan the database for early warnings (run it on a schedule)",
    ),
    "escalate": (
        "detente.conflicts.escalate_command",
        "climb the dispute ladder where a rung's time is up (for cron)",
    ),
    "backup": ("detente.backup.backup_command", "back up the whole database (while it runs)"),
    "restore": ("detente.backup.restore_command", "replace the database with a backup"),
    "worker": ("detente.jobs.worker", "run background jobs: emails, webhooks, digests, scans"),
}


def _setup_django(data_dir: str | None) -> None:
    if data_dir:
        os.environ["DETENTE_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detente.settings")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _serve(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    _call("migrate", "--no-input", "-v", "0")
    from django.core.management import call_command

    _start_worker(args)
    call_command("runserver", f"{args.host}:{args.port}", "--noreload", "--insecure")
    return 0


def _start_worker(args: argparse.Namespace) -> None:
    """Jobs (emails, webhooks, digests) run in a thread of this process, unless a separate
    ``detente worker`` runs them (``--no-worker``)."""
    if not args.no_worker:
        from detente.jobs.worker import start_in_process

        start_in_process()


def _demo(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    _call("migrate", "--no-input", "-v", "0")
    from detente.demo.build import build_demo, print_logins

    workspace = build_demo(reset=True)
    if args.alliances:
        from detente.demo.bulk import VIEWER_ORGANISATION, add_alliances

        total = add_alliances(args.alliances)
        print(f"{args.alliances} copies added, {total} alliances in all;")
        print(f"{VIEWER_ORGANISATION}'s people see every copy.")
    print_logins(workspace, f"http://{args.host}:{args.port}/")
    if args.no_serve:
        return 0
    from django.core.management import call_command

    _start_worker(args)
    call_command("runserver", f"{args.host}:{args.port}", "--noreload", "--insecure")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    _call("migrate", "--no-input")
    return 0


def _createuser(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from detente.accounts.commands import create_user_interactively

    return create_user_interactively(args)


def _manage(args: argparse.Namespace) -> int:
    _setup_django(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["detente manage", *args.django_args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="detente",
        description="detente: a two-sided workspace for partnerships whose parties want "
        "different things.",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder for the SQLite database and secret key (default: $DETENTE_DATA_DIR or ./data)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for name, helptext in (("serve", "serve the site"), ("demo", "build the demo and serve it")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", default=8000, type=int)
        p.add_argument(
            "--no-worker", action="store_true", help="run no jobs here (a `detente worker` does)"
        )
        if name == "demo":
            p.add_argument("--no-serve", action="store_true", help="only build the demo")
            p.add_argument(
                "--alliances",
                type=int,
                default=0,
                metavar="N",
                help="add N copies of the demo's alliances, for measuring scale (docs/benchmarks.md)",
            )
        p.set_defaults(func=_serve if name == "serve" else _demo)

    sub.add_parser("migrate", help="create or update the database tables").set_defaults(
        func=_migrate
    )
    p = sub.add_parser("createuser", help="create a user (and optionally an organisation)")
    p.add_argument("--email", required=True)
    p.add_argument("--name", default="")
    p.add_argument("--organisation", default=None, help="organisation to join (created if new)")
    p.add_argument("--role", default="admin", choices=["admin", "manager", "member", "readonly"])
    p.add_argument("--superuser", action="store_true", help="may use the Django admin")
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p.set_defaults(func=_createuser)

    p = sub.add_parser(
        "manage", help="run a Django management command (collectstatic, createsuperuser, …)"
    )
    p.add_argument("django_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_manage)

    for name, (module, helptext) in {**SITE_COMMANDS, **ENGINE_COMMANDS}.items():
        p = sub.add_parser(name, help=helptext)
        p.set_defaults(engine_module=module)
        # Arguments are added on demand (see main) so unused engines are never imported.
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Engine subcommands: let the engine module define its own arguments.
    data_dir = None
    if len(argv) >= 2 and argv[0] == "--data-dir":
        data_dir, argv = argv[1], argv[2:]
    elif argv and argv[0].startswith("--data-dir="):
        data_dir, argv = argv[0].split("=", 1)[1], argv[1:]
    if argv and argv[0] in SITE_COMMANDS:
        _setup_django(data_dir)
        module = importlib.import_module(SITE_COMMANDS[argv[0]][0])
        site_parser = argparse.ArgumentParser(
            prog=f"detente {argv[0]}", description=SITE_COMMANDS[argv[0]][1]
        )
        module.add_arguments(site_parser)
        return int(module.run(site_parser.parse_args(argv[1:])) or 0)
    if data_dir is not None:
        argv = ["--data-dir", data_dir, *argv]
    for i, token in enumerate(argv):
        if token in ENGINE_COMMANDS:
            module = importlib.import_module(ENGINE_COMMANDS[token][0])
            engine_parser = argparse.ArgumentParser(
                prog=f"detente {token}", description=ENGINE_COMMANDS[token][1]
            )
            module.add_arguments(engine_parser)
            args = engine_parser.parse_args(argv[i + 1 :])
            return int(module.run(args) or 0)
        if not token.startswith("-"):
            break
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
