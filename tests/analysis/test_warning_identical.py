"""The fast scan gives exactly the alerts the engine gave before it was optimised.

The fixture tests/analysis/data/warning_alerts.json.gz holds the alerts (every field:
severity, rule, evidence text, p-value, values) that the engine produced, before the
scan was vectorised, on a seeded random portfolio that exercises every rule: shifts,
declines with ties, widening gaps, broad moves, level lines in both directions, recorded
signals, series with skipped periods (several series lengths), one-sided alliances,
values given for both sides at once, and monthly periods. If an intended change to the
rules or the evidence wording makes this test fail, regenerate the fixture with

    .venv/bin/python tests/analysis/test_warning_identical.py --regenerate

and say in the commit why the alerts changed.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np

from detente.analysis.warning import Observation, Settings, Signal, scan
from detente.analysis.warning.measures import CATALOGUE, SIGNAL_KINDS

FIXTURE = Path(__file__).parent / "data" / "warning_alerts.json.gz"

LEVELS = {
    "alignment": 3.9,
    "satisfaction": 3.8,
    "adherence": 95.0,
    "roi": 8.0,
    "response_rate": 80.0,
    "response_days": 2.5,
    "overdue": 1.0,
    "kpi_gap": 1.0,
    "trust": 4.0,
}
# The fixture holds the alerts of the documented model (the catalogue's swings, noise
# independent between periods and sides), which the engine still gives with
# calibrate=False; since issue 13 it learns the noise from the data by default.
SETTINGS = {
    "default": Settings(calibrate=False),
    "generous": Settings(
        false_alarm_rate=0.2, shift_windows=(1, 3, 6), trend_window=6, calibrate=False
    ),
    "single-window": Settings(
        false_alarm_rate=0.05, shift_windows=(1,), trend_min_points=5, calibrate=False
    ),
}


def random_portfolio(seed: int = 2026, alliances: int = 120, periods: int = 14, monthly=False):
    """(observations, signals): a mixed portfolio, rounded like a CSV would be."""
    rng = np.random.default_rng(seed)
    observations: list[Observation] = []
    signals: list[Signal] = []
    for i in range(alliances):
        name = f"{'m' if monthly else 'q'}-{i:03d}"
        kind = rng.integers(0, 10)
        sides = ("both",) if kind == 0 else ("Acme",) if kind == 1 else ("Acme", "Beta")
        measures = [m for m in LEVELS if rng.random() < 0.7] or ["alignment"]
        drop_measure = measures[rng.integers(0, len(measures))] if rng.random() < 0.4 else None
        drop_start = int(rng.integers(periods // 2, periods))
        drop_size = float(rng.uniform(1.0, 5.0))
        gap_measure = measures[rng.integers(0, len(measures))] if rng.random() < 0.3 else None
        for t in range(periods):
            period = (
                f"{2021 + t // 12}-{t % 12 + 1:02d}" if monthly else f"{2020 + t // 4}Q{t % 4 + 1}"
            )
            for measure in measures:
                spec = CATALOGUE.get(measure, CATALOGUE["alignment"])
                for side in sides:
                    if rng.random() < 0.08:
                        continue  # a skipped answer: shorter series, holes in gaps
                    value = LEVELS[measure] + spec.swing * rng.standard_normal()
                    sign = 1 if spec.higher_is_better else -1
                    if measure == drop_measure and t >= drop_start:
                        value -= sign * drop_size * spec.swing
                    if measure == gap_measure and side == "Beta" and t >= periods - 3:
                        value -= sign * 3 * spec.swing
                    if measure == "overdue":
                        value = round(value)  # counts: ties for Mann-Kendall
                    low = spec.low if spec.low is not None else -np.inf
                    high = spec.high if spec.high is not None else np.inf
                    value = round(float(np.clip(value, low, high)), 3)
                    observations.append(Observation(name, period, side, measure, value))
            if rng.random() < 0.1:
                kinds = sorted(SIGNAL_KINDS)
                signals.append(
                    Signal(name, period, kinds[rng.integers(0, 3)], "Beta", f"note {i}-{t}")
                )
    return observations, signals


def current_alerts() -> dict[str, list[dict]]:
    out = {}
    for monthly in (False, True):
        observations, signals = random_portfolio(
            seed=7 if monthly else 2026, alliances=30 if monthly else 120, monthly=monthly
        )
        for label, settings in SETTINGS.items():
            key = f"{'monthly' if monthly else 'quarterly'}/{label}"
            out[key] = [a.as_dict() for a in scan(observations, signals, settings)]
    return out


def test_the_scan_gives_the_alerts_of_the_engine_before_it_was_optimised():
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as handle:
        expected = json.load(handle)
    actual = current_alerts()
    assert list(actual) == list(expected)
    for key in expected:
        assert len(actual[key]) == len(expected[key]), key
        for got, want in zip(actual[key], expected[key], strict=True):
            assert got == want, key


def test_the_fixture_exercises_every_rule_and_severity():
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as handle:
        expected = json.load(handle)
    alerts = [a for key in expected for a in expected[key]]
    assert {a["rule"] for a in alerts} == {"level", "shift", "decline", "gap", "broad", "signal"}
    assert {a["severity"] for a in alerts} == {"watch", "warning", "alert"}
    assert {(a["rule"], a["severity"]) for a in alerts} >= {
        (rule, severity)
        for rule in ("shift", "decline", "gap", "broad")
        for severity in ("watch", "warning", "alert")
    }


if __name__ == "__main__" and sys.argv[1:] == ["--regenerate"]:
    FIXTURE.parent.mkdir(exist_ok=True)
    text = json.dumps(current_alerts(), ensure_ascii=False, separators=(",", ":"))
    FIXTURE.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size:,} bytes)")
