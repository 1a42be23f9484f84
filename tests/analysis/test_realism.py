"""The goal realism engine, checked against exact formulas and brute force."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from detente.analysis.files import InputError
from detente.analysis.realism import analyse, parse_plan
from detente.analysis.realism import probability as prob
from detente.analysis.realism.calendar import WorkCalendar
from detente.analysis.realism.command import add_arguments, run
from detente.analysis.realism.funnel import activity_window, back_calculate
from detente.analysis.realism.phases import phased_plan
from detente.analysis.realism.simulate import Simulation

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "realism"


def document(**changes):
    """The issue's example file; keyword arguments replace or (with None) remove fields."""
    doc = {
        "target": 10,
        "start": "2027-01-04",
        "deadline": "2027-03-31",
        "confidence": 0.8,
        "calendar": {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "holidays": ["2027-01-01"]},
        "funnel": [
            {"name": "introductions"},
            {"name": "first_meetings", "rate": 0.10},
            {"name": "evaluations", "observed": {"trials": 90, "successes": 30}},
            {"name": "sales", "observed": {"trials": 30, "successes": 10}, "lag_days": 14},
        ],
        "history": [15, 12, 0, 18, 14],
    }
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def fixed_funnel(*rates):
    return [{"name": "activity"}] + [
        {"name": f"stage{i}", "rate": r} for i, r in enumerate(rates, start=1)
    ]


# --- back-calculation -----------------------------------------------------------------


def test_it_reproduces_the_seed_funnel_exactly():
    plan = parse_plan(document())
    totals = [r.total for r in back_calculate(plan)]
    assert totals == [Fraction(900), Fraction(90), Fraction(30), Fraction(10)]


def test_it_states_the_gap_to_todays_pace():
    result = analyse(document(history=[15] * 25, activity="resample"))
    days = result["activity_days"]
    assert result["required"][0]["per_working_day"] == pytest.approx(900 / days)
    assert result["gap_ratio"] == pytest.approx(900 / days / 15)


def test_it_rounds_fractional_volumes_up_to_whole_units():
    result = analyse(document(funnel=fixed_funnel(0.3), target=10, activity="resample"))
    assert result["required"][0]["total"] == pytest.approx(100 / 3)
    assert result["required"][0]["total_whole"] == 34


# --- calendar and lags ------------------------------------------------------------------


def test_it_counts_only_weekdays_that_are_not_holidays():
    calendar = WorkCalendar(frozenset(range(5)), frozenset({dt.date(2027, 1, 6)}))
    first, last = dt.date(2027, 1, 1), dt.date(2027, 3, 31)
    brute = [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() < 5
        and first + dt.timedelta(days=i) != dt.date(2027, 1, 6)
    ]
    assert calendar.working_days(first, last) == brute


def test_it_ends_the_activity_on_the_last_working_day_when_the_deadline_is_a_holiday():
    # 2027-03-31 is a Wednesday; make it a holiday and keep the funnel without lags.
    doc = document(
        funnel=fixed_funnel(0.5),
        calendar={"holidays": ["2027-03-31"]},
    )
    window = activity_window(parse_plan(doc))
    assert window[-1] == dt.date(2027, 3, 30)
    assert dt.date(2027, 3, 31) not in window


def test_it_stops_activity_early_enough_for_the_stage_lags():
    plan = parse_plan(document())  # 14 calendar days from evaluation to sale
    window = activity_window(plan)
    assert window[-1] == dt.date(2027, 3, 17)
    assert all(day + dt.timedelta(days=14) <= plan.deadline for day in window)
    reach = {r.stage: r.reach_by for r in back_calculate(plan)}
    assert reach["evaluations"] == dt.date(2027, 3, 17)
    assert reach["sales"] == dt.date(2027, 3, 31)


def test_it_spreads_weekend_activity_of_a_dated_history_to_the_next_working_day():
    history = [
        {"date": "2027-01-08", "count": 5},  # Friday
        {"date": "2027-01-09", "count": 3},  # Saturday -> Monday
        {"date": "2027-01-12", "count": 4},  # Tuesday; Monday had none of its own
    ]
    plan = parse_plan(document(history=history))
    assert plan.history == (5, 3, 4)
    assert any("non-working" in note for note in plan.notes)


# --- exact probabilities ----------------------------------------------------------------


def test_it_is_binomial_with_constant_activity_and_fixed_rates():
    doc = document(funnel=fixed_funnel(0.1, 0.3), history=[15] * 30, activity="resample")
    result = analyse(doc)
    n = 15 * result["activity_days"]
    assert result["method"] == "exact"
    assert result["probability"] == pytest.approx(stats.binom.sf(9, n, 0.03), abs=1e-12)
    assert result["probability_stderr"] == 0


def test_it_is_negative_binomial_thinning_with_poisson_activity_and_fixed_rates():
    # Poisson days with a Gamma(1/2 + S, m) posterior rate: the thinned total is
    # NegBin(1/2 + S, m / (m + n p)) in closed form.
    history = [3, 5, 4, 6, 2, 4, 5, 3]
    doc = document(funnel=fixed_funnel(0.2, 0.5), history=history, activity="poisson", target=25)
    result = analyse(doc)
    n, m, s = result["activity_days"], len(history), sum(history)
    reference = stats.nbinom.sf(24, s + 0.5, m / (m + n * 0.1))
    assert result["probability"] == pytest.approx(reference, abs=1e-10)


def test_it_is_beta_binomial_with_one_uncertain_rate():
    funnel = [{"name": "a"}, {"name": "b", "observed": {"trials": 40, "successes": 12}}]
    result = analyse(document(funnel=funnel, history=[2] * 10, activity="resample", target=30))
    n = 2 * result["activity_days"]
    assert result["probability"] == pytest.approx(stats.betabinom.sf(29, n, 13, 29), abs=1e-12)


def test_it_integrates_two_uncertain_rates_like_numerical_quadrature():
    funnel = [
        {"name": "a"},
        {"name": "b", "observed": {"trials": 20, "successes": 8}},
        {"name": "c", "observed": {"trials": 10, "successes": 4}},
    ]
    doc = document(
        funnel=funnel, history=[3] * 10, activity="resample", target=20, deadline="2027-02-26"
    )
    result = analyse(doc)
    n = 3 * result["activity_days"]

    def integrand(p2: float, p1: float) -> float:
        density = stats.beta.pdf(p1, 9, 13) * stats.beta.pdf(p2, 5, 7)
        return stats.binom.sf(19, n, p1 * p2) * density

    reference, error = integrate.dblquad(integrand, 0, 1, 0, 1, epsabs=1e-10)
    assert result["probability"] == pytest.approx(reference, abs=1e-7 + error)


def test_the_exact_resample_distribution_matches_brute_force_enumeration():
    # Three days drawn from [0, 1, 4]: enumerate all 27 sequences.
    from itertools import product

    from detente.analysis.realism.exact import resample_total

    history = [0, 1, 4]
    dist = resample_total(np.array(history), 3)
    counts = {}
    for days in product(history, repeat=3):
        counts[sum(days)] = counts.get(sum(days), 0) + 1
    for total, count in counts.items():
        assert dist.pmf[total - dist.offset] == pytest.approx(count / 27, abs=1e-14)


# --- Monte Carlo ------------------------------------------------------------------------


def test_simulation_agrees_with_the_exact_answer_within_its_standard_error():
    doc = document(history=[15, 12, 0, 18, 14, 16, 11, 9, 17, 15], activity="resample")
    plan = parse_plan(doc)
    days = len(activity_window(plan))
    exact = analyse(doc)["probability"]
    sim = Simulation("resample", np.array(plan.history), plan.conversion, 20_000, seed=3)
    value, stderr = sim.survival(np.array([plan.target]), days)
    assert abs(value[0] - exact) < 4 * stderr[0]


def brute_force_bootstrap(plan, days: int, trials: int, seed: int) -> float:
    """Per-trial loop: Dirichlet weights, days, then every stage drawn unit by unit."""
    rng = np.random.default_rng(seed)
    history = np.array(plan.history)
    hits = 0
    for _ in range(trials):
        weights = rng.dirichlet(np.ones(len(history)))
        count = int(rng.choice(history, size=days, p=weights).sum())
        for stage in plan.conversion:
            rate = float(stage.rate) if stage.rate is not None else rng.beta(*stage.beta)
            count = int((rng.random(count) < rate).sum())
        hits += count >= plan.target
    return hits / trials


def test_the_bootstrap_model_agrees_with_a_brute_force_simulation():
    doc = document(history=[15, 12, 0, 18, 14, 16, 11, 9])
    result = analyse(doc, seed=5)
    plan = parse_plan(doc)
    trials = 4000
    brute = brute_force_bootstrap(plan, result["activity_days"], trials, seed=11)
    se = math.sqrt(result["probability_stderr"] ** 2 + brute * (1 - brute) / trials)
    assert result["method"] == "monte_carlo"
    assert abs(result["probability"] - brute) < 4 * se


def test_the_simulation_is_reproducible_for_a_seed_and_meets_the_stderr_asked():
    doc = document(history=[15, 12, 0, 18, 14, 16, 11, 9])
    first, again, other = analyse(doc, seed=7), analyse(doc, seed=7), analyse(doc, seed=8)
    assert first == again
    assert first["probability"] != other["probability"]
    assert first["probability_stderr"] <= 0.003


def test_each_trial_counts_the_exact_tail_of_its_last_stage():
    # With activity and rates fixed, every trial's value is the exact binomial tail.
    plan = parse_plan(document(funnel=fixed_funnel(0.1), history=[20] * 5))
    sim = Simulation("bootstrap", np.array(plan.history), plan.conversion, 1000, seed=1)
    value, stderr = sim.survival(np.array([10, 11]), 30)
    assert value == pytest.approx(stats.binom.sf([9, 10], 600, 0.1), abs=1e-12)
    assert np.all(stderr < 1e-12)


# --- realistic alternatives -------------------------------------------------------------


def test_the_realistic_target_is_the_largest_hit_with_the_confidence():
    funnel = [{"name": "a"}, {"name": "b", "observed": {"trials": 40, "successes": 12}}]
    result = analyse(document(funnel=funnel, history=[2] * 10, activity="resample", target=30))
    n = 2 * result["activity_days"]
    t = result["realistic_target"]
    assert stats.betabinom.sf(t - 1, n, 13, 29) >= 0.8
    assert stats.betabinom.sf(t, n, 13, 29) < 0.8


def test_the_realistic_date_is_the_first_with_the_confidence():
    doc = document(funnel=fixed_funnel(0.1), history=[10] * 20, activity="resample", target=80)
    result = analyse(doc)
    date = dt.date.fromisoformat(result["realistic_date"])
    plan = parse_plan(doc)
    days = len(plan.calendar.working_days(plan.start, date))
    assert stats.binom.sf(79, 10 * days, 0.1) >= 0.8
    assert stats.binom.sf(79, 10 * (days - 1), 0.1) < 0.8


def test_the_realistic_date_is_null_beyond_the_horizon():
    doc = document(history=[1, 0, 2, 1, 0] * 4, activity="resample", horizon="2027-04-30")
    result = analyse(doc)
    assert result["realistic_date"] is None
    assert result["horizon"] == "2027-04-30"


def test_the_pace_needed_meets_the_confidence_and_a_slower_pace_does_not():
    doc = document(funnel=fixed_funnel(0.1), history=[10] * 20, activity="resample", target=80)
    result = analyse(doc)
    n = result["activity_days"]
    k = result["pace_needed_ratio"]
    assert result["pace_needed"] == pytest.approx(10 * k)
    assert stats.binom.sf(79, math.floor(10 * n * k + 1e-9), 0.1) >= 0.8
    assert stats.binom.sf(79, math.floor(10 * n * k * 0.995), 0.1) < 0.8


def test_it_is_monotone_in_deadline_pace_and_target_under_common_random_numbers():
    doc = document(history=[15, 12, 0, 18, 14, 16, 11, 9])
    plan = parse_plan(doc)
    outcomes = prob.build_outcomes(plan, 40, seed=2)
    by_days = [outcomes.probability(10, d)[0] for d in (20, 30, 40, 50, 60)]
    by_pace = [outcomes.probability(10, 40, k)[0] for k in (0.5, 1.0, 1.5, 2.0)]
    by_target = [outcomes.probability(t, 40)[0] for t in (2, 5, 10, 20)]
    assert by_days == sorted(by_days)
    assert by_pace == sorted(by_pace)
    assert by_target == sorted(by_target, reverse=True)


# --- warnings ----------------------------------------------------------------------------


def test_it_says_how_short_a_short_history_is():
    result = analyse(document(), seed=1)
    assert any("short history: 5 working days" in w for w in result["warnings"])
    long = analyse(document(history=[15, 14, 16, 15] * 10, activity="resample"))
    assert not any("short history" in w for w in long["warnings"])


def test_it_warns_when_a_rate_rests_on_few_observations():
    funnel = [{"name": "a"}, {"name": "b", "observed": {"trials": 6, "successes": 2}}]
    result = analyse(document(funnel=funnel, history=[5] * 30, activity="resample", target=5))
    assert any("rests on 2 of 6" in w for w in result["warnings"])


# --- reference class -----------------------------------------------------------------


def test_the_reference_class_adjustment_is_reached_by_the_confidence_share():
    goals = [{"planned": 100, "achieved": a} for a in (40, 55, 62, 70, 80, 85, 90, 100, 105, 120)]
    ref = analyse(document(reference_class=goals, history=[15] * 25, activity="resample"))[
        "reference_class"
    ]
    ratios = [a / 100 for a in (40, 55, 62, 70, 80, 85, 90, 100, 105, 120)]
    adjustment = ref["adjustment"]
    assert sum(r >= adjustment for r in ratios) >= 0.8 * len(ratios)
    larger = [r for r in ratios if r > adjustment]
    assert all(sum(x >= r for x in ratios) < 0.8 * len(ratios) for r in larger)
    assert ref["class_size"] == 10
    assert ref["notes"]  # a class of 10 is called small-ish


def test_the_duration_adjustment_is_an_uplift_the_confidence_share_stayed_within():
    durations = [{"planned_days": 60, "actual_days": d} for d in (55, 60, 66, 72, 80, 90)]
    ref = analyse(document(reference_class=durations, history=[15] * 25, activity="resample"))[
        "reference_class"
    ]
    ratios = [d / 60 for d in (55, 60, 66, 72, 80, 90)]
    assert sum(r <= ref["adjustment"] for r in ratios) >= 0.8 * len(ratios)
    assert all(
        sum(x <= r for x in ratios) < 0.8 * len(ratios) for r in ratios if r < ref["adjustment"]
    )
    assert any("small class" in n for n in ref["notes"])


# --- phased plan ------------------------------------------------------------------------


def phased_doc(**changes):
    base = {
        "funnel": fixed_funnel(0.1),
        "history": [10] * 25,
        "target": 60,
        "deadline": "2027-02-26",
        "phases": [
            {"name": "Vietnam", "share": 0.4, "end": "2027-01-29"},
            {"name": "Cambodia", "share": 0.6},
        ],
        "ramp": 2.0,
    }
    base.update(changes)
    return document(**base)


def test_milestone_probabilities_match_the_exact_binomial_with_a_ramp():
    plan = parse_plan(phased_doc())
    result = phased_plan(plan, None, seed=0)
    # Constant activity: 20 working days in January at 10 a day, then 20 at 20 a day.
    n1, n2 = 20 * 10, 20 * 10 + 20 * 20
    m1, m2 = result["milestones"][0], result["milestones"][1]
    assert (m1["cumulative_target"], m2["cumulative_target"]) == (24, 60)
    assert m1["probability"] == pytest.approx(stats.binom.sf(23, n1, 0.1), abs=1e-12)
    assert m2["probability"] == pytest.approx(stats.binom.sf(59, n2, 0.1), abs=1e-12)
    y1 = np.arange(24, n1 + 1)
    joint = np.sum(stats.binom.pmf(y1, n1, 0.1) * stats.binom.sf(59 - y1, n2 - n1, 0.1))
    assert abs(result["all_milestones_probability"] - joint) < 4 * result["all_milestones_stderr"]


def test_the_proposed_plan_meets_the_confidence_at_every_milestone_and_no_larger_one_does():
    plan = parse_plan(phased_doc(ramp=1.0, target=90))
    proposed = phased_plan(plan, None, seed=0)["proposed"]
    assert all(m["probability"] >= 0.8 for m in proposed["milestones"])
    total = proposed["total"] + 1
    n1, n2 = 200, 400
    marks = [round(total * 0.4), total]
    assert min(stats.binom.sf(marks[0] - 1, n1, 0.1), stats.binom.sf(marks[1] - 1, n2, 0.1)) < 0.8


def test_the_ramp_taken_from_history_follows_its_trend():
    from detente.analysis.realism.phases import ramp_from_history

    assert ramp_from_history((10, 10, 10, 10), 20) == pytest.approx(1.0)
    # Rising by 1 a day around a mean of 10: +10% a day, so +200% over 20 days.
    assert ramp_from_history((8, 9, 10, 11, 12), 20) == pytest.approx(3.0)


# --- file format and command ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target": None}, "target"),
        ({"target": 0}, "target"),
        ({"deadline": "2026-12-31"}, "deadline"),
        ({"confidence": 1.5}, "confidence"),
        ({"history": []}, "history"),
        ({"history": [1, -2]}, "history[1]"),
        ({"funnel": [{"name": "a"}, {"name": "b", "rate": 0}]}, "funnel[1].rate"),
        (
            {"funnel": [{"name": "a"}, {"name": "b", "observed": {"trials": 3, "successes": 5}}]},
            "funnel[1].observed.successes",
        ),
        ({"funnel": [{"name": "a", "rate": 0.1}]}, "funnel[0].rate"),
        ({"funnel": [{"name": "a"}, {"name": "b"}]}, "funnel[1]"),
        ({"calendar": {"weekdays": ["funday"]}}, "calendar.weekdays[0]"),
        ({"phases": [{"name": "x", "share": 0.5}]}, "phases"),
        ({"activity": "magic"}, "activity"),
        ({"reference_class": [{"planned": 0, "achieved": 1}]}, "reference_class[0].planned"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_names_the_field_of_a_bad_input(changes, field):
    with pytest.raises(InputError) as caught:
        parse_plan(document(**changes))
    assert caught.value.field == field


def run_command(tmp_path, doc, *flags, capsys):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    status = run(parser.parse_args([str(path), *flags]))
    return status, capsys.readouterr()


def test_the_command_exits_2_and_names_the_field_on_a_bad_file(tmp_path, capsys):
    bad = document(funnel=[{"name": "a"}, {"name": "b", "rate": 2}])
    status, out = run_command(tmp_path, bad, capsys=capsys)
    assert status == 2
    assert "funnel[1].rate" in out.err
    assert "Traceback" not in out.err


def test_the_command_prints_the_promised_json(tmp_path, capsys):
    doc = document(phases=[{"name": "Vietnam", "share": 0.4}, {"name": "Cambodia", "share": 0.6}])
    status, out = run_command(tmp_path, doc, "--json", "--seed", "3", capsys=capsys)
    result = json.loads(out.out)
    assert status == 0
    for key in (
        "required",
        "current_pace",
        "gap_ratio",
        "probability",
        "probability_stderr",
        "realistic_target",
        "realistic_date",
        "pace_needed",
        "phases",
    ):
        assert key in result
    assert set(result["required"][0]) >= {"stage", "total", "per_working_day", "reach_by"}
    assert sum(b["probability"] for b in result["outcome_histogram"]) == pytest.approx(1, abs=0.01)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_the_command_runs_on_every_example(example):
    done = subprocess.run(
        [sys.executable, "-m", "detente", "realism", str(example)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Probability of" in done.stdout


def test_the_engine_does_not_import_django():
    code = "import sys, detente.analysis.realism.command; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False"
