"""Property tests of the realism engine (hypothesis): the probability moves the right way
with the deadline, the pace, the rates and the target, and the realistic target keeps its
promise. Exact models are used so every comparison is free of simulation noise."""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from detente.analysis.realism import exact, parse_plan  # noqa: E402
from detente.analysis.realism import probability as prob  # noqa: E402

FAST = settings(max_examples=25, deadline=None)

histories = st.lists(st.integers(0, 12), min_size=3, max_size=10).filter(lambda h: sum(h) > 0)
models = st.sampled_from(["resample", "poisson"])


def outcomes_for(history, model, successes=6, trials=20, rate=0.3):
    plan = parse_plan(
        {
            "target": 5,
            "start": "2027-01-04",
            "deadline": "2027-02-26",
            "funnel": [
                {"name": "a"},
                {"name": "b", "rate": rate},
                {"name": "c", "observed": {"trials": trials, "successes": successes}},
            ],
            "history": history,
            "activity": model,
        }
    )
    # The properties are about the exact model's arithmetic, so no time budget applies here
    # (the analysis's own budget and its fallback to simulation are tested elsewhere).
    return prob.Outcomes(plan, "exact", budget=exact.Budget(cells=10**12))


@FAST
@given(histories, models, st.integers(1, 30), st.integers(1, 15), st.integers(1, 12))
def test_a_later_deadline_never_lowers_the_probability(history, model, days, more, target):
    outcomes = outcomes_for(history, model)
    sooner = outcomes.probability(target, days)[0]
    later = outcomes.probability(target, days + more)[0]
    assert later >= sooner - 1e-12


@FAST
@given(histories, models, st.floats(0.2, 3.0), st.floats(1.01, 2.0), st.integers(1, 12))
def test_a_higher_pace_never_lowers_the_probability(history, model, pace, factor, target):
    outcomes = outcomes_for(history, model)
    slower = outcomes.probability(target, 20, pace)[0]
    faster = outcomes.probability(target, 20, pace * factor)[0]
    assert faster >= slower - 1e-12


@FAST
@given(histories, models, st.integers(1, 18), st.floats(0.05, 0.9), st.integers(1, 12))
def test_higher_rates_never_lower_the_probability(history, model, successes, rate, target):
    low = outcomes_for(history, model, successes=successes, rate=rate)
    high = outcomes_for(history, model, successes=successes + 1, rate=min(1.0, rate * 1.1))
    assert high.probability(target, 20)[0] >= low.probability(target, 20)[0] - 1e-12


@FAST
@given(histories, models, st.integers(0, 20), st.integers(1, 10))
def test_a_higher_target_never_raises_the_probability(history, model, target, more):
    outcomes = outcomes_for(history, model)
    assert outcomes.probability(target + more, 20)[0] <= outcomes.probability(target, 20)[0]


@FAST
@given(histories, models, st.floats(0.05, 0.95))
def test_the_realistic_target_is_hit_at_least_as_often_as_the_confidence(
    history, model, confidence
):
    outcomes = outcomes_for(history, model)
    target = prob.realistic_target(outcomes, 20, confidence)
    assert outcomes.probability(target, 20)[0] >= confidence
    assert outcomes.probability(target + 1, 20)[0] < confidence
