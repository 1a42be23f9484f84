"""``detente scan`` at scale: the set-based, incremental scan of N alliances against the
per-alliance path it replaced.

    .venv/bin/python bench/scan.py [--alliances 1000] [--sample 100] [--data DIR]

Steps:
1. build the workspace in DIR (a fresh temporary folder by default): the demo and copies of
   it (``detente demo --no-serve --alliances N-5``, as bench/web.py does), all open. With
   ``--data DIR`` an existing workspace is reused. Its database is kept as a pristine copy:
   every measured run starts from a copy of it, so runs see the same data;
2. the set-based scan, ``detente scan --no-email --quiet`` in a child process:
   - first run: every alliance through the engine (the demo's copies have no fingerprint
     yet), its new and changed alerts each created or updated and audited;
   - again with nothing changed: incremental, every alliance skipped;
   - ``--all``: every alliance through the engine again, every alert found unchanged;
   each with its wall time, the child's CPU time (user + sys, Django's start included) and
   its number of SQL queries;
3. the peer, on a fresh copy: the per-alliance path as ``detente scan`` ran before
   (``warning.scan_each``: ``noise_pools`` through the ORM, then ``scan_alliance`` one
   alliance at a time). The pools are built in full (they read every alliance of every pool
   whatever is scanned); ``scan_alliance`` runs on the first ``--sample`` alliances and is
   extrapolated to N (``--sample 0``: the whole path on every alliance, a minute or more);
4. a check: the sample alliances' alerts stored by the peer equal those the set-based
   first run stored.

SQLite only (the pristine copy is a file copy).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
DB = "detente.sqlite3"
sys.path.insert(0, str(HERE))
from load import setup_django  # noqa: E402
from web import build  # noqa: E402  (the same workspace as bench/web.py)


def fresh_copy(pristine: Path, data: Path, name: str) -> Path:
    """A folder holding a copy of the pristine database (and the data folder's secret)."""
    run = data / name
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    shutil.copy(pristine, run / DB)
    if (data / "secret_key").exists():
        shutil.copy(data / "secret_key", run / "secret_key")
    return run


def child(*args: str) -> tuple[dict[str, Any], float, float]:
    """Run this script's ``--child`` mode; return (its JSON answer, wall s, CPU s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [PYTHON, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(done.stdout.strip().splitlines()[-1]), wall, cpu


# Child modes (run in their own process, on one workspace folder) ---------------------------


def _counting(fn: Any) -> tuple[Any, int]:
    from django.db import connection

    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        result = fn()
    return result, count


def child_scan(data: Path, flags: list[str]) -> dict[str, Any]:
    """``detente scan --no-email --quiet FLAGS`` with its queries counted."""
    import contextlib
    import io

    from detente.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc, queries = _counting(
            lambda: main(["--data-dir", str(data), "scan", "--no-email", "--quiet", *flags])
        )
    return {"rc": rc, "queries": queries, "summary": out.getvalue().strip()}


def child_peer(sample: int) -> dict[str, Any]:
    """The per-alliance path: pools through the ORM, then ``scan_alliance`` one by one."""
    from detente.health import warning
    from detente.records.models import Alliance

    items = list(Alliance.objects.exclude(status=Alliance.Status.CLOSED).order_by("id"))
    if sample == 0:
        started, cpu = time.monotonic(), time.process_time()
        _, queries = _counting(lambda: warning.scan_each(items, notify=False))
        return {"n": len(items), "sample": len(items), "scan_wall": time.monotonic() - started,
                "scan_cpu": time.process_time() - cpu, "scan_queries": queries,
                "pools_wall": 0.0, "pools_cpu": 0.0, "pools_queries": 0,
                "ids": [a.pk for a in items]}  # fmt: skip
    started, cpu = time.monotonic(), time.process_time()
    pools, pool_queries = _counting(lambda: warning.noise_pools(items))
    pools_wall, pools_cpu = time.monotonic() - started, time.process_time() - cpu
    chosen = items[:sample]
    started, cpu = time.monotonic(), time.process_time()
    _, queries = _counting(
        lambda: [warning.scan_alliance(a, notify=False, pools=pools) for a in chosen]
    )
    return {"n": len(items), "sample": len(chosen), "scan_wall": time.monotonic() - started,
            "scan_cpu": time.process_time() - cpu, "scan_queries": queries,
            "pools_wall": pools_wall, "pools_cpu": pools_cpu, "pools_queries": pool_queries,
            "ids": [a.pk for a in chosen]}  # fmt: skip


def child_alerts(ids: list[int]) -> dict[str, Any]:
    """The stored alerts of the given alliances, for the agreement check."""
    from detente.health.models import Alert

    rows = Alert.objects.filter(alliance_id__in=ids).values_list(
        "alliance_id", "key", "owner_side_id", "visibility", "severity", "evidence", "next_step",
        "p_value", "values",
    )  # fmt: skip
    return {"alerts": sorted(json.dumps(list(r), default=str) for r in rows)}


def run_child(argv: list[str]) -> int:
    data, mode, rest = Path(argv[0]), argv[1], argv[2:]
    setup_django({"DETENTE_DATA_DIR": str(data)})
    if mode == "scan":
        answer = child_scan(data, rest)
    elif mode == "peer":
        answer = child_peer(int(rest[0]))
    else:
        answer = child_alerts(json.loads(rest[0]))
    print(json.dumps(answer))
    return 0


# The benchmark --------------------------------------------------------------------------------


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return run_child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alliances", type=int, default=1000)
    parser.add_argument(
        "--sample", type=int, default=100, help="alliances the peer scans (0: all of them)"
    )
    parser.add_argument("--data", type=Path, help="workspace folder (built when empty)")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        print("bench/scan.py copies a SQLite workspace; unset DATABASE_URL", file=sys.stderr)
        return 2
    data = args.data or Path(tempfile.mkdtemp(prefix="detente-scan-"))
    data.mkdir(parents=True, exist_ok=True)
    if not (data / DB).exists():
        build(data, args.alliances)
    subprocess.run(
        [PYTHON, "-m", "detente", "--data-dir", str(data), "migrate"],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "DETENTE_DATA_DIR": str(data)},
    )
    pristine = data / "pristine.sqlite3"
    if not pristine.exists():
        shutil.copy(data / DB, pristine)

    print(f"\n{'detente scan --no-email':34} {'wall s':>7} {'CPU s':>7} {'queries':>8}")
    run = fresh_copy(pristine, data, "set-based")
    rows = [("first run", []), ("again, nothing changed", []), ("--all", ["--all"])]
    for label, flags in rows:
        answer, wall, cpu = child(str(run), "scan", *flags)
        print(f"{label:34} {wall:7.1f} {cpu:7.1f} {answer['queries']:8d}", flush=True)
        print(f"  {answer['summary'].splitlines()[-1]}", flush=True)

    peer_run = fresh_copy(pristine, data, "per-alliance")
    peer, wall, cpu = child(str(peer_run), "peer", str(args.sample))
    n, k = peer["n"], peer["sample"]
    scale = n / k if k else 0.0
    total_wall = peer["pools_wall"] + peer["scan_wall"] * scale
    total_cpu = peer["pools_cpu"] + peer["scan_cpu"] * scale
    total_queries = peer["pools_queries"] + peer["scan_queries"] * scale
    how = "measured" if k == n else f"pools in full + {k} alliances × {scale:.0f}"
    print(f"\nper-alliance path ({how}): {total_wall:.1f} s wall, {total_cpu:.1f} s CPU "
          f"(in-process, Django's start not included), {total_queries:,.0f} queries")  # fmt: skip
    if k != n:
        print(f"  pools: {peer['pools_wall']:.1f} s wall, {peer['pools_cpu']:.1f} s CPU, "
              f"{peer['pools_queries']:,} queries; scan_alliance: "
              f"{1000 * peer['scan_cpu'] / max(k, 1):.0f} ms CPU and "
              f"{peer['scan_queries'] / max(k, 1):.0f} queries an alliance")  # fmt: skip

    ids = json.dumps(peer["ids"])
    mine, _, _ = child(str(run), "alerts", ids)
    theirs, _, _ = child(str(peer_run), "alerts", ids)
    agree = mine["alerts"] == theirs["alerts"]
    print(f"\nalerts of the {k} peer-scanned alliances: {len(theirs['alerts'])} stored by the "
          f"per-alliance path, {'the same' if agree else 'NOT the same'} in the set-based run")  # fmt: skip
    print(f"workspace in {data}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
