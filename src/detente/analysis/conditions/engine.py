"""The conditions analysis: rankings, flip thresholds, settling estimates and robustness.

``analyse(problem)`` returns plain dataclasses; ``ConditionsResult.as_json()`` is the JSON the
command prints and the API can serve unchanged.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from detente.analysis.conditions import robustness as rob
from detente.analysis.conditions import thresholds as th
from detente.analysis.conditions.model import Estimate, Problem
from detente.analysis.conditions.scoring import Matrices, build_matrices, score_ranges, scores

PairSelection = Literal["disagreements", "all"] | Iterable[tuple[str, str]]


@dataclass(frozen=True)
class RankedOption:
    option: str
    score: float
    score_low: float  # lowest score within this option's estimate ranges
    score_high: float


@dataclass(frozen=True)
class Ranking:
    party: str
    options: list[RankedOption]  # best first
    margin: float  # first minus second


@dataclass(frozen=True)
class WeightFlip:
    """a beats b when the consideration's share is above (or below) threshold_share."""

    consideration: str
    share_now: float
    threshold_share: float
    weight_now: float  # the party's raw units
    threshold_weight: float | None  # raw units; None when the threshold share is 1
    a_wins_when: Literal["above", "below"]


@dataclass(frozen=True)
class RatioFlip:
    """a beats b when weight(first) / weight(second) is at least threshold_ratio."""

    first: str
    second: str
    ratio_now: float | None  # None when second has zero weight (ratio infinite)
    threshold_ratio: float


@dataclass(frozen=True)
class ValueFlip:
    """a beats b when `option`'s value on `consideration` is at least / at most threshold."""

    consideration: str
    option: str
    estimate: Estimate
    threshold: float
    a_wins_when: Literal["at_least", "at_most"]
    # Who the party prefers across the estimate's range: "a", "b" or "either" (it straddles).
    over_range: Literal["a", "b", "either"]


@dataclass(frozen=True)
class PairConditions:
    party: str
    a: str
    b: str
    margin: float  # score of a minus score of b, central estimates
    margin_low: float  # over all values within the stated ranges
    margin_high: float
    weights: list[WeightFlip]
    ratios: list[RatioFlip]
    values: list[ValueFlip]

    @property
    def prefers(self) -> str | None:
        if abs(self.margin) <= th.EPS:
            return None
        return self.a if self.margin > 0 else self.b


@dataclass(frozen=True)
class Bound:
    op: Literal["at_least", "at_most"]
    value: float


@dataclass(frozen=True)
class Settler:
    """An estimate which, once learned, would make every party prefer the same option."""

    a: str
    b: str
    option: str
    consideration: str
    estimate: Estimate
    all_prefer_a: Bound | None  # None: no value makes every party prefer a
    all_prefer_b: Bound | None
    within_range: bool  # the stated range reaches a value that settles it
    distance: float  # normalised distance from the central estimate to the nearest settling value


@dataclass
class ConditionsResult:
    problem: Problem
    rankings: list[Ranking]
    pairs: list[tuple[str, str]]
    flips: list[PairConditions]
    settlers: list[Settler]
    robustness: list[rob.Robustness]
    scale: dict[str, tuple[float, float]]
    notes: list[str] = field(default_factory=list)

    def statements(
        self, hide_weights_of: Collection[str] = (), disclosed_conditions_of: Collection[str] = ()
    ) -> list[str]:
        from detente.analysis.conditions.statements import write_statements

        return write_statements(self, hide_weights_of, disclosed_conditions_of)

    def as_json(
        self, hide_weights_of: Collection[str] = (), disclosed_conditions_of: Collection[str] = ()
    ) -> dict:
        """The JSON result; see ``output.py`` for what hiding a party leaves out."""
        from detente.analysis.conditions.output import result_json

        return result_json(self, hide_weights_of, disclosed_conditions_of)


# --- analysis ------------------------------------------------------------------------------


def _rankings(mat: Matrices) -> list[Ranking]:
    s = scores(mat)
    s_lo, s_hi = score_ranges(mat)
    out = []
    for k, party in enumerate(mat.parties):
        order = sorted(range(len(mat.options)), key=lambda i: (-s[k, i], i))
        ranked = [RankedOption(mat.options[i], s[k, i], s_lo[k, i], s_hi[k, i]) for i in order]
        out.append(Ranking(party, ranked, float(s[k, order[0]] - s[k, order[1]])))
    return out


def _select_pairs(mat: Matrices, selection: PairSelection) -> list[tuple[int, int]]:
    n = len(mat.options)
    every = [(i, j) for i in range(n) for j in range(i + 1, n)]
    if selection == "all":
        return every
    if selection == "disagreements":
        s = scores(mat)
        signs = np.sign(np.round(s[:, :, None] - s[:, None, :], 12))  # (k, n, n)
        split = (signs.max(axis=0) > 0) & (signs.min(axis=0) < 0)
        chosen = [(i, j) for i, j in every if split[i, j]]
        if chosen:
            return chosen
        # Nobody disagrees: say what it would take for each party's runner-up to win.
        seen: set[tuple[int, int]] = set()
        for k in range(len(mat.parties)):
            top, second = np.argsort(-s[k], kind="stable")[:2]
            seen.add((int(min(top, second)), int(max(top, second))))
        return sorted(seen)
    index = {o: i for i, o in enumerate(mat.options)}
    pairs = []
    for a, b in selection:
        if a not in index or b not in index or a == b:
            raise ValueError(f"not a pair of distinct options: {a!r}, {b!r}")
        pairs.append((index[a], index[b]))
    return pairs


@dataclass(frozen=True)
class PartyTables:
    """Every threshold for one party over the selected pairs, as arrays (see thresholds.py)."""

    margin: np.ndarray  # (P,)
    margin_low: np.ndarray
    margin_high: np.ndarray
    t_star: np.ndarray  # (P, m)
    a_wins_above: np.ndarray
    w_star: np.ndarray
    r_star: np.ndarray  # (P, m, m)
    ua_star: np.ndarray  # (P, m)
    ub_star: np.ndarray


def party_tables(mat: Matrices, k: int, ia: np.ndarray, ib: np.ndarray) -> PartyTables:
    p = mat.shares[k]
    d = mat.central[ia] - mat.central[ib]
    t_star, above = th.weight_thresholds(p, d)
    ua, ub = th.value_thresholds(p, d, mat.central[ia], mat.central[ib])
    return PartyTables(
        margin=d @ p,
        margin_low=(mat.worst[ia] - mat.best[ib]) @ p,
        margin_high=(mat.best[ia] - mat.worst[ib]) @ p,
        t_star=t_star,
        a_wins_above=above,
        w_star=th.raw_weight_at(mat.raw_weights[k], t_star),
        r_star=th.ratio_thresholds(p, d),
        ua_star=ua,
        ub_star=ub,
    )


def _value_flip(
    mat: Matrices, problem: Problem, j: int, option: str, u_star: float, moving_a: bool
) -> ValueFlip:
    higher = mat.sign[j] > 0
    threshold = float(mat.denormalise(j, u_star))
    # a wins when a's normalised value rises, or b's falls; raw direction depends on "lower".
    up = moving_a == higher
    op: Literal["at_least", "at_most"] = "at_least" if up else "at_most"
    est = problem.considerations[j].values[option]

    def a_wins(v: float) -> bool:
        return v >= threshold if up else v <= threshold

    ends = {a_wins(est.low), a_wins(est.high)}
    over: Literal["a", "b", "either"] = (
        "either" if len(ends) == 2 else ("a" if True in ends else "b")
    )
    return ValueFlip(mat.considerations[j], option, est, threshold, op, over)


def _pair_conditions(
    mat: Matrices, problem: Problem, k: int, t: PartyTables, q: int, a: int, b: int
) -> PairConditions:
    p = mat.shares[k]
    raw = mat.raw_weights[k]
    weights = []
    for j in np.flatnonzero(~np.isnan(t.t_star[q])):
        w = t.w_star[q, j]
        weights.append(
            WeightFlip(
                consideration=mat.considerations[j],
                share_now=float(p[j]),
                threshold_share=float(t.t_star[q, j]),
                weight_now=float(raw[j]),
                threshold_weight=None if math.isinf(w) else float(w),
                a_wins_when="above" if t.a_wins_above[q, j] else "below",
            )
        )
    d = mat.central[a] - mat.central[b]
    ratios = []
    # Orient each pair so that `first` is the consideration favouring a relative to `second`;
    # then "a wins when first/second >= r*" always reads the same way.
    for j, i in np.argwhere(~np.isnan(t.r_star[q]) & (d[:, None] > d[None, :])):
        ratios.append(
            RatioFlip(
                first=mat.considerations[j],
                second=mat.considerations[i],
                ratio_now=float(p[j] / p[i]) if p[i] > th.EPS else None,
                threshold_ratio=float(t.r_star[q, j, i]),
            )
        )
    values = []
    for c in range(len(mat.considerations)):
        if mat.span[c] <= 0 or np.isnan(t.ua_star[q, c]):
            continue
        values.append(_value_flip(mat, problem, c, mat.options[a], t.ua_star[q, c], True))
        values.append(_value_flip(mat, problem, c, mat.options[b], t.ub_star[q, c], False))
    return PairConditions(
        party=mat.parties[k],
        a=mat.options[a],
        b=mat.options[b],
        margin=float(t.margin[q]),
        margin_low=float(t.margin_low[q]),
        margin_high=float(t.margin_high[q]),
        weights=weights,
        ratios=ratios,
        values=values,
    )


def _bound(mat: Matrices, j: int, u: float | None, moving_a: bool, toward_a: bool) -> Bound | None:
    """Turn a normalised settling value into a raw one with its direction."""
    if u is None:
        return None
    # Raising a's normalised value helps a, raising b's helps b; "lower" flips the raw sense.
    up = (moving_a == toward_a) == (mat.sign[j] > 0)
    return Bound("at_least" if up else "at_most", float(mat.denormalise(j, u)))


def _settlers(
    mat: Matrices, problem: Problem, tables: list[PartyTables], q: int, a: int, b: int
) -> list[Settler]:
    """Estimates whose true value would make all parties agree on a, or all on b.

    Every party's margin moves the same way as one value moves (only the size of its weight
    differs), so "all prefer a" holds beyond the farthest party threshold on a's side.
    A party that gives the consideration no weight cannot be moved by it.
    """
    margins = np.array([t.margin[q] for t in tables])
    out = []
    for j in range(len(mat.considerations)):
        if mat.span[j] <= 0:
            continue
        for option, moving_a in ((a, True), (b, False)):
            stars = np.array([(t.ua_star if moving_a else t.ub_star)[q, j] for t in tables])
            weighted = ~np.isnan(stars)
            if not weighted.any():
                continue
            unmoved = margins[~weighted]
            # In normalised terms a wins when u_a >= u* (moving a) or u_b <= u* (moving b).
            if moving_a:
                ua_all_a, ua_all_b = stars[weighted].max(), stars[weighted].min()
            else:
                ua_all_a, ua_all_b = stars[weighted].min(), stars[weighted].max()
            prefer_a = ua_all_a if np.all(unmoved > th.EPS) else None
            prefer_b = ua_all_b if np.all(unmoved < -th.EPS) else None
            if prefer_a is None and prefer_b is None:
                continue
            name = mat.options[option]
            est = problem.considerations[j].values[name]
            ba = _bound(mat, j, prefer_a, moving_a, toward_a=True)
            bb = _bound(mat, j, prefer_b, moving_a, toward_a=False)
            reach = [
                bd.value <= est.high if bd.op == "at_least" else bd.value >= est.low
                for bd in (ba, bb)
                if bd is not None
            ]
            u_now = mat.central[option, j]
            dist = min(abs(u - u_now) for u in (prefer_a, prefer_b) if u is not None)
            out.append(
                Settler(
                    a=mat.options[a],
                    b=mat.options[b],
                    option=name,
                    consideration=mat.considerations[j],
                    estimate=est,
                    all_prefer_a=ba,
                    all_prefer_b=bb,
                    within_range=any(reach),
                    distance=float(dist),
                )
            )
    out.sort(key=lambda s: (not s.within_range, not s.estimate.is_range, s.distance))
    return out


def analyse(
    problem: Problem,
    *,
    pairs: PairSelection = "disagreements",
    exact_max_considerations: int = rob.EXACT_MAX_CONSIDERATIONS,
    samples: int = rob.DEFAULT_SAMPLES,
    seed: int = 0,
    progress: bool = False,
) -> ConditionsResult:
    """Analyse a validated problem (``problem.validate()`` is called again here, cheaply).

    pairs: "disagreements" (pairs the parties order differently; if none, each party's top
    two), "all", or explicit (a, b) pairs. Robustness is exact up to
    exact_max_considerations considerations, else sampled with `samples` draws from `seed`.
    """
    problem.validate()
    mat = build_matrices(problem)
    chosen = _select_pairs(mat, pairs)
    ia = np.array([a for a, _ in chosen], dtype=int)
    ib = np.array([b for _, b in chosen], dtype=int)
    tables = [party_tables(mat, k, ia, ib) for k in range(len(mat.parties))]
    flips = [
        _pair_conditions(mat, problem, k, tables[k], q, a, b)
        for q, (a, b) in enumerate(chosen)
        for k in range(len(mat.parties))
    ]
    s = scores(mat)
    settlers = []
    for q, (a, b) in enumerate(chosen):
        col = s[:, a] - s[:, b]
        if col.max() > th.EPS and col.min() < -th.EPS:
            settlers.extend(_settlers(mat, problem, tables, q, a, b))

    robustness = functools.partial(
        rob.robustness, exact_max=exact_max_considerations, samples=samples, progress=progress
    )
    results = [robustness(mat.options, mat.considerations, mat.central, "all weightings",
                          seed=seed)]  # fmt: skip
    for k, party in enumerate(problem.parties):
        if party.bounds:
            results.append(
                robustness(
                    mat.options,
                    mat.considerations,
                    mat.central,
                    party.name,
                    party.bounds,
                    seed=seed + k + 1,
                )  # fmt: skip
            )
    notes = [
        f"{c}: every option has the same value, so it cannot change any ranking"
        for j, c in enumerate(mat.considerations)
        if mat.span[j] <= 0
    ]
    return ConditionsResult(
        problem=problem,
        rankings=_rankings(mat),
        pairs=[(mat.options[a], mat.options[b]) for a, b in chosen],
        flips=flips,
        settlers=settlers,
        robustness=results,
        scale={
            c: (float(mat.scale_lo[j]), float(mat.scale_hi[j]))
            for j, c in enumerate(mat.considerations)
        },
        notes=notes,
    )
