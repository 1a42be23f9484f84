"""``detente warn FILE [--json]``: early-warning alerts on a portfolio CSV."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from ..files import InputError
from .csvfile import read_portfolio
from .engine import scan_panel
from .measures import spec_for
from .model import SEVERITIES, Alert, Settings
from .panel import Panel, build_panel
from .periods import period_ordinal

_PROGRESS_ROWS = 200_000  # below this the scan is over before a bar would be read


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV with columns alliance, period, side, measure, value")
    parser.add_argument("--json", action="store_true", help="print the alerts as JSON")
    parser.add_argument(
        "--false-alarm-rate",
        type=float,
        default=0.01,
        help="budget of false warnings per alliance-period on stable alliances (default 0.01)",
    )
    parser.add_argument(
        "--min-severity", choices=SEVERITIES, default="watch", help="hide milder alerts"
    )
    parser.add_argument("--latest", action="store_true", help="only each alliance's latest period")
    parser.add_argument(
        "--calibration",
        action="store_true",
        help="print the noise model learned from the file and the false warnings to expect",
    )
    parser.add_argument(
        "--swing",
        action="append",
        default=[],
        metavar="MEASURE=VALUE",
        help="usual period-to-period swing of one side's value (repeatable)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    if not 0 < args.false_alarm_rate < 1:
        raise InputError("--false-alarm-rate", f"{args.false_alarm_rate} is not between 0 and 1")
    measures = {}
    for item in args.swing:
        name, _, text = item.partition("=")
        try:
            swing = float(text)
        except ValueError:
            raise InputError("--swing", f"{item!r} is not MEASURE=NUMBER") from None
        if not name.strip() or swing <= 0:
            raise InputError("--swing", f"{item!r} needs a measure and a positive number")
        name = name.strip().lower()
        measures[name] = replace(spec_for(name), swing=swing)
    return Settings(
        false_alarm_rate=args.false_alarm_rate,
        measures=measures,
        team_swings=frozenset(measures),
    )


def _select(alerts: list[Alert], args: argparse.Namespace) -> list[Alert]:
    floor = SEVERITIES.index(args.min_severity)
    alerts = [a for a in alerts if SEVERITIES.index(a.severity) >= floor]
    if args.latest:
        last: dict[str, int] = {}
        for a in alerts:
            last[a.alliance] = max(last.get(a.alliance, -1), period_ordinal(a.period)[1])
        alerts = [a for a in alerts if period_ordinal(a.period)[1] == last[a.alliance]]
    return alerts


def _print_text(alerts: list[Alert], budget: float) -> None:
    current = None
    for a in alerts:
        if a.alliance != current:
            current = a.alliance
            print(f"\n{a.alliance}")
        where = a.measure + (f", {a.side}" if a.side else "")
        print(f"  {a.period}  {a.severity.upper():<7}  {a.rule} ({where})")
        print(f"      {a.evidence}")
        print(f"      Next step: {a.next_step}")
    counts = {s: sum(a.severity == s for a in alerts) for s in SEVERITIES}
    summary = ", ".join(f"{counts[s]} {s}" for s in reversed(SEVERITIES))
    print(
        f"\n{len(alerts)} alerts ({summary}). Warnings and alerts are held to at most "
        f"{budget * 100:g} false alarm per 100 alliance-periods on stable alliances."
    )


def run(args: argparse.Namespace) -> int:
    report: dict | None = None  # with --calibration
    alerts: list[Alert] = []
    try:
        settings = _settings(args)
        table = read_portfolio(args.file)
        progress = len(table.value) >= _PROGRESS_ROWS and sys.stderr.isatty()
        panel = build_panel(table, (), settings.measures, settings)
        if args.calibration:
            report = calibration(panel, settings)
        else:
            alerts = _select(scan_panel(panel, settings, progress=progress), args)
    except InputError as exc:
        print(f"detente warn: {args.file}: {exc}", file=sys.stderr)
        return 2
    if report is not None:
        if args.json:
            json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
            print()
        else:
            _print_calibration(report)
        return 0
    if args.json:
        json.dump([a.as_dict() for a in alerts], sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        _print_text(alerts, settings.false_alarm_rate)
    return 0


def calibration(panel: Panel, settings: Settings) -> dict:
    """The noise model the scan uses, and the false warnings a stable portfolio of this
    size would raise per period: at most the budget per alliance scanned (Bonferroni)."""
    unit = panel.period_kind
    assert panel.noise is not None
    latest = max((int(g.ordinal[:, -1].max()) for g in panel.health), default=None)
    active = set()
    for g in panel.health:
        if g.y.shape[1] >= 2:
            active.update(g.alliance[g.ordinal[:, -1] == latest].tolist())
    measures = []
    for name in panel.measures:
        m = panel.noise.measures[name]
        measures.append(
            {
                "measure": name,
                "swing": m.swing,
                "default_swing": spec_for(name, settings.measures).swing,
                "source": m.source,
                "carry_over": m.rho,
                "side_correlation": m.side_correlation,
                f"alliance_{unit}s": m.alliance_periods,
                "alliances": m.alliances,
                "spread_between_alliances": m.spread,
                "alliances_with_own_swing": len(m.per_alliance),
            }
        )
    return {
        "period": unit,
        "false_alarm_rate": settings.false_alarm_rate,
        "alliances_scanned_latest": len(active),
        "expected_false_warnings_per_period": settings.false_alarm_rate * len(active),
        "measures": measures,
    }


def _print_calibration(report: dict) -> None:
    unit = report["period"]
    print(f"Noise model learned from the file (per measure; swing = one side's usual {unit}ly")
    print("spread on a stable alliance, carry-over = its lag-1 autocorrelation):\n")
    print(
        f"  {'measure':<16} {'swing':>8} {'default':>8} {'carry-over':>10} "
        f"{'sides corr.':>11} {'alliance-' + unit + 's':>18}  source"
    )
    for m in report["measures"]:
        source = m["source"]
        if source == "learned" and m["alliances_with_own_swing"]:
            source += (
                f", own swing for {m['alliances_with_own_swing']} alliances "
                f"(spread {m['spread_between_alliances']:.2f} in log-variance)"
            )
        print(
            f"  {m['measure']:<16} {m['swing']:>8.3g} {m['default_swing']:>8.3g} "
            f"{m['carry_over']:>10.2f} {m['side_correlation']:>11.2f} "
            f"{m['alliance_' + unit + 's']:>18,}  {source}"
        )
    n = report["alliances_scanned_latest"]
    print(
        f"\nExpected false warnings per {unit} on stable alliances: at most "
        f"{report['expected_false_warnings_per_period']:.2f} ({n} alliances scanned in the "
        f"latest {unit} x budget {report['false_alarm_rate']:g}; the engine's measured rate "
        f"is 0.5-1 x the budget, docs/engines/warning.md)."
    )
