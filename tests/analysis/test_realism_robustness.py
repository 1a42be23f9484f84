"""The realism command answers every plan: far targets fall back to simulation, impossible
YAML dates are named, probabilities stay in [0, 1], and no random plan makes it exit 1.

The far-target case is timed in bench/realism.py, not here (no timed assertions in tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

import pytest
from scipy import stats

from detente.analysis.realism import analyse
from detente.analysis.realism.command import add_arguments, run

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FAR = {  # the case: exact model far too large for the pace search
    "target": 10000,
    "start": "2027-01-04",
    "deadline": "2027-03-31",
    "funnel": [{"name": "a"}, {"name": "b", "rate": 0.5}],
    "history": [4, 5, 6, 5, 4],
}


def run_command(path, *flags, capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    status = run(parser.parse_args([str(path), *flags]))
    out = capsys.readouterr()
    return status, out.out, out.err


def write_yaml(tmp_path, text: str):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def probabilities(result) -> list[float]:
    """Every probability the result states, nested ones included."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif "probability" in key and not key.endswith("stderr") and value is not None:
            found.append(value)

    walk(result)
    return found


@pytest.mark.parametrize("activity", ["resample", "poisson"])
def test_a_far_target_falls_back_to_simulation_for_the_pace_search(activity):
    result = analyse({**FAR, "activity": activity})
    # 300 units expected against 10000 asked: hopeless, and the closed form says so.
    assert result["probability"] == 0.0
    assert result["pace_needed_ratio"] is not None and result["pace_needed_ratio"] > 30
    assert any("pace needed comes from simulation" in w for w in result["warnings"])


def test_the_far_target_pace_matches_the_mean_activity_it_needs():
    # At pace k the last stage is Binomial(floor(k N), 0.5) with N a sum of 61 days drawn
    # from the history: k must lift the 80 % quantile's mean of k N / 2 to the target, so
    # k is near 10000 / (0.5 * mean(N)) within the spread of N.
    result = analyse({**FAR, "activity": "resample"})
    days = result["activity_days"]
    mean_n = days * 4.8
    sd_n = (days * 0.56) ** 0.5  # variance of one day drawn from [4, 5, 6, 5, 4] is 0.56
    low = 10000 / (0.5 * (mean_n + 3 * sd_n))
    high = 10000 / (0.5 * (mean_n - 3 * sd_n))
    assert low <= result["pace_needed_ratio"] <= high


@pytest.mark.parametrize(
    ("start", "deadline", "holiday", "field"),
    [
        ("2027-13-04", "2027-03-31", "2027-01-01", "start"),
        ("2027-01-04", "2027-02-30", "2027-01-01", "deadline"),
        ("2027-01-04", "2027-03-31", "2027-02-30", "calendar.holidays[0]"),
    ],
)
def test_an_impossible_yaml_date_exits_2_naming_the_field(
    tmp_path, capsys, start, deadline, holiday, field
):
    text = (
        f"target: 10\nstart: {start}\ndeadline: {deadline}\n"
        f"calendar: {{holidays: [{holiday}]}}\n"
        "funnel: [{name: a}, {name: b, rate: 0.5}]\nhistory: [4, 5, 6, 5, 4]\n"
    )
    status, _, err = run_command(write_yaml(tmp_path, text), capsys=capsys)
    assert status == 2
    assert f"{field}: must be a date as YYYY-MM-DD" in err


@pytest.mark.parametrize("activity", ["resample", "poisson", "bootstrap"])
def test_every_probability_stays_within_zero_and_one(activity):
    # The case reported P = 1.0000000000054483 on a five-year deadline.
    result = analyse({**FAR, "target": 2000, "deadline": "2031-12-31", "activity": activity})
    values = probabilities(result)
    assert values and all(0.0 <= p <= 1.0 for p in values)
    # Five years of ~4.8 a day at 0.5 is ~3000 against 2000: nearly certain, as computed.
    assert result["probability"] > 0.95


def test_the_exact_answer_is_kept_where_the_model_is_small():
    doc = {**FAR, "target": 120, "activity": "poisson", "history": [3, 5, 4, 6, 2]}
    result = analyse(doc)
    n, m, s = result["activity_days"], 5, 20
    assert result["method"] == "exact"
    assert result["probability"] == pytest.approx(
        stats.nbinom.sf(119, s + 0.5, m / (m + n * 0.5)), abs=1e-10
    )


# --- no plan makes the command exit 1 --------------------------------------------------

START = dt.date(2027, 1, 4)


@st.composite
def plans(draw):
    span = draw(st.integers(0, 3652))  # up to ten years
    stages = [{"name": "activity"}]
    for i in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            stages.append({"name": f"s{i}", "rate": draw(st.floats(0.001, 1.0))})
        else:
            trials = draw(st.integers(1, 500))
            successes = draw(st.integers(0, trials))
            stages.append({"name": f"s{i}", "observed": {"trials": trials, "successes": successes}})
        if draw(st.booleans()):
            stages[-1]["lag_days"] = draw(st.integers(0, 120))
    plan = {
        "target": draw(st.integers(1, 10**7)),
        "start": START.isoformat(),
        "deadline": (START + dt.timedelta(days=span)).isoformat(),
        "funnel": stages,
        "history": draw(st.lists(st.integers(0, 200), min_size=1, max_size=40)),
        "activity": draw(st.sampled_from(["bootstrap", "resample", "poisson"])),
        "confidence": draw(st.floats(0.05, 0.95)),
        "simulation": {"max_trials": 20_000},
    }
    if draw(st.booleans()):
        plan["horizon"] = (START + dt.timedelta(days=draw(st.integers(span, 3652)))).isoformat()
    return plan


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plans())
def test_no_plan_makes_the_command_exit_1(tmp_path, capsys, plan):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    status, out, err = run_command(path, "--json", capsys=capsys)  # an exception fails here
    assert status in (0, 2), err
    if status == 0:
        result = json.loads(out)
        assert all(0.0 <= p <= 1.0 for p in probabilities(result))
    else:
        assert err.startswith("detente realism: ") and "Traceback" not in err
