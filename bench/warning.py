"""Benchmark of the early-warning scan (not a test; run by hand).

    .venv/bin/python bench/warning.py [--alliances 10000] [--quarters 20]

Writes a stable portfolio CSV (alliances x quarters x 6 measures x 2 sides), times
reading it, grouping it and scanning it, and in the same run times the usual Python
alternative: a per-series loop with ruptures' Pelt (jump=1, min_size=1, and ruptures'
defaults jump=5, min_size=2, which are 12-28x cheaper), on a sample of series, extrapolated
to the portfolio, and the fair floor: a vectorised numpy z-test of every quarter of every
series against its earlier quarters (two variants: the series' own SD of changes over all
quarters, and an online one that uses only the changes up to the quarter before). It also measures the false-alarm rate on the stable
portfolio and the detection power for a sustained 2-standard-deviation drop seen for
4 quarters.

    .venv/bin/python bench/warning.py --grid [--grid-alliances 2000] [--grid-quarters 12]

runs instead the calibration grid of issue 13: stable portfolios whose noise is
{0.7, 1, 1.3, 1.5} x the documented swing, carried over rho {0, 0.3, 0.6} from one quarter
to the next, the sides' noise correlated {0, 0.5}, with 0 or 25 % of the quarters missing.
Per cell it prints the false-alarm rate (warnings and alerts per alliance-quarter; the
engine learns the noise from the portfolio) and the power for a sustained drop of 2
standard deviations of the monitored series seen 4 quarters, in 20 % of the alliances.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from detente.analysis.warning import Settings
from detente.analysis.warning.csvfile import read_portfolio
from detente.analysis.warning.engine import scan_panel, scan_table
from detente.analysis.warning.panel import build_panel
from detente.analysis.warning.simulate import Drop, Noise, portfolio

STATISTICAL = {"shift", "decline", "gap", "broad"}


def write_csv(table, path: Path) -> None:
    lines = ["alliance,period,side,measure,value"]
    lines += [
        f"{a},{p},{s},{m},{v:.3f}"
        for a, p, s, m, v in zip(
            table.alliance.tolist(),
            table.period.tolist(),
            table.side.tolist(),
            table.measure.tolist(),
            table.value.tolist(),
            strict=True,
        )
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(label: str, func, *args):
    """Wall time, and this process's CPU time (on a shared machine the wall time also
    counts time spent waiting for a core)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<44} {wall:8.2f} s  (CPU {cpu:.2f} s)")
    return result, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alliances", type=int, default=10_000)
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--peer-sample", type=int, default=600)
    parser.add_argument("--grid", action="store_true", help="run the calibration grid instead")
    parser.add_argument("--grid-alliances", type=int, default=2000)
    parser.add_argument("--grid-quarters", type=int, default=12)
    args = parser.parse_args()
    if args.grid:
        grid(args.grid_alliances, args.grid_quarters)
        return
    rng = np.random.default_rng(2026)
    n, q = args.alliances, args.quarters
    settings = Settings()

    table = portfolio(rng, n, q)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "portfolio.csv"
        write_csv(table, path)
        print(
            f"{n:,} alliances x {q} quarters x 6 measures x 2 sides = "
            f"{len(table.value):,} rows ({path.stat().st_size / 1e6:.0f} MB)"
        )
        table, t_read = timed("read CSV", read_portfolio, path)
    timed(
        "group into series (documented swings)",
        build_panel,
        table,
        (),
        None,
        Settings(calibrate=False),
    )
    panel, t_group = timed("group into series + fit the noise model", build_panel, table)
    alerts, t_scan = timed("scan (all rules, every quarter, evidence)", scan_panel, panel, settings)
    _, t_z = timed("peer: vectorised numpy z of every quarter", numpy_peer, panel)
    _, t_z_online = timed("peer: same, SD of earlier changes only", numpy_online_peer, panel)
    print(
        f"scan / numpy z: {t_scan / t_z:.0f}x slower than the z-test (whole-series SD), "
        f"{t_scan / t_z_online:.0f}x slower than the online z-test"
    )
    raised = {
        (a.alliance, a.period) for a in alerts if a.rule in STATISTICAL and a.severity != "watch"
    }
    rate = len(raised) / panel.alliance_periods
    se = np.sqrt(rate * (1 - rate) / panel.alliance_periods)
    print(
        f"false-alarm rate on stable alliances: {rate:.4f} ± {se:.4f} per alliance-quarter"
        f" (budget {settings.false_alarm_rate})"
    )
    for label, z_of in [("whole-series SD", z_whole), ("online", z_online)]:
        z_rate = len(z_alarms(panel, z_of)) / panel.alliance_periods
        print(f"  numpy z-test ({label}), any measure z < -3: {z_rate:.4f} per alliance-quarter")

    # Peer: ruptures Pelt, one call per monitored series (mean over the two sides).
    try:
        import ruptures
    except ImportError:
        print("ruptures not installed: peer comparison skipped")
    else:
        series = [g.y for g in panel.health]
        y = np.concatenate(series)
        sample = y[: args.peer_sample]
        for label, options in [
            ("jump=1, min_size=1", {"min_size": 1, "jump": 1}),
            ("defaults (jump=5, min_size=2)", {}),
        ]:
            start = time.perf_counter()
            changed = 0
            for row in sample:
                breaks = ruptures.Pelt(model="l2", **options).fit(row).predict(pen=3 * np.var(row))
                changed += len(breaks) > 1
            per_series = (time.perf_counter() - start) / len(sample)
            total = per_series * len(y)
            print(
                f"{'ruptures Pelt loop, ' + label:<50} {total:8.2f} s "
                f"(extrapolated from {len(sample)} of {len(y):,} series; "
                f"{changed} of them with a change point)"
            )
            print(
                f"speed-up of the scan over the Pelt loop, {label}: {total / t_scan:.0f}x "
                "(the scan also re-checks every earlier quarter)"
            )

    # Power: 2,000 of the alliances get a 2-SD drop in alignment over their last 4
    # quarters; the noise is learned from the whole portfolio (a portfolio in which every
    # alliance dropped at once would teach the engine that the drop is noise).
    drop_n = min(n, 2000)
    dropped = portfolio(rng, max(n, 5 * drop_n), q, drop=Drop("alignment", 2.0, 4), dropped=drop_n)
    dropped_panel = build_panel(dropped)
    alerts = scan_panel(dropped_panel, settings)
    last4 = set(np.unique(dropped.period)[-4:])
    names = {f"alliance-{i:05d}" for i in range(drop_n)}
    caught = {
        a.alliance
        for a in alerts
        if a.period in last4 and a.rule in STATISTICAL and a.severity != "watch"
    } & names
    power = len(caught) / drop_n
    print(
        f"power, 2-SD drop seen for 4 quarters: {power:.3f} ± "
        f"{np.sqrt(power * (1 - power) / drop_n):.3f} ({drop_n:,} alliances)"
    )
    ordinals = np.unique(np.concatenate([g.ordinal.ravel() for g in dropped_panel.health]))
    last_ordinals = set(ordinals[-4:].tolist())
    for label, z_of in [("whole-series SD", z_whole), ("online", z_online)]:
        alarms = z_alarms(dropped_panel, z_of)
        hit = {dropped_panel.alliances[a] for a, o in alarms if o in last_ordinals} & names
        print(f"  numpy z-test ({label}): power {len(hit) / drop_n:.3f}")


def z_whole(y: np.ndarray) -> tuple[np.ndarray, int]:
    """z of quarters 1.. of each row against the mean of all earlier ones, with the row's own
    standard deviation of quarter-to-quarter changes over the whole series (it looks ahead),
    and the first quarter it covers."""
    before = np.cumsum(y, axis=1)[:, :-1] / np.arange(1, y.shape[1])
    sd = np.std(np.diff(y, axis=1), axis=1, keepdims=True) / np.sqrt(2)
    return (y[:, 1:] - before) / np.maximum(sd, 1e-12), 1


def z_online(y: np.ndarray) -> tuple[np.ndarray, int]:
    """As ``z_whole``, but each quarter's z uses only what was known before it: the mean of
    the earlier quarters and the SD of the changes between them (at least two changes), as
    an early warning would have to. Covers quarters 3.."""
    before = np.cumsum(y, axis=1)[:, :-1] / np.arange(1, y.shape[1])
    d = np.diff(y, axis=1)  # d[:, j] = y[:, j + 1] - y[:, j]
    k = np.arange(1, d.shape[1] + 1)
    mean_d = np.cumsum(d, axis=1) / k
    var_d = np.maximum(np.cumsum(d * d, axis=1) / k - mean_d**2, 0.0)
    # Quarter i (i >= 3) against quarters 0..i-1: changes d[:, 0..i-2], i.e. column i-2.
    sd = np.sqrt(var_d[:, 1:-1]) / np.sqrt(2)
    return (y[:, 3:] - before[:, 2:]) / np.maximum(sd, 1e-12), 3


def numpy_peer(panel, z_of=z_whole) -> int:
    """The plain vectorised-numpy alternative: for every series (mean over sides) and every
    quarter, the z of that quarter against the mean of all earlier ones (no fit, no AR(1), no
    exact tails, no false-alarm budget, no evidence), flagged at z < -3 (a drop). Vectorised
    over all series of a length. Counts the flags."""
    flagged = 0
    for g in panel.health:
        if g.y.shape[1] >= 4:
            flagged += int((z_of(g.y)[0] < -3).sum())
    return flagged


def numpy_online_peer(panel) -> int:
    return numpy_peer(panel, z_online)


def z_alarms(panel, z_of) -> set[tuple[int, int]]:
    """(alliance, period ordinal) pairs where any measure's z < -3."""
    alarms: set[tuple[int, int]] = set()
    for g in panel.health:
        if g.y.shape[1] < 4:
            continue
        z, first = z_of(g.y)
        rows, columns = np.nonzero(z < -3)
        alarms.update(
            zip(g.alliance[rows].tolist(), g.ordinal[rows, columns + first].tolist(), strict=True)
        )
    return alarms


def cell(alliances: int, quarters: int, noise: Noise, seed: int) -> tuple[float, float, float]:
    """(false-alarm rate, its standard error, power) of one cell of the grid."""
    rng = np.random.default_rng(seed)
    table = portfolio(rng, alliances, quarters, noise=noise)
    alerts = scan_table(table)
    panel_periods = build_panel(table).alliance_periods
    raised = {
        (a.alliance, a.period) for a in alerts if a.rule in STATISTICAL and a.severity != "watch"
    }
    rate = len(raised) / panel_periods
    se = np.sqrt(0.01 * 0.99 / panel_periods)
    dropped_n = alliances // 5
    drop = Drop("alignment", 2.0 * noise.scale * np.sqrt((1 + noise.side_correlation) / 1), 4)
    table = portfolio(rng, alliances, quarters, noise=noise, drop=drop, dropped=dropped_n)
    last4 = set(np.unique(table.period)[-4:])
    caught = {
        a.alliance
        for a in scan_table(table)
        if a.period in last4 and a.rule in STATISTICAL and a.severity != "watch"
    }
    power = len(caught & {f"alliance-{i:05d}" for i in range(dropped_n)}) / dropped_n
    return rate, se, power


def grid(alliances: int, quarters: int) -> None:
    print(f"{alliances:,} stable alliances x {quarters} quarters x 6 measures x 2 sides per cell")
    print("| noise | rho | sides' corr. | missing | false-alarm rate | power (2 SD, 4 quarters) |")
    print("|---|---|---|---|---|---|")
    worst = 0.0
    seed = 0
    start = time.perf_counter()
    for scale in (0.7, 1.0, 1.3, 1.5):
        for rho in (0.0, 0.3, 0.6):
            for c in (0.0, 0.5):
                for missing in (0.0, 0.25):
                    seed += 1
                    noise = Noise(scale, rho, c, missing)
                    rate, se, power = cell(alliances, quarters, noise, seed)
                    worst = max(worst, (rate - 0.01) / se)
                    print(
                        f"| {scale:g} × swing | {rho:g} | {c:g} | {missing:.0%} | "
                        f"{rate:.4f} | {power:.2f} |",
                        flush=True,
                    )
    print(
        f"budget 0.01; largest excess {worst:+.1f} binomial standard errors; "
        f"{time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
