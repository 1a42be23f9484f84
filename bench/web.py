"""Web pages at scale: a workspace of N alliances under gunicorn, one page at a time and under load.

    .venv/bin/python bench/web.py [--alliances 1000] [--requests 20] [--users 200] [--time 60]
                                  [--workers 2] [--threads 4] [--think 0.5-2] [--data DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/web .venv/bin/python bench/web.py ...

Steps:
1. build the workspace in DIR (a fresh temporary folder by default): the demo
   (``detente demo --no-serve --alliances N``: the five demo stories, then copies of them
   made with bulk SQL, see ``detente/demo/bulk.py``), all visible to
   ``raj@globalconnect.example``. With ``--data DIR`` an existing workspace there is reused
   (so before/after runs measure the same data);
2. sign raj in (a session and an API token; signing in by form would measure password
   hashing) and start gunicorn on loopback (``--workers`` processes of ``--threads``
   threads each, gthread; docs/operations.md says why 2 x 4 on 2 cores);
3. one user, one request at a time: ``--requests`` requests of each page (after one warm-up
   request), p50 / p95 and the size of the answer;
4. ``--users`` locust users (think time ``--think`` seconds between pages: 0.5-2 is the
   stress figure, 5-15 a person reading) asking for the same pages for ``--time`` seconds:
   requests, failures, p50 / p95 per page, requests per second.

Any answer other than 200 (one at a time or under load), a traceback or a worker timeout
in gunicorn's log makes the run exit with status 1 and say so.

The pages: the portfolio ``/`` (page 1, page 2, filtered, sorted by risk), the health
portfolio, the alert inbox, ``/api/v1/alliances`` and the overview of the first demo
alliance. With DATABASE_URL (PostgreSQL) the workspace is built there (the database is
emptied first); DETENTE_DATA_DIR still holds the files. Needs locust (``pip install -e ".[bench]"``) for step 4;
``--users 0`` skips it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
VIEWER = "raj@globalconnect.example"
sys.path.insert(0, str(HERE))
from load import free_port, setup_django, wait_until_up  # noqa: E402


def build(data: Path, alliances: int) -> None:
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "-m", "detente", "--data-dir", str(data), "demo", "--no-serve"]
        + [f"--alliances={alliances - 5}"],
        env={**os.environ, "DETENTE_DATA_DIR": str(data)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"built {alliances} alliances in {time.monotonic() - started:.0f} s", flush=True)


def sign_in() -> dict[str, str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from detente.accounts.models import ApiToken, User
    from detente.records.models import Alliance

    user = User.objects.get(email=VIEWER)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _, key = ApiToken.issue(user, "web bench")
    first = Alliance.objects.for_user(user).order_by("pk").first()
    return {
        "session": session.session_key,
        "token": key,
        "count": str(Alliance.objects.for_user(user).count()),
        "overview": f"/alliances/{first.pk}/",
    }


def pages(who: dict[str, str]) -> dict[str, str]:
    return {
        "portfolio /": "/",
        "portfolio page 2": "/?page=2",
        "portfolio filtered": "/?status=active&q=north&sort=activity",
        "portfolio by risk": "/?sort=risk",
        "health portfolio": "/health/portfolio/",
        "alert inbox": "/health/alerts/",
        "/api/v1/alliances": "/api/v1/alliances",
        "one overview": who["overview"],
    }


def fetch(base: str, path: str, who: dict[str, str]) -> tuple[float, int]:
    request = urllib.request.Request(base + path)
    if path.startswith("/api/"):
        request.add_header("Authorization", f"Bearer {who['token']}")
    else:
        request.add_header("Cookie", f"sessionid={who['session']}")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        body = response.read()
        if response.status != 200 or response.url.rstrip("/").endswith("login"):
            raise SystemExit(f"{path}: status {response.status} at {response.url}")
    return time.perf_counter() - started, len(body)


def one_at_a_time(base: str, who: dict[str, str], requests: int) -> None:
    print(f"\n{'page':20} {'p50 ms':>8} {'p95 ms':>8} {'KB':>7}   (one user, {requests} requests)")
    for name, path in pages(who).items():
        fetch(base, path, who)  # warm-up: templates, imports, caches
        times, size = [], 0
        for _ in range(requests):
            seconds, size = fetch(base, path, who)
            times.append(seconds * 1000)
        cuts = statistics.quantiles(times, n=20, method="inclusive")
        print(f"{name:20} {cuts[9]:8.0f} {cuts[18]:8.0f} {size / 1000:7.0f}", flush=True)


def under_load(
    port: int, who: dict[str, str], users: int, seconds: int, work: Path, think: str
) -> int:
    """Run the locust users; return the number of failed requests."""
    (work / "who.json").write_text(json.dumps({**who, "pages": pages(who)}))
    with open(work / "locust.log", "w") as log:
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", str(HERE / "web_locustfile.py"), "--headless"]
            + [f"--users={users}", f"--spawn-rate={max(users / 10, 1)}"]
            + [f"--run-time={seconds}s", "--stop-timeout=30", "--only-summary"]
            + [f"--host=http://127.0.0.1:{port}", f"--csv={work / 'locust'}"],
            env={
                **os.environ,
                "DETENTE_WEB_WHO": str(work / "who.json"),
                "DETENTE_WEB_THINK": think,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    with open(work / "locust_stats.csv") as f:
        rows = list(csv.DictReader(f))
    failed = sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")
    print(f"\n{'page':20} {'requests':>8} {'fail':>5} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>6}"
          f"   ({users} users, {seconds} s, think time {think} s)")  # fmt: skip
    for row in rows:
        print(
            f"{row['Name'][:20]:20} {row['Request Count']:>8} {row['Failure Count']:>5} "
            f"{row['50%']:>8} {row['95%']:>8} {float(row['Requests/s']):6.1f}"
        )
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alliances", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20, help="requests per page, one at a time")
    parser.add_argument("--users", type=int, default=200, help="locust users (0: no load run)")
    parser.add_argument("--think", default="0.5-2", help="seconds between a user's pages: LOW-HIGH")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--time", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--data", type=Path, help="workspace folder (built when empty)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="detente-web-"))
    data = args.data or work / "data"
    env = {"DETENTE_DATA_DIR": str(data), "DETENTE_LOG_LEVEL": "WARNING"}
    if os.environ.get("DATABASE_URL"):
        setup_django(env)
        from django.db import connection

        if "alliances_alliance" not in connection.introspection.table_names():
            build(data, args.alliances)
        connection.close()
    elif not (data / "detente.sqlite3").exists():
        build(data, args.alliances)
    setup_django(env)
    who = sign_in()
    from django.db import connection

    connection.close()
    print(f"{who['count']} alliances visible to {VIEWER}", flush=True)
    port = free_port()
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed after gunicorn stops)
    gunicorn = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "detente.wsgi", f"--bind=127.0.0.1:{port}"]
        + [f"--workers={args.workers}", f"--threads={args.threads}", "--worker-class=gthread"]
        + ["--timeout=300", "--backlog=2048", "--keep-alive=30"]
        + ["--log-level=warning"],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    failed = 0
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", gunicorn)
        one_at_a_time(f"http://127.0.0.1:{port}", who, args.requests)
        if args.users:
            failed = under_load(port, who, args.users, args.time, work, args.think)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=60)
        log.close()
    server_log = (work / "gunicorn.log").read_text()
    if "Traceback" in server_log or "WORKER TIMEOUT" in server_log:
        print(f"PROBLEM: see {work / 'gunicorn.log'}")
        return 1
    if failed:
        print(f"PROBLEM: {failed} failed requests under load; see {work / 'locust.log'}")
        return 1
    print(f"\nlogs in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
