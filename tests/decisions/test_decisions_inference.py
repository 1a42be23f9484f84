"""Hidden means not inferable: an attacker on side B tries to solve side A's private weights
from what B's view of a decision exposes, and must find the system underdetermined.

The attacker reads only the JSON the API gives side B (the same data the page renders), turns
every number in it that depends on side A's weight shares into a linear equation (each
threshold, ratio, value threshold, margin, score and chart line is linear in the shares, see
detente.analysis.conditions.thresholds), adds "shares sum to one", and solves. When side A
has disclosed its conditions the same attacker recovers A's weights exactly, which shows
the attacker works (and that the warning shown to side A is true).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from detente.decisions.models import Decision, PartyWeights

# The demo's pricing decision (seed 002), with Northstar Sales' private 50/15/15/20.
DEMO_OPTIONS = ["Reprice now", "Onboarding first"]
DEMO_CONSIDERATIONS = [
    {"name": "revenue growth", "direction": "higher",
     "values": {"Reprice now": [12, 12], "Onboarding first": [8, 8]}},
    {"name": "customer satisfaction", "direction": "higher",
     "values": {"Reprice now": [3.1, 3.1], "Onboarding first": [4.0, 4.0]}},
    {"name": "attrition", "direction": "lower",
     "values": {"Reprice now": [10, 10], "Onboarding first": [6, 9]}},
    {"name": "spend from existing customers", "direction": "higher",
     "values": {"Reprice now": [2, 2], "Onboarding first": [3, 6]}},
]  # fmt: skip
DEMO_SALES = {"revenue growth": 50, "customer satisfaction": 15, "attrition": 15,
              "spend from existing customers": 20}  # fmt: skip
DEMO_PRODUCT = {"revenue growth": 20, "customer satisfaction": 40, "attrition": 25,
                "spend from existing customers": 15}  # fmt: skip


def random_instance(seed: int) -> tuple[list[str], list[dict], dict, dict]:
    """Options, considerations and two sides' weights that disagree on the best option."""
    rng = np.random.default_rng(seed)
    while True:
        n, m = int(rng.integers(2, 4)), int(rng.integers(3, 6))
        options = [f"option {i + 1}" for i in range(n)]
        considerations = []
        for j in range(m):
            values = {}
            for o in options:
                low = round(float(rng.uniform(0, 100)), 2)
                high = low if rng.random() < 0.7 else round(low + float(rng.uniform(1, 10)), 2)
                values[o] = [low, high]
            direction = "higher" if rng.random() < 0.5 else "lower"
            considerations.append({"name": f"c{j}", "direction": direction, "values": values})
        secret = {f"c{j}": round(float(rng.uniform(1, 100)), 2) for j in range(m)}
        other = {f"c{j}": round(float(rng.uniform(1, 100)), 2) for j in range(m)}
        if _best(options, considerations, secret) != _best(options, considerations, other):
            return options, considerations, secret, other


def _best(options: list[str], considerations: list[dict], weights: dict) -> str:
    from detente.analysis.conditions import Party, analyse
    from detente.decisions.forms import problem_of

    problem = problem_of(options, considerations, [Party("x", weights)])
    return analyse(problem, pairs="all").rankings[0].options[0].option


def make_decision(cast: Any, options: list, considerations: list, secret: dict, other: dict,
                  disclosed: bool = False) -> Decision:  # fmt: skip
    d = Decision.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="Which way?", options=options,
        considerations=considerations,
    )  # fmt: skip
    PartyWeights.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, decision=d, weights=secret,
        conditions_disclosed=disclosed,
    )  # private by default  # fmt: skip
    PartyWeights.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, decision=d, weights=other,
        visibility="joint",
    )  # fmt: skip
    return d


def side_b_view(cast: Any, d: Decision) -> dict[str, Any]:
    response = cast.api("bob").get(
        f"/api/v1/alliances/{cast.alliance.pk}/decisions/{d.pk}/conditions"
    )
    assert response.status_code == 200
    return response.json()


# --- the attacker -----------------------------------------------------------------------------


def attacker_system(view: dict[str, Any], party: str) -> tuple[np.ndarray, np.ndarray]:
    """Every linear equation in ``party``'s weight shares that ``view`` gives, as (A, b)."""
    names = [c["name"] for c in view["decision"]["considerations"]]
    index = {n: j for j, n in enumerate(names)}
    m = len(names)
    conditions = view.get("conditions", {})
    scale = conditions.get("scale", {})

    def central(v: Any) -> float:
        return (v[0] + v[1]) / 2 if isinstance(v, list) else float(v)

    def normalise(name: str, value: float) -> float:
        lo, hi = scale[name]
        c = view["decision"]["considerations"][index[name]]
        return (value - lo) / (hi - lo) if c["direction"] == "higher" else (hi - value) / (hi - lo)

    u = {
        o: np.array([normalise(c["name"], central(c["values"][o])) for c in view["decision"]["considerations"]])
        for o in view["decision"]["options"]
    } if scale else {}  # fmt: skip
    rows: list[np.ndarray] = [np.ones(m)]
    rhs: list[float] = [1.0]

    def eq(coeffs: np.ndarray, value: float) -> None:
        rows.append(np.asarray(coeffs, dtype=float))
        rhs.append(float(value))

    for flip in conditions.get("flips", []):
        if flip["party"] != party:
            continue
        d = u[flip["a"]] - u[flip["b"]]
        if "margin" in flip:
            eq(d, flip["margin"])
        for w in flip.get("weights", []):  # (t-1) D + d_j p_j = t d_j
            j, t = index[w["consideration"]], w["threshold_share"]
            coeffs = (t - 1) * d
            coeffs[j] += d[j]
            eq(coeffs, t * d[j])
            if "share_now" in w:
                eq(np.eye(m)[j], w["share_now"])
        for r in flip.get("ratios", []):  # C (1 + r) + s (r d_j + d_l) = 0
            j, k, x = index[r["first"]], index[r["second"]], r["threshold_ratio"]
            coeffs = (1 + x) * d
            coeffs[j] = coeffs[k] = x * d[j] + d[k]
            eq(coeffs, 0.0)
        for v in flip.get("values", []):  # u_a* = u_aj - D / p_j, u_b* = u_bj + D / p_j
            j, star = index[v["consideration"]], normalise(v["consideration"], v["threshold"])
            coeffs = -d.copy()
            if v["option"] == flip["a"]:
                coeffs[j] += u[flip["a"]][j] - star
            else:
                coeffs[j] += star - u[flip["b"]][j]
            eq(coeffs, 0.0)
    for option in conditions.get("rankings", {}).get(party, {}).get("options", []):
        if "score" in option:
            eq(u[option["option"]], option["score"])
    charts = view.get("charts", {})
    for chart in charts.get("flips", []):
        if chart["party"] != party:
            continue
        d = u[chart["a"]] - u[chart["b"]]
        for line in chart["lines"]:  # y at share 0 is R = (D - p_j d_j) / (1 - p_j)
            j, r = index[line["consideration"]], line["points"][0]["y"]
            coeffs = d.copy()
            coeffs[j] += r - d[j]
            eq(coeffs, r)
            if "now" in line:
                eq(np.eye(m)[j], line["now"]["x"])
    for entry in charts.get("scores", {}).get("parties", []):
        if entry["party"] == party:
            for option, score in entry["scores"].items():
                eq(u[option], score)
    for entry in view.get("parties", []):
        if entry["party"] == party and "weights" in entry:  # p_j = w_j / sum(w)
            raw = np.array([entry["weights"][n] for n in names])
            for j in range(m):
                eq(np.eye(m)[j] * raw.sum(), raw[j])
    return np.array(rows), np.array(rhs)


def solve(view: dict[str, Any], party: str) -> tuple[int, int, np.ndarray | None]:
    """(rank, unknowns, the shares when the system determines them)."""
    a, b = attacker_system(view, party)
    m = a.shape[1]
    rank = int(np.linalg.matrix_rank(a, tol=1e-9))
    if rank < m:
        return rank, m, None
    shares, *_ = np.linalg.lstsq(a, b, rcond=None)
    return rank, m, shares


def shares_of(weights: dict[str, float], names: list[str]) -> np.ndarray:
    raw = np.array([weights[n] for n in names], dtype=float)
    return raw / raw.sum()


# --- the tests --------------------------------------------------------------------------------


def test_it_leaves_the_demo_sales_weights_unsolvable_from_product_s_view(cast: Any) -> None:
    d = make_decision(cast, DEMO_OPTIONS, DEMO_CONSIDERATIONS, DEMO_SALES, DEMO_PRODUCT)
    view = side_b_view(cast, d)
    rank, unknowns, shares = solve(view, str(cast.side_a))
    assert (rank, shares) == (1, None)  # "shares sum to one" and nothing else
    assert unknowns == 4
    flips = [f for f in view["conditions"]["flips"] if f["party"] == str(cast.side_a)]
    assert flips and all(
        set(f) == {"party", "a", "b", "prefers", "conditions_hidden"} for f in flips
    )
    assert all(c["party"] != str(cast.side_a) for c in view["charts"]["flips"])


def test_it_lets_the_attacker_recover_the_demo_weights_once_sales_discloses(cast: Any) -> None:
    d = make_decision(cast, DEMO_OPTIONS, DEMO_CONSIDERATIONS, DEMO_SALES, DEMO_PRODUCT, True)
    rank, unknowns, shares = solve(side_b_view(cast, d), str(cast.side_a))
    assert rank == unknowns == 4
    assert shares is not None
    names = [c["name"] for c in DEMO_CONSIDERATIONS]
    assert np.allclose(shares, shares_of(DEMO_SALES, names), atol=1e-9)  # 50/15/15/20 %


@pytest.mark.parametrize("seed", range(8))
def test_it_leaves_hidden_weights_underdetermined_on_random_decisions(cast: Any, seed: int) -> None:
    options, considerations, secret, other = random_instance(seed)
    d = make_decision(cast, options, considerations, secret, other)
    rank, unknowns, shares = solve(side_b_view(cast, d), str(cast.side_a))
    assert rank < unknowns
    assert shares is None
    # Side B still learns which option side A prefers.
    ranking = side_b_view(cast, d)["conditions"]["rankings"][str(cast.side_a)]
    assert ranking["options"][0]["option"] == _best(options, considerations, secret)


@pytest.mark.parametrize("seed", range(8))
def test_it_gives_side_b_the_same_view_whatever_side_a_s_exact_weights(
    cast: Any, seed: int
) -> None:
    """No number in B's view moves with A's weights: a tiny change of them (too small to
    change any preference) leaves B's answer identical, so nothing can be solved from it."""
    options, considerations, secret, other = random_instance(seed)
    d = make_decision(cast, options, considerations, secret, other)
    before = side_b_view(cast, d)
    record = PartyWeights.objects.get(decision=d, owner_side=cast.side_a)
    record.weights = {k: v * (1 + 1e-7 * (i + 1)) for i, (k, v) in enumerate(secret.items())}
    record.save()
    assert side_b_view(cast, d) == before
    # Side A's own view does move (the check can see a change).
    own = f"/api/v1/alliances/{cast.alliance.pk}/decisions/{d.pk}/conditions"
    mine = cast.api("alice").get(own).json()
    record.weights = secret
    record.save()
    assert cast.api("alice").get(own).json() != mine


@pytest.mark.parametrize("seed", range(8))
def test_it_lets_the_attacker_solve_random_decisions_a_side_disclosed(cast: Any, seed: int) -> None:
    options, considerations, secret, other = random_instance(seed)
    d = make_decision(cast, options, considerations, secret, other, disclosed=True)
    rank, unknowns, shares = solve(side_b_view(cast, d), str(cast.side_a))
    assert rank == unknowns
    assert shares is not None
    names = [c["name"] for c in considerations]
    assert np.allclose(shares, shares_of(secret, names), atol=1e-7)
