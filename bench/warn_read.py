"""Benchmark of `detente warn` reading a 2.4 M-row portfolio file (not a test; run by hand).

    .venv/bin/python bench/warn_read.py [--alliances 10000] [--quarters 20] [--repeat 3]
                                        [--file PATH] [--skip-rows] [--before SRC]

Writes the stable portfolio of bench/warning.py (alliances x quarters x 6 measures x 2
sides; 10,000 x 20 = 2.4 M rows, 96 MB) unless --file names one, then runs each of these in
its own process, --repeat times, and prints the median wall time, CPU time (user + system,
all threads) and peak resident memory of each:

  detente warn     the CLI end to end: read by columns, group, learn the noise, scan every
                   quarter, print the alerts (to /dev/null)
  read + group     the same process stopped after grouping into series (no scan, no output)
  row reader       the csv-module reader that `detente warn` used before, then the same
                   grouping and scan (the reference the columnar reader is tested against)
  pandas peer      pandas.read_csv with its defaults, then pivot_table to one row per
                   (alliance, measure, side) series and one column per quarter

(--before SRC: also `detente warn` run from another source tree, e.g. main's src/ before a
change), and the ratios to the pandas peer (issue 14's goal: `detente warn` within 1.5 x its wall
time and 1.2 x its peak memory). The peer needs pandas (the bench extra).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from detente.analysis.warning.simulate import portfolio

GROUP = """
import sys
from detente.analysis.warning import Settings
from detente.analysis.warning.csvfile import read_portfolio
from detente.analysis.warning.panel import build_panel
settings = Settings()
panel = build_panel(read_portfolio(sys.argv[1]), (), settings.measures, settings)
print(sum(g.y.shape[0] for g in panel.health), "series")
"""

ROWS = """
import sys
from detente.analysis.warning import Settings
from detente.analysis.warning.csvfile import read_rows
from detente.analysis.warning.engine import scan_panel
from detente.analysis.warning.panel import build_panel
settings = Settings()
panel = build_panel(read_rows(sys.argv[1]), (), settings.measures, settings)
print(len(scan_panel(panel, settings)), "alerts")
"""

PEER = """
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
series = frame.pivot_table(
    index=["alliance", "measure", "side"], columns="period", values="value"
)
print(series.shape[0], "series")
"""


def write_file(path: Path, alliances: int, quarters: int) -> None:
    """The portfolio bench/warning.py writes (its generator when importable)."""
    table = portfolio(np.random.default_rng(2026), alliances, quarters)
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from warning import write_csv  # noqa: PLC0415  (bench/warning.py)
    except ImportError:
        pass
    else:
        write_csv(table, path)
        return
    with path.open("w", encoding="utf-8") as handle:
        handle.write("alliance,period,side,measure,value\n")
        for a, p, s, m, v in zip(
            table.alliance.tolist(),
            table.period.tolist(),
            table.side.tolist(),
            table.measure.tolist(),
            table.value.tolist(),
            strict=True,
        ):
            handle.write(f"{a},{p},{s},{m},{v:.3f}\n")


def run_once(command: list[str], env: dict[str, str] | None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one child process, its output thrown away."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.stderr is not None
    errors = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(
    command: list[str], repeat: int, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    runs = [run_once(command, env) for _ in range(repeat)]
    return tuple(statistics.median(r[k] for r in runs) for k in range(3))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alliances", type=int, default=10_000)
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", type=Path, help="an existing portfolio CSV to read instead")
    parser.add_argument("--skip-rows", action="store_true", help="skip the slow row reader")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="SRC",
        help="also run `detente warn` from another source tree (e.g. main's src/)",
    )
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    python = sys.executable
    if args.write is not None:
        write_file(args.write, args.alliances, args.quarters)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file
        if path is None:
            path = Path(tmp) / "portfolio.csv"
            # Written by a child: a measured child forked from a parent that built the
            # table in memory would report the parent's peak as its own (ru_maxrss).
            subprocess.run(
                [python, __file__, "--write", str(path), "--alliances", str(args.alliances)]
                + ["--quarters", str(args.quarters)],
                check=True,
            )
        with path.open("rb") as handle:
            rows = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 24), b""))
        print(f"{path.name}: {rows - 1:,} rows, {path.stat().st_size / 1e6:.0f} MB")
        print(f"median of {args.repeat} runs, each in its own process\n")
        runs = {
            "detente warn (CLI, end to end)": [python, "-m", "detente.cli", "warn", str(path)],
            "detente read + group (no scan)": [python, "-c", GROUP, str(path)],
        }
        if not args.skip_rows:
            runs["row reader + same group and scan"] = [python, "-c", ROWS, str(path)]
        runs["pandas read_csv + pivot_table (peer)"] = [python, "-c", PEER, str(path)]
        results = {label: measure(command, args.repeat) for label, command in runs.items()}
        if args.before is not None:
            env = dict(os.environ, PYTHONPATH=str(args.before.resolve()))
            results[f"detente warn from {args.before}"] = measure(
                runs["detente warn (CLI, end to end)"], args.repeat, env
            )
    peer = results["pandas read_csv + pivot_table (peer)"]
    print(f"{'':<38} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}   x peer: wall  CPU  peak")
    for label, (wall, cpu, peak) in results.items():
        print(
            f"{label:<38} {wall:7.2f} {cpu:7.2f} {peak:8.0f}   "
            f"{wall / peer[0]:11.2f} {cpu / peer[1]:4.2f} {peak / peer[2]:5.2f}"
        )
    wall, _, peak = results["detente warn (CLI, end to end)"]
    print(
        f"\ngoal (issue 14): detente warn within 1.5 x the peer's wall time and 1.2 x its peak "
        f"memory: {wall / peer[0]:.2f} x and {peak / peer[2]:.2f} x"
    )


if __name__ == "__main__":
    main()
