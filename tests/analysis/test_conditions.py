"""The conditions engine, checked against brute force and exact formulas.

The reference scorer below is written independently of the engine (plain loops over the
documented convention: fixed min-max scale, shares = weights / sum). Thresholds are then
found by sweeping weights or values on a fine grid and looking for the sign change.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from detente.analysis.conditions import (
    Consideration,
    Estimate,
    Party,
    Problem,
    analyse,
    problem_from_dict,
)
from detente.analysis.conditions.command import add_arguments, run
from detente.analysis.files import InputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "conditions" / "revenue_vs_satisfaction.yaml"

ISSUE_EXAMPLE = {
    "options": ["A", "B"],
    "considerations": [
        {"name": "revenue", "direction": "higher", "values": {"A": 12, "B": 8}},
        {"name": "satisfaction", "direction": "higher", "values": {"A": 3.1, "B": 4.0}},
        {"name": "attrition", "direction": "lower", "values": {"A": 0.10, "B": [0.06, 0.09]}},
    ],
    "parties": {
        "sales": {"weights": {"revenue": 0.6, "satisfaction": 0.2, "attrition": 0.2}},
        "product": {"weights": {"revenue": 0.2, "satisfaction": 0.5, "attrition": 0.3}},
    },
}


# --- an independent reference ------------------------------------------------------------


def ref_normalised(problem: Problem, override: tuple[int, str, float] | None = None) -> dict:
    """{option: [u_j]} at central values; override = (consideration index, option, value)
    replaces one value while the scale stays what it was before the override."""
    out: dict[str, list[float]] = {o: [] for o in problem.options}
    for j, c in enumerate(problem.considerations):
        if c.scale:
            lo, hi = c.scale
        else:
            lo = min(e.low for e in c.values.values())
            hi = max(e.high for e in c.values.values())
        for o in problem.options:
            v = (c.values[o].low + c.values[o].high) / 2
            if override and override[0] == j and override[1] == o:
                v = override[2]
            if hi == lo:
                u = 0.0
            elif c.direction == "higher":
                u = (v - lo) / (hi - lo)
            else:
                u = (hi - v) / (hi - lo)
            out[o].append(u)
    return out


def ref_margin(u: dict, weights: list[float], a: str, b: str) -> float:
    total = sum(weights)
    return sum(w / total * (x - y) for w, x, y in zip(weights, u[a], u[b], strict=True))


def sign_changes(xs: np.ndarray, ys: np.ndarray) -> list[tuple[float, float]]:
    s = np.sign(ys)
    idx = np.flatnonzero(s[:-1] * s[1:] < 0)
    return [(xs[i], xs[i + 1]) for i in idx]


def random_problem(rng: np.random.Generator, n: int, m: int, parties: int = 2) -> Problem:
    options = [f"O{i}" for i in range(n)]
    cons = []
    for j in range(m):
        values = {}
        for o in options:
            x = float(rng.uniform(0, 10))
            if rng.random() < 0.3:
                values[o] = Estimate(x, x + float(rng.uniform(0.1, 3)))
            else:
                values[o] = Estimate(x, x)
        cons.append(Consideration(f"c{j}", "higher" if rng.random() < 0.6 else "lower", values))
    party_list = []
    for k in range(parties):
        w = rng.uniform(0, 1, m)
        w[rng.random(m) < 0.15] = 0.0  # some zero weights, but never all
        w[rng.integers(m)] += 0.1
        party_list.append(Party(f"p{k}", {f"c{j}": float(w[j]) for j in range(m)}))
    return Problem(options, cons, party_list)


RANDOM_PROBLEMS = [
    random_problem(np.random.default_rng(seed), n=int(2 + seed % 3), m=int(2 + seed % 4))
    for seed in range(12)
]


# --- weight thresholds -------------------------------------------------------------------


@pytest.mark.parametrize("problem", RANDOM_PROBLEMS)
def test_it_finds_every_one_weight_flip_a_fine_sweep_finds(problem: Problem) -> None:
    result = analyse(problem, pairs="all")
    u = ref_normalised(problem)
    names = [c.name for c in problem.considerations]
    grid = np.linspace(0, 1, 1001)
    for pc in result.flips:
        party = next(p for p in problem.parties if p.name == pc.party)
        w = [party.weights[c] for c in names]
        found = {f.consideration: f for f in pc.weights}
        for j, name in enumerate(names):
            others = sum(w) - w[j]
            if others == 0:
                continue  # no proportions to keep; the engine reports no threshold
            margins = []
            for t in grid:
                moved = [t if i == j else w[i] * (1 - t) / others for i in range(len(w))]
                margins.append(ref_margin(u, moved, pc.a, pc.b))
            crossings = sign_changes(grid, np.array(margins))
            if not crossings:
                assert name not in found or found[name].threshold_share in (0.0, 1.0)
                continue
            assert len(crossings) == 1  # the margin is linear in t
            lo, hi = crossings[0]
            assert lo <= found[name].threshold_share <= hi
            # The side on which a wins agrees with the sweep.
            a_wins_above = margins[-1] > 0
            assert (found[name].a_wins_when == "above") == a_wins_above


@pytest.mark.parametrize("problem", RANDOM_PROBLEMS[:6])
def test_it_finds_every_ratio_flip_a_log_sweep_finds(problem: Problem) -> None:
    result = analyse(problem, pairs="all")
    u = ref_normalised(problem)
    names = [c.name for c in problem.considerations]
    ratios = np.exp(np.linspace(np.log(1e-3), np.log(1e3), 1501))
    for pc in result.flips:
        party = next(p for p in problem.parties if p.name == pc.party)
        shares = np.array([party.weights[c] for c in names])
        shares = shares / shares.sum()
        found = {(r.first, r.second): r for r in pc.ratios}
        for j, i in itertools.permutations(range(len(names)), 2):
            s = shares[j] + shares[i]
            if s == 0:
                continue
            margins = []
            for r in ratios:
                moved = shares.copy()
                moved[j], moved[i] = s * r / (1 + r), s / (1 + r)
                margins.append(ref_margin(u, list(moved), pc.a, pc.b))
            crossings = sign_changes(ratios, np.array(margins))
            key = (names[j], names[i])
            if margins[-1] > margins[0] and crossings:
                # a gains as weight moves to j: the engine reports "j / i at least r*".
                lo, hi = crossings[0]
                assert lo <= found[key].threshold_ratio <= hi
            elif key in found:
                r_star = found[key].threshold_ratio
                assert not 1e-3 < r_star < 1e3 or crossings


def test_it_reproduces_the_issue_statement_about_revenue_and_satisfaction() -> None:
    # Product's preference flips when revenue matters r* times as much as satisfaction;
    # find r* by bisection on the reference margin and compare with the engine's figure.
    problem = problem_from_dict(ISSUE_EXAMPLE)
    u = ref_normalised(problem)
    shares = [0.2, 0.5, 0.3]
    s = shares[0] + shares[1]

    def margin(r: float) -> float:
        return ref_margin(u, [s * r / (1 + r), s / (1 + r), shares[2]], "A", "B")

    lo, hi = 0.01, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if margin(mid) > 0 else (mid, hi)
    result = analyse(problem)
    product = next(pc for pc in result.flips if pc.party == "product")
    ratio = next(r for r in product.ratios if (r.first, r.second) == ("revenue", "satisfaction"))
    assert ratio.threshold_ratio == pytest.approx(lo, rel=1e-9)
    text = " ".join(result.statements())
    assert "revenue mattered at least 1.73 times as much as satisfaction" in text


# --- value thresholds --------------------------------------------------------------------


@pytest.mark.parametrize("problem", RANDOM_PROBLEMS)
def test_it_finds_every_value_flip_a_sweep_of_that_value_finds(problem: Problem) -> None:
    result = analyse(problem, pairs="all")
    names = [c.name for c in problem.considerations]
    for pc in result.flips:
        party = next(p for p in problem.parties if p.name == pc.party)
        w = [party.weights[c] for c in names]
        for vf in pc.values:
            j = names.index(vf.consideration)
            c = problem.considerations[j]
            lo = min(e.low for e in c.values.values())
            hi = max(e.high for e in c.values.values())
            span = hi - lo
            grid = np.linspace(vf.threshold - span, vf.threshold + span, 500)  # centre off-grid
            margins = np.array(
                [
                    ref_margin(ref_normalised(problem, (j, vf.option, v)), w, pc.a, pc.b)
                    for v in grid
                ]
            )
            (cross_lo, cross_hi) = sign_changes(grid, margins)[0]
            assert cross_lo <= vf.threshold <= cross_hi
            a_wins_high = margins[-1] > 0
            assert (vf.a_wins_when == "at_least") == a_wins_high


def test_it_judges_a_range_estimate_at_both_of_its_ends() -> None:
    # A sales team that cares more about attrition: its threshold on B's attrition then
    # falls inside B's stated range of 0.06-0.09.
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    data["parties"]["sales"]["weights"] = {"revenue": 0.45, "satisfaction": 0.1, "attrition": 0.45}
    problem = problem_from_dict(data)
    result = analyse(problem)
    sales = next(pc for pc in result.flips if pc.party == "sales")
    flip = next(v for v in sales.values if (v.consideration, v.option) == ("attrition", "B"))
    names = [c.name for c in problem.considerations]
    w = [problem.parties[0].weights[c] for c in names]

    def margin_with_b_attrition(v: float) -> float:
        return ref_margin(ref_normalised(problem, (2, "B", v)), w, "A", "B")

    # At the low end B wins for sales, at the high end A does: the range straddles.
    assert margin_with_b_attrition(0.06) < 0 < margin_with_b_attrition(0.09)
    assert margin_with_b_attrition(flip.threshold) == pytest.approx(0, abs=1e-12)
    assert flip.over_range == "either"
    assert 0.06 < flip.threshold < 0.09
    assert sales.margin_low < 0 < sales.margin_high
    assert "could go either way" in " ".join(result.statements())


def test_it_gives_margins_and_scores_over_every_combination_of_range_ends() -> None:
    for problem in RANDOM_PROBLEMS:
        result = analyse(problem, pairs="all")
        ranged = [
            (j, o)
            for j, c in enumerate(problem.considerations)
            for o in problem.options
            if c.values[o].is_range
        ]
        names = [c.name for c in problem.considerations]
        for pc in result.flips[:6]:
            party = next(p for p in problem.parties if p.name == pc.party)
            w = [party.weights[c] for c in names]
            extremes = []
            for ends in itertools.product((0, 1), repeat=min(len(ranged), 8)):
                pinned = problem
                for (j, o), end in zip(ranged, ends, strict=False):
                    c = pinned.considerations[j]
                    e = c.values[o]
                    value = e.low if end == 0 else e.high
                    scale = c.scale or (
                        min(x.low for x in c.values.values()),
                        max(x.high for x in c.values.values()),
                    )
                    new_c = Consideration(
                        c.name, c.direction, {**c.values, o: Estimate(value, value)}, scale
                    )
                    cons = list(pinned.considerations)
                    cons[j] = new_c
                    pinned = Problem(pinned.options, cons, pinned.parties)
                extremes.append(ref_margin(ref_normalised(pinned), w, pc.a, pc.b))
            if len(ranged) <= 8:
                assert min(extremes) == pytest.approx(pc.margin_low, abs=1e-12)
                assert max(extremes) == pytest.approx(pc.margin_high, abs=1e-12)


# --- settling estimates ------------------------------------------------------------------


@pytest.mark.parametrize("problem", RANDOM_PROBLEMS)
def test_it_names_estimates_that_make_every_party_agree(problem: Problem) -> None:
    result = analyse(problem)
    names = [c.name for c in problem.considerations]
    for s in result.settlers:
        j = names.index(s.consideration)
        for bound, winner_sign in ((s.all_prefer_a, 1), (s.all_prefer_b, -1)):
            if bound is None:
                continue
            span = 1e-6 * (1 + abs(bound.value))
            beyond = bound.value + (span if bound.op == "at_least" else -span)
            before = bound.value - (span if bound.op == "at_least" else -span)
            u_beyond = ref_normalised(problem, (j, s.option, beyond))
            u_before = ref_normalised(problem, (j, s.option, before))
            signs_beyond, signs_before = [], []
            for party in problem.parties:
                w = [party.weights[c] for c in names]
                signs_beyond.append(np.sign(ref_margin(u_beyond, w, s.a, s.b)))
                signs_before.append(np.sign(ref_margin(u_before, w, s.a, s.b)))
            # Just beyond the bound every party agrees; just short of it, one does not yet.
            assert all(x == winner_sign for x in signs_beyond)
            assert not all(x == winner_sign for x in signs_before)


# --- robustness ---------------------------------------------------------------------------


def _problem_from_matrix(u: np.ndarray) -> Problem:
    n, m = u.shape
    options = [f"O{i}" for i in range(n)]
    cons = [
        Consideration(
            f"c{j}",
            "higher",
            {o: Estimate(u[i, j], u[i, j]) for i, o in enumerate(options)},
            (0, 1),
        )
        for j in range(m)
    ]
    return Problem(options, cons, [Party("p", {f"c{j}": 1.0 for j in range(m)})])


def test_it_gives_two_consideration_shares_by_the_exact_crossing_formula() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        u = rng.uniform(0, 1, (2, 2))
        d = u[0] - u[1]
        result = analyse(_problem_from_matrix(u))
        share = result.robustness[0].shares["O0"]
        if d[0] * d[1] >= 0:
            expected = 1.0 if d.sum() > 0 else 0.0
        else:
            # O0 wins where t d0 + (1 - t) d1 > 0, t being the first share.
            t = d[1] / (d[1] - d[0])
            expected = 1 - t if d[0] > 0 else t
        assert share == pytest.approx(expected, abs=1e-12)


def test_it_matches_a_dense_grid_over_the_three_weight_simplex() -> None:
    rng = np.random.default_rng(7)
    u = rng.uniform(0, 1, (4, 3))
    step = 1 / 600
    a, b = np.meshgrid(np.arange(0, 1 + step / 2, step), np.arange(0, 1 + step / 2, step))
    inside = a + b <= 1
    p = np.column_stack([a[inside], b[inside], 1 - a[inside] - b[inside]])
    winners = np.argmax(p @ u.T, axis=1)
    grid_share = np.bincount(winners, minlength=4) / len(p)
    exact = analyse(_problem_from_matrix(u)).robustness[0]
    assert exact.method == "exact"
    for i in range(4):
        assert exact.shares[f"O{i}"] == pytest.approx(grid_share[i], abs=0.005)


@pytest.mark.parametrize("m", [3, 5])
def test_it_agrees_with_sampling_within_four_standard_errors(m: int) -> None:
    u = np.random.default_rng(m).uniform(0, 1, (5, m))
    problem = _problem_from_matrix(u)
    exact = analyse(problem).robustness[0]
    sampled = analyse(problem, exact_max_considerations=0, samples=40_000, seed=1).robustness[0]
    assert sampled.method == "sampled" and sampled.samples == 40_000
    for o in problem.options:
        se = sampled.standard_errors[o]
        assert se == pytest.approx(
            np.sqrt(sampled.shares[o] * (1 - sampled.shares[o]) / 40_000), rel=1e-12
        )
        assert abs(sampled.shares[o] - exact.shares[o]) <= 4 * se + 1e-9


def test_it_respects_a_partys_weight_bounds_exactly() -> None:
    u = np.random.default_rng(11).uniform(0, 1, (4, 3))
    base = _problem_from_matrix(u)
    bounds = {"c0": (0.2, 0.6), "c2": (0.0, 0.3)}
    problem = Problem(
        base.options, base.considerations, [Party("p", base.parties[0].weights, bounds)]
    )
    bounded = next(r for r in analyse(problem).robustness if r.scope == "p")
    # Reference: plain Dirichlet draws, rejection on every bound.
    rng = np.random.default_rng(5)
    p = rng.dirichlet(np.ones(3), 400_000)
    keep = (p[:, 0] >= 0.2) & (p[:, 0] <= 0.6) & (p[:, 2] <= 0.3)
    p = p[keep]
    share = np.bincount(np.argmax(p @ u.T, axis=1), minlength=4) / len(p)
    for i in range(4):
        se = np.sqrt(share[i] * (1 - share[i]) / len(p))
        assert abs(bounded.shares[f"O{i}"] - share[i]) <= 4 * se + 1e-9


def test_it_samples_bounded_weightings_uniformly_when_there_are_many_considerations() -> None:
    u = np.random.default_rng(2).uniform(0, 1, (3, 4))
    base = _problem_from_matrix(u)
    bounds = {"c0": (0.1, 0.5), "c1": (0.2, 1.0)}
    problem = Problem(
        base.options, base.considerations, [Party("p", base.parties[0].weights, bounds)]
    )
    exact = next(r for r in analyse(problem).robustness if r.scope == "p")
    sampled = next(
        r
        for r in analyse(problem, exact_max_considerations=0, samples=40_000).robustness
        if r.scope == "p"
    )
    for o in problem.options:
        assert abs(sampled.shares[o] - exact.shares[o]) <= 4 * sampled.standard_errors[o] + 1e-9


def test_it_reproduces_sampled_shares_from_the_same_seed() -> None:
    problem = random_problem(np.random.default_rng(9), n=6, m=9)
    first = analyse(problem, samples=5_000, seed=4).robustness[0]
    again = analyse(problem, samples=5_000, seed=4).robustness[0]
    other = analyse(problem, samples=5_000, seed=5).robustness[0]
    assert first.method == "sampled"
    assert first.shares == again.shares
    assert first.shares != other.shares
    assert sum(first.shares.values()) == pytest.approx(1.0)


def test_it_splits_the_region_of_options_with_equal_central_values() -> None:
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    data["options"] = ["A", "B", "C"]
    for c in data["considerations"]:
        c["values"]["C"] = c["values"]["B"]
    data["considerations"][2]["values"]["C"] = 0.075  # same midpoint as B's range
    result = analyse(problem_from_dict(data))
    shares = result.robustness[0].shares
    two = analyse(problem_from_dict(ISSUE_EXAMPLE)).robustness[0].shares
    assert shares["B"] == pytest.approx(shares["C"]) == pytest.approx(two["B"] / 2)
    assert sum(shares.values()) == pytest.approx(1.0)


# --- degenerate and bad input ------------------------------------------------------------


def _with(change) -> dict:
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(options=["A"]), "options: need at least two options to compare"),
        (
            lambda d: d["parties"]["sales"].update(
                weights={"revenue": 0, "satisfaction": 0, "attrition": 0}
            ),
            "parties.sales.weights: all weights are zero",
        ),
        (
            lambda d: [c["values"].update(B=c["values"]["A"]) for c in d["considerations"]],
            "options: A and B have the same values on every consideration",
        ),
        (
            lambda d: d["considerations"][2]["values"].update(B="low"),
            "considerations[2].values.B: must be a number or [low, high]",
        ),
        (
            lambda d: d["considerations"][2]["values"].update(B=[0.09, 0.06]),
            "considerations[2].values.B: range [0.09, 0.06] has low above high",
        ),
        (
            lambda d: d["considerations"][0].update(direction="up"),
            "considerations[0].direction: must be 'higher' or 'lower'",
        ),
        (
            lambda d: d["parties"]["product"]["weights"].pop("attrition"),
            "parties.product.weights: missing a weight for 'attrition'",
        ),
        (
            lambda d: d["parties"]["product"]["weights"].update(revenue=-1),
            "parties.product.weights.revenue: must not be negative",
        ),
        (
            lambda d: d["parties"]["product"].update(
                bounds={"revenue": [0.7, 0.9], "satisfaction": [0.5, 1]}
            ),
            "parties.product.bounds: no weighting fits",
        ),
    ],
)
def test_it_rejects_degenerate_input_naming_the_field(change, message: str) -> None:
    with pytest.raises(InputError) as info:
        problem_from_dict(_with(change))
    assert str(info.value).startswith(message)


def test_it_says_when_a_consideration_cannot_separate_the_options() -> None:
    data = _with(lambda d: d["considerations"].append(
        {"name": "risk", "direction": "lower", "values": {"A": 2, "B": 2}}))  # fmt: skip
    for party in data["parties"].values():
        party["weights"]["risk"] = 1
    result = analyse(problem_from_dict(data))
    assert any("risk" in note for note in result.notes)
    assert all(v.consideration != "risk" for pc in result.flips for v in pc.values)


# --- output and command ------------------------------------------------------------------


def test_it_leaves_private_weights_out_of_the_json_and_the_statements() -> None:
    result = analyse(problem_from_dict(ISSUE_EXAMPLE))
    doc = result.as_json(hide_weights_of=["product"], disclosed_conditions_of=["product"])
    for flip in doc["flips"]:
        for w in flip["weights"]:
            assert ("share_now" in w) == (flip["party"] == "sales")
        for r in flip["ratios"]:
            assert ("ratio_now" in r) == (flip["party"] == "sales")
    product_lines = [s for s in doc["statements"] if s.startswith("product would prefer")]
    assert product_lines and all("now" not in s for s in product_lines)
    # Product's weights (0.2, 0.5, 0.3) appear nowhere as a current share.
    assert "(now 50%)" not in " ".join(doc["statements"])
    # Not disclosed, product's conditions are left out too: they would give its weights away.
    hidden = result.as_json(hide_weights_of=["product"])
    assert all(f.get("conditions_hidden") for f in hidden["flips"] if f["party"] == "product")
    assert not [s for s in hidden["statements"] if s.startswith("product would prefer")]


def _run(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    import argparse
    import contextlib
    import io

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(parser.parse_args(list(argv)))
    return code, out.getvalue(), err.getvalue()


def test_it_prints_rankings_flips_statements_and_robustness_as_json(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, str(EXAMPLE), "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"rankings", "flips", "statements", "robustness"}
    assert [o["option"] for o in doc["rankings"]["sales"]["options"]] == ["A", "B"]
    assert [o["option"] for o in doc["rankings"]["product"]["options"]] == ["B", "A"]
    shares = doc["robustness"][0]["options"]
    assert sum(v["share"] for v in shares.values()) == pytest.approx(1.0)


def test_it_exits_2_with_the_field_in_the_message_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(json.dumps(_with(lambda d: d["considerations"][2]["values"].update(B="x"))))
    code, out, err = _run(tmp_path, str(bad))
    assert code == 2 and out == ""
    assert "considerations[2].values.B: must be a number or [low, high]" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "conditions").glob("*.yaml")))
def test_it_runs_on_every_example_file(tmp_path: Path, path: Path) -> None:
    code, out, _ = _run(tmp_path, str(path))
    assert code == 0 and "would prefer" in out


def test_it_never_imports_django() -> None:
    code = (
        "import sys, detente.analysis.conditions, detente.analysis.conditions.command; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
