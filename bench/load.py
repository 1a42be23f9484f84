"""Load: the demo under gunicorn on loopback, 200 locust users reading and writing for 60 s.

    .venv/bin/python bench/load.py [--users 200] [--time 60] [--workers 4] [--threads 4]

SQLite in a fresh temporary folder by default; with DATABASE_URL set, that PostgreSQL
database (its tables are replaced by the demo). Steps: build the demo; sign every simulated
user in (a session and an API token each, for one of the demo's people, so the run does not
spend its time hashing passwords); start gunicorn; run locust headless
(bench/load_locustfile.py); stop gunicorn; then check and print:

- zero errors: no 5xx, no 4xx, no connection error (locust's failures), no traceback or
  "database is locked" in gunicorn's log;
- one audit row per write: the audit rows written during the run are exactly the successful
  writes locust logged (model, id, action, actor), one each;
- nothing half-written: every record created and not deleted is in the database and equals
  the `after` of its last audit row; every deleted one is gone; SQLite's integrity check;
- p50, p95 and requests per second, overall and per kind of request.

Exit status 0 when every check passes. Needs locust (`pip install -e ".[bench]"`).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detente.settings")
    import django

    django.setup()


def prepare(users: int, out: Path) -> int:
    """Write each simulated user's session, token and alliances; return the audit baseline."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from detente.accounts.models import ApiToken, User
    from detente.alliances.navigation import sections
    from detente.audit.models import AuditEntry
    from detente.records.models import Alliance
    from detente.records.visibility import get_alliance_access

    # The demo's people: everyone who belongs to an organisation (workspace.yaml).
    people = list(User.objects.filter(memberships__isnull=False).distinct().order_by("email"))
    identities = []
    for i in range(users):
        user = people[i % len(people)]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        _, key = ApiToken.issue(user, f"load test {i}")
        alliances = []
        for alliance in Alliance.objects.for_user(user):
            access = get_alliance_access(user, alliance.pk)
            alliances.append(
                {
                    "id": alliance.pk,
                    "my_sides": [s.pk for s in access.writable_sides],
                    "tabs": sections(alliance.pk),
                }
            )
        identities.append(
            {
                "email": user.email,
                "session": session.session_key,
                "token": key,
                "alliances": alliances,
            }
        )
    out.write_text(json.dumps(identities))
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def wait_until_up(url: str, gunicorn: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {gunicorn.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


def check_writes(writes: list[dict[str, Any]], baseline: int) -> list[str]:
    """Problems with the audit rows and records the run's writes left; empty when none."""
    from django.apps import apps

    from detente import audit
    from detente.audit.models import AuditEntry

    problems = []
    models = {
        m.__name__: m for m in apps.get_models() if m.__name__ in {w["model"] for w in writes}
    }
    label = {name: m._meta.label_lower for name, m in models.items()}
    expected = Counter((label[w["model"]], str(w["id"]), w["action"], w["actor"]) for w in writes)
    rows = AuditEntry.objects.filter(id__gt=baseline).select_related("actor").order_by("id")
    found = Counter(
        (r.model, r.object_id, r.action, r.actor.email if r.actor else None) for r in rows
    )
    for key in expected - found:
        problems.append(f"a write without its audit row: {key}")
    for key in found - expected:
        problems.append(f"an audit row without a logged write: {key}")

    last_after: dict[tuple[str, str], dict | None] = {}
    for r in rows:
        last_after[(r.model, r.object_id)] = r.after if r.action != "delete" else None
    for name, model in models.items():
        ids = {str(w["id"]) for w in writes if w["model"] == name}
        present = {str(o.pk): o for o in model._base_manager.filter(pk__in=ids)}
        for record_id in ids:
            after = last_after.get((label[name], record_id))
            record = present.get(record_id)
            if after is None and record is not None:
                problems.append(f"{name} {record_id} was deleted but is still there")
            elif after is not None and record is None:
                problems.append(f"{name} {record_id} is missing")
            elif record is not None and audit.snapshot(record) != after:
                problems.append(f"{name} {record_id} differs from its last audited state")
    return problems


def integrity_problems() -> list[str]:
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        result = cursor.fetchone()[0]
    return [] if result == "ok" else [f"SQLite integrity check: {result}"]


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv") as f:
        return list(csv.DictReader(f))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--time", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="detente-load-"))
    env = {"DETENTE_DATA_DIR": str(work / "data"), "DETENTE_LOG_LEVEL": "WARNING"}
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"Building the demo ({database}) in {work} …", flush=True)
    subprocess.run(
        [PYTHON, "-m", "detente", "--data-dir", env["DETENTE_DATA_DIR"], "demo", "--no-serve"],
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    setup_django(env)
    people_file, writes_file = work / "people.json", work / "writes.json"
    baseline = prepare(args.users, people_file)
    from django.db import connection

    connection.close()

    port = free_port()
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed after gunicorn stops)
    gunicorn = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "detente.wsgi", f"--bind=127.0.0.1:{port}"]
        + [f"--workers={args.workers}", f"--threads={args.threads}", "--timeout=120"]
        + ["--backlog=2048", "--log-level=warning"]
        # Keep idle connections longer than a user's think time: with gunicorn's 2 s
        # default the server closes a connection just as locust reuses it (a reset).
        + ["--keep-alive=30"],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", gunicorn)
        print(
            f"gunicorn: {args.workers} workers × {args.threads} threads; locust: "
            f"{args.users} users for {args.time} s …",
            flush=True,
        )
        with open(work / "locust.log", "w") as locust_log:
            locust = subprocess.run(
                [PYTHON, "-m", "locust", "-f", str(HERE / "load_locustfile.py"), "--headless"]
                + [f"--users={args.users}", f"--spawn-rate={args.spawn_rate}"]
                + [f"--run-time={args.time}s", "--stop-timeout=30", "--only-summary"]
                + [f"--host=http://127.0.0.1:{port}", f"--csv={work / 'locust'}"],
                env={
                    **os.environ,
                    "DETENTE_LOAD_PEOPLE": str(people_file),
                    "DETENTE_LOAD_WRITES": str(writes_file),
                },
                stdout=locust_log,
                stderr=subprocess.STDOUT,
            )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=60)
        log.close()

    stats = read_stats(work / "locust")
    total = next(row for row in stats if row["Name"] == "Aggregated")
    writes = json.loads(writes_file.read_text())
    problems = []
    if int(total["Failure Count"]):
        failures = (work / "locust_failures.csv").read_text()
        problems.append(f"{total['Failure Count']} failed requests:\n{failures}")
    server_log = (work / "gunicorn.log").read_text()
    for marker in ("Traceback", "database is locked", "[ERROR]", "WORKER TIMEOUT"):
        if marker in server_log:
            problems.append(f"gunicorn's log has {marker!r} (see {work / 'gunicorn.log'})")
    audit_problems = check_writes(writes, baseline)
    problems += audit_problems
    problems += integrity_problems()

    print(f"\n{'request':32} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7}")
    for row in stats:
        print(
            f"{row['Name'][:32]:32} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{row['50%']:>7} {row['95%']:>7} {float(row['Requests/s']):>7.1f}"
        )
    actions = Counter(w["action"] for w in writes)
    print(
        f"\n{database}: {total['Request Count']} requests, {total['Failure Count']} failures, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, {float(total['Requests/s']):.1f} req/s; "
        f"{len(writes)} writes ({actions['create']} creates, {actions['update']} edits, "
        f"{actions['delete']} deletes), each with exactly one audit row: "
        f"{'yes' if not audit_problems else 'NO'}"
    )
    if locust.returncode not in (0, 1):  # 1: locust's own "there were failures"
        problems.append(
            f"locust exited with status {locust.returncode} (see {work / 'locust.log'})"
        )
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if args.keep or problems:
        print(f"Data, logs and locust CSVs kept in {work}")
    else:
        import shutil

        shutil.rmtree(work)
    print("OK: zero errors, nothing half-written" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
