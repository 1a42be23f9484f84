"""From rows (alliance, period, side, measure, value) to arrays the rules can scan.

Rows are kept as columns, never as one object per row, so a portfolio of millions of
rows is grouped with numpy sorts instead of Python loops. Every series is stored as its
observed points only: a skipped quarter drops out instead of leaving a hole, which keeps
the null model (independent noise around a constant level) exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..files import InputError
from . import fit
from .measures import ALL_SIGNAL_KINDS, spec_for
from .model import COMBINED_SIDES, MeasureSpec, Observation, Settings, Signal
from .periods import period_ordinal


@dataclass(frozen=True)
class Coded:
    """A text column as its distinct values and, per row, the index of its value: what a
    columnar reader gives, with no Python string per row. Indexing a row gives its text."""

    values: list[str]  # each distinct value once, every one used by some row
    codes: np.ndarray  # (rows,) int, index into values

    def __len__(self) -> int:
        return int(self.codes.size)

    def __getitem__(self, i: int) -> str:
        return self.values[int(self.codes[i])]

    def tolist(self) -> list[str]:
        values = self.values
        return [values[c] for c in self.codes.tolist()]


@dataclass
class Table:
    """Input rows as columns. ``rows`` are the file's row numbers, for error messages.
    A text column is an array of str, or :class:`Coded` from the columnar reader."""

    alliance: np.ndarray | Coded  # str
    period: np.ndarray | Coded  # str
    side: np.ndarray | Coded  # str
    measure: np.ndarray | Coded  # str
    value: np.ndarray  # float
    rows: np.ndarray | None = None

    @classmethod
    def from_observations(cls, observations: Iterable[Observation]) -> Table:
        obs = list(observations)
        return cls(
            alliance=np.array([o.alliance for o in obs], dtype=object),
            period=np.array([o.period for o in obs], dtype=object),
            side=np.array([o.side for o in obs], dtype=object),
            measure=np.array([o.measure for o in obs], dtype=object),
            value=np.array([o.value for o in obs], dtype=float),
        )

    def where(self, i: int) -> str:
        """How to name row i in a message: the file row, or the observation's identity."""
        if self.rows is not None:
            return f"row {int(self.rows[i])}"
        return (
            f"observation {i} ({self.alliance[i]}, {self.period[i]}, {self.side[i]}, "
            f"{self.measure[i]})"
        )


@dataclass
class SeriesGroup:
    """Series of the same length L, one per row: y is the value turned so that lower is
    worse, var the null variance of each point, ordinal the period of each point."""

    alliance: np.ndarray  # (n,) alliance index
    measure: np.ndarray  # (n,) measure index
    y: np.ndarray  # (n, L)
    var: np.ndarray  # (n, L)
    ordinal: np.ndarray  # (n, L)
    raw: np.ndarray  # (n, L) the values as entered (mean over sides)
    rho: np.ndarray | None = None  # (n,) carry-over of the noise; None: independent
    df: np.ndarray | None = None  # (n,) degrees of freedom of the swing; None: known


@dataclass
class Panel:
    alliances: list[str]
    measures: list[str]
    specs: list[MeasureSpec]
    period_kind: str
    health: list[SeriesGroup]  # mean over sides, per alliance and measure
    gaps: list[SeriesGroup]  # first side minus second side, two-sided alliances only
    gap_sides: dict[int, tuple[str, str]]  # alliance index -> (first side, second side)
    measures_per_alliance: np.ndarray  # monitored measures per alliance
    gap_measures_per_alliance: np.ndarray
    signals: list[Signal]
    alliance_periods: int  # alliance-periods after each alliance's first (tests run there)
    noise: fit.NoiseModel | None = None  # the noise model used; None: the documented swings


def _factorize(column: np.ndarray) -> tuple[list[object], np.ndarray]:
    """(distinct values, code of each row), in first-seen order.

    A dict pass is several times faster than sorting millions of strings with np.unique.
    """
    values = column.tolist()
    index = {x: i for i, x in enumerate(dict.fromkeys(values))}
    return list(index), np.fromiter(map(index.__getitem__, values), np.int64, len(values))


def _codes(
    table: Table,
    column: np.ndarray | Coded,
    name: str,
    clean: Callable[[str], str] = str.strip,
) -> tuple[list[str], np.ndarray]:
    """Sorted distinct cleaned values and each row's code; an empty value is an error."""
    if isinstance(column, Coded):
        raw: list[object] = list(column.values)
        codes = column.codes
    else:
        raw, codes = _factorize(column)
    cleaned = [clean(str(x)) for x in raw]
    if "" in cleaned:
        empty = [i for i, x in enumerate(cleaned) if x == ""]
        row = int(np.flatnonzero(np.isin(codes, empty))[0])
        raise InputError(f"{table.where(row)}, {name}", "is empty")
    names = sorted(set(cleaned))
    position = {n: i for i, n in enumerate(names)}
    remap: np.ndarray = np.array([position[x] for x in cleaned], dtype=_code_type(len(names)))
    return names, remap[codes]


def _measure_name(text: str) -> str:
    return text.strip().lower()


def _dense(names: list[str], codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Drop names no row uses any more, so that codes stay 0..len-1 (in the names' order).
    Counting instead of sorting: codes are below len(names)."""
    used = np.bincount(codes, minlength=len(names)) > 0
    new_code: np.ndarray = (np.cumsum(used) - 1).astype(_code_type(len(names)))
    return [names[i] for i in np.flatnonzero(used)], new_code[codes]


def _code_type(n: int) -> type:
    """The integer type of codes 0..n-1: 32 bits where they fit (half the memory)."""
    return np.int32 if n < 1 << 31 else np.int64


def _distinct(keys: np.ndarray, bound: int) -> np.ndarray:
    """np.unique(keys) for keys in 0..bound-1: by counting when bound is not much larger
    than the number of keys, else by sorting."""
    if bound <= max(4 * keys.size, 1 << 16):
        return np.flatnonzero(np.bincount(keys, minlength=bound))
    return np.unique(keys)


def _cells(
    table: Table,
    rows: np.ndarray,
    a: np.ndarray,
    m: np.ndarray,
    p: np.ndarray,
    s: np.ndarray,
    n_measures: int,
    n_sides: int,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(cells, each row's cell, first period, periods spanned): the distinct (alliance,
    measure, period) keys in order and each row's index into them, as np.unique(key,
    return_inverse=True) gives them. Raises if two rows share alliance, period, side and
    measure, naming the pair that np.lexsort((s, p, m, a)) puts first."""
    p_min = int(p.min())
    n_periods = int(p.max()) - p_min + 1
    cell_key = (a.astype(np.int64) * n_measures + m) * n_periods + (p - p_min)
    bound = (int(a.max()) + 1) * n_measures * n_periods
    # A portfolio's keys are dense (alliances x measures x periods): count, do not sort,
    # unless a key repeats (the sort finds the pair to name).
    dense = bound * n_sides <= max(4 * a.size, 1 << 16)
    if dense and np.bincount(cell_key * n_sides + s, minlength=bound * n_sides).max() <= 1:
        present = np.bincount(cell_key, minlength=bound) > 0
        return np.flatnonzero(present), (np.cumsum(present) - 1)[cell_key], p_min, n_periods
    if bound * n_sides < 1 << 62:
        key = cell_key * n_sides + s
        order = np.argsort(key, kind="stable")
        key = key[order]
        same = key[1:] == key[:-1]
        del key
    else:  # a key this wide would overflow: sort the columns themselves
        order = np.lexsort((s, p, m, a))
        same = (
            (a[order][1:] == a[order][:-1])
            & (m[order][1:] == m[order][:-1])
            & (p[order][1:] == p[order][:-1])
            & (s[order][1:] == s[order][:-1])
        )
    if same.any():
        k = int(np.flatnonzero(same)[0])
        first, second = sorted((int(rows[order[k]]), int(rows[order[k + 1]])))
        raise InputError(
            table.where(second),
            f"repeats the alliance, period, side and measure of {table.where(first)}",
        )
    sorted_key = cell_key[order]
    starts = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    cell = np.empty(order.size, dtype=np.int64)
    cell[order] = np.cumsum(starts) - 1
    return sorted_key[starts], cell, p_min, n_periods


def _split_signals(
    table: Table,
    alliance_names: list[str],
    alliance_code: np.ndarray,
    side_names: list[str],
    side_code: np.ndarray,
    measure_names: list[str],
    measure_code: np.ndarray,
) -> tuple[np.ndarray, list[Signal]]:
    """Rows whose measure is a signal kind become Signals (value = how many were logged)."""
    kinds = [i for i, name in enumerate(measure_names) if name in ALL_SIGNAL_KINDS]
    is_signal = np.isin(measure_code, kinds)
    signals: list[Signal] = []
    for i in np.flatnonzero(is_signal):
        count = table.value[i]
        kind = measure_names[measure_code[i]]
        if count < 0 or count != int(count):
            raise InputError(
                f"{table.where(int(i))}, value", f"{count:g} is not a count of recorded {kind}"
            )
        side = side_names[side_code[i]]
        side = "" if side.lower() in COMBINED_SIDES else side
        signals.extend(
            Signal(alliance_names[alliance_code[i]], str(table.period[int(i)]).strip(), kind, side)
            for _ in range(int(count))
        )
    return ~is_signal, signals


def _series_groups(
    alliance: np.ndarray,
    measure: np.ndarray,
    ordinal: np.ndarray,
    y: np.ndarray,
    var: np.ndarray,
    raw: np.ndarray,
    rho: np.ndarray | None = None,
    df: np.ndarray | None = None,
) -> list[SeriesGroup]:
    """Cut points (sorted by alliance, measure, ordinal) into series grouped by length.
    ``rho`` and ``df`` are per point but constant along a series."""
    if alliance.size == 0:
        return []
    if not fit.in_order(alliance, measure, ordinal):  # the cells of build_panel already are
        order = np.lexsort((ordinal, measure, alliance))
        alliance, measure, ordinal = alliance[order], measure[order], ordinal[order]
        y, var, raw = y[order], var[order], raw[order]
        rho = rho[order] if rho is not None else None
        df = df[order] if df is not None else None
    new_series = np.r_[True, (alliance[1:] != alliance[:-1]) | (measure[1:] != measure[:-1])]
    starts = np.flatnonzero(new_series)
    lengths = np.diff(np.r_[starts, alliance.size])
    groups = []
    for length in np.unique(lengths):
        first = starts[lengths == length]
        index = first[:, None] + np.arange(length)[None, :]
        groups.append(
            SeriesGroup(
                alliance=alliance[first],
                measure=measure[first],
                y=y[index],
                var=var[index],
                ordinal=ordinal[index],
                raw=raw[index],
                rho=rho[first] if rho is not None else None,
                df=df[first] if df is not None else None,
            )
        )
    return groups


def build_panel(
    table: Table,
    extra_signals: Sequence[Signal] = (),
    overrides: dict[str, MeasureSpec] | None = None,
    settings: Settings | None = None,
) -> Panel:
    """The series the rules scan. With ``settings.calibrate`` (the default) the noise model
    is fitted on this table (or ``settings.noise`` is used) and every point's null variance
    follows it; without, the documented swings with independent noise."""
    settings = settings or Settings()
    if overrides is None:
        overrides = settings.measures
    if table.value.size == 0 and not extra_signals:
        raise InputError("", "no observations to scan")
    alliance_names, alliance_code = _codes(table, table.alliance, "alliance")
    side_names, side_code = _codes(table, table.side, "side")
    measure_names, measure_code = _codes(table, table.measure, "measure", _measure_name)
    # Period labels repeat a lot: parse each distinct label once.
    labels, label_index = _codes(table, table.period, "period")

    bad = np.flatnonzero(~np.isfinite(table.value))
    if bad.size:
        raise InputError(f"{table.where(int(bad[0]))}, value", "must be a finite number")

    keep, signals = _split_signals(
        table, alliance_names, alliance_code, side_names, side_code, measure_names, measure_code
    )
    signals.extend(extra_signals)

    kinds, ordinals = [], []
    for label in labels:
        try:
            kind, label_ordinal = period_ordinal(label)
        except ValueError as exc:
            i = int(np.flatnonzero(label_index == labels.index(label))[0])
            raise InputError(f"{table.where(i)}, period", str(exc)) from None
        kinds.append(kind)
        ordinals.append(label_ordinal)
    if len(set(kinds)) > 1:
        i = int(np.flatnonzero(np.array(kinds)[label_index] != kinds[0])[0])
        raise InputError(
            f"{table.where(i)}, period",
            f"{table.period[i]!r} mixes months and quarters in one file",
        )
    period_kind = kinds[0] if kinds else "quarter"

    rows = np.flatnonzero(keep)
    if rows.size == 0:
        # Only recorded signals: nothing to measure, the signal rule still applies.
        empty: list[SeriesGroup] = []
        return Panel([], [], [], period_kind, empty, [], {}, np.zeros(0), np.zeros(0), signals, 0)
    # Re-code over the kept rows so that codes are dense. Per-row arrays are let go as soon
    # as they are used: a portfolio file has millions of rows.
    if rows.size == keep.size:  # no signal rows: every name is used, nothing to re-code
        alliances, a = alliance_names, alliance_code
        measures, m = measure_names, measure_code
        p = np.array(ordinals, dtype=np.int64)[label_index]
        value = table.value
    else:
        alliances, a = _dense(alliance_names, alliance_code[rows])
        measures, m = _dense(measure_names, measure_code[rows])
        side_names, side_code = _dense(side_names, side_code[rows])
        p = np.array(ordinals, dtype=np.int64)[label_index[rows]]
        value = table.value[rows]
    s = side_code
    specs = [spec_for(name, overrides) for name in measures]
    del alliance_code, measure_code, side_code, label_index, keep

    # Values outside the measure's range (a 7 on a 1-5 scale) are typing mistakes; the
    # first measure (by name) with one is named, at its first row.
    low = np.array([-np.inf if spec.low is None else spec.low for spec in specs])
    high = np.array([np.inf if spec.high is None else spec.high for spec in specs])
    outside = (value < low[m]) | (value > high[m])
    if outside.any():
        j = int(m[outside].min())
        spec = specs[j]
        i = int(rows[np.flatnonzero(outside & (m == j))[0]])
        span = (
            f"{spec.low:g} to {spec.high:g}"
            if spec.high is not None
            else (f"at least {spec.low:g}")
        )
        raise InputError(
            f"{table.where(i)}, value",
            f"{table.value[i]:g} is outside {span} for {spec.name}",
        )

    # One value per alliance, period, side and measure; the cells are (alliance, measure,
    # period), in that order.
    cells, cell, p_min, n_periods_key = _cells(
        table, rows, a, m, p, s, len(measures), len(side_names)
    )
    del rows, m, p

    # A value given for both sides at once weighs as two sides' answers.
    combined = np.array([name.lower() in COMBINED_SIDES for name in side_names], dtype=bool)
    weight = np.where(combined[s], 2.0, 1.0)
    weight_sum = np.bincount(cell, weights=weight)
    mean = np.bincount(cell, weights=weight * value) / weight_sum
    cell_a = cells // (len(measures) * n_periods_key)
    cell_m = (cells // n_periods_key) % len(measures)
    cell_p = cells % n_periods_key + p_min
    direction = np.array([1.0 if spec.higher_is_better else -1.0 for spec in specs])

    # Each side's value per cell: the two named sides of a two-sided alliance, or the one
    # named side of a one-sided alliance in the first column.
    named = ~combined[s]
    pair_key = _distinct(
        a[named].astype(np.int64) * len(side_names) + s[named], len(alliances) * len(side_names)
    )
    pair_a, pair_s = pair_key // len(side_names), pair_key % len(side_names)
    sides_per_alliance = np.bincount(pair_a, minlength=len(alliances))
    gap_sides: dict[int, tuple[str, str]] = {}
    first_side = np.full(len(alliances), -1)
    second_side = np.full(len(alliances), -1)
    # pair_key is sorted: an alliance's two sides are next to each other, in order.
    two = np.flatnonzero(sides_per_alliance == 2)
    at = np.searchsorted(pair_a, two)
    first_side[two], second_side[two] = pair_s[at], pair_s[at + 1]
    gap_sides = {
        int(t): (side_names[f], side_names[g])
        for t, f, g in zip(two.tolist(), pair_s[at].tolist(), pair_s[at + 1].tolist(), strict=True)
    }
    side_value = np.full((cells.size, 2), np.nan)
    is_first = s == first_side[a]
    is_second = s == second_side[a]
    side_value[cell[is_first], 0] = value[is_first]
    side_value[cell[is_second], 1] = value[is_second]
    both = np.isfinite(side_value).all(axis=1)
    del is_first, is_second, weight

    noise = None
    cell_rho: np.ndarray | None
    cell_c: np.ndarray | None
    cell_df: np.ndarray | None
    if settings.calibrate:
        noise = settings.noise
        if noise is None:
            # One-sided alliances lend their one side's series to the fit, in column 0.
            fitted = side_value.copy()
            alone = named & (sides_per_alliance[a] == 1)
            fitted[cell[alone], 0] = value[alone]
            del alone, a, s, value, cell, named
            noise = fit_noise(alliances, specs, cell_a, cell_m, cell_p, fitted, period_kind)
            del fitted
        noise = _with_team_swings(noise, specs, settings.team_swings)
        cell_swing, cell_rho, cell_c, cell_df = _cell_noise(noise, specs, alliances, cell_a, cell_m)
    else:
        cell_swing = np.array([spec.swing for spec in specs])[cell_m]
        cell_rho = cell_c = cell_df = None

    # The mean over W answers whose noise correlates c: variance swing^2 (1 + (W-1) c) / W.
    spread = 1.0 if cell_c is None else 1 + (weight_sum - 1) * cell_c
    health = _series_groups(
        cell_a,
        cell_m,
        cell_p,
        mean * direction[cell_m],
        cell_swing**2 * spread / weight_sum,
        mean,
        cell_rho,
        cell_df,
    )
    # Perception gap: only alliances with exactly two named sides have one gap to watch.
    gap = side_value[both, 0] - side_value[both, 1]
    gap_spread = 1.0 if cell_c is None else 1 - cell_c[both]
    gaps = _series_groups(
        cell_a[both],
        cell_m[both],
        cell_p[both],
        gap,
        2 * cell_swing[both] ** 2 * gap_spread,
        gap,
        cell_rho[both] if cell_rho is not None else None,
        cell_df[both] if cell_df is not None else None,
    )

    measures_per_alliance = np.bincount(
        _distinct(cell_a * len(measures) + cell_m, len(alliances) * len(measures)) // len(measures),
        minlength=len(alliances),
    )
    gap_cells = _distinct(
        cell_a[both] * len(measures) + cell_m[both], len(alliances) * len(measures)
    )
    gap_measures_per_alliance = np.bincount(gap_cells // len(measures), minlength=len(alliances))
    periods_per_alliance = np.bincount(
        _distinct(cell_a * n_periods_key + (cell_p - p_min), len(alliances) * n_periods_key)
        // n_periods_key,
        minlength=len(alliances),
    )
    return Panel(
        alliances=alliances,
        measures=measures,
        specs=specs,
        period_kind=period_kind,
        health=health,
        gaps=gaps,
        gap_sides=gap_sides,
        measures_per_alliance=measures_per_alliance,
        gap_measures_per_alliance=gap_measures_per_alliance,
        signals=signals,
        alliance_periods=int(np.maximum(periods_per_alliance - 1, 0).sum()),
        noise=noise,
    )


def fit_noise(
    alliances: list[str],
    specs: list[MeasureSpec],
    cell_a: np.ndarray,
    cell_m: np.ndarray,
    cell_p: np.ndarray,
    side_value: np.ndarray,
    period_kind: str,
) -> fit.NoiseModel:
    """Fit the noise model on each side's value per cell (see fit.py). Values given for
    both sides at once do not count: their noise mixes the swing with the sides'
    correlation."""
    diffs = fit.differences(cell_a, cell_m, cell_p, side_value)
    return fit.NoiseModel(
        {
            spec.name: fit.fit_measure(spec.name, spec.swing, diffs, j, alliances)
            for j, spec in enumerate(specs)
        },
        period_kind,
    )


def _with_team_swings(
    noise: fit.NoiseModel, specs: list[MeasureSpec], team_swings: frozenset[str]
) -> fit.NoiseModel:
    """A swing the team set replaces the fitted one (and is known: no degrees of freedom
    lost); the carry-over and the sides' correlation are still the fitted ones. Measures
    the model does not know (a model fitted elsewhere) get their documented default."""
    out = dict(noise.measures)
    for spec in specs:
        found = out.get(spec.name)
        if spec.name in team_swings:
            rho = found.rho if found else 0.0
            c = found.side_correlation if found else 0.0
            n = found.differences if found else 0
            out[spec.name] = fit.MeasureNoise(spec.name, spec.swing, rho, c, "team", n)
        elif found is None:
            out[spec.name] = fit.MeasureNoise(spec.name, spec.swing)
    return fit.NoiseModel(out, noise.period_kind)


def _cell_noise(
    noise: fit.NoiseModel,
    specs: list[MeasureSpec],
    alliances: list[str],
    cell_a: np.ndarray,
    cell_m: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """(swing, rho, sides' correlation, degrees of freedom) of every cell."""
    models = [noise.measures[spec.name] for spec in specs]
    rho = np.array([m.rho for m in models])[cell_m]
    c = np.array([m.side_correlation for m in models])[cell_m]
    swing = np.array([m.swing for m in models])[cell_m]
    df = np.array([m.df for m in models])[cell_m]
    for j, m in enumerate(models):
        if not m.per_alliance and m.newcomer is None:
            continue
        own = [m.for_alliance(name) for name in alliances]
        own_swing = np.array([x[0] for x in own])
        own_df = np.array([x[1] for x in own])
        at = cell_m == j
        swing[at] = own_swing[cell_a[at]]
        df[at] = own_df[cell_a[at]]
    return swing, rho, c, df
