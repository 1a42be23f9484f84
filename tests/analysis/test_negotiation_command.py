"""`detente negotiate FILE [--json]` as an analyst runs it."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from detente.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "negotiation" / "innovatetech_globalconnect.yaml"

ISSUE_SAMPLE = """
parties: [Acme, Globex]
issues:
  - {name: revenue_share, options: ["50/50", "60/40", "70/30"]}
  - {name: exclusivity, options: [none, regional, global]}
preferences:
  Acme:
    weights: {revenue_share: 0.7, exclusivity: 0.3}
    scores: {revenue_share: {"50/50": 0, "60/40": 0.6, "70/30": 1}, exclusivity: {none: 1, regional: 0.5, global: 0}}
    walk_away: 0.2
  Globex:
    weights: {revenue_share: 0.4, exclusivity: 0.6}
    scores: {revenue_share: {"50/50": 1, "60/40": 0.5, "70/30": 0}, exclusivity: {none: 0, regional: 0.6, global: 1}}
    walk_away: 0.3
constraints: [{if: {exclusivity: global}, then_not: {revenue_share: "50/50"}}]
tentative: {revenue_share: "60/40", exclusivity: regional}
"""


def negotiate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["negotiate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def brute_force_frontier(doc: dict) -> set[tuple[float, ...]]:
    """Every allowed package scored in floats; Pareto set by comparing every pair."""
    names = [i["name"] for i in doc["issues"]]

    def options(issue: dict) -> list[str]:
        if "range" in issue:
            r = issue["range"]
            return [str(v) for v in range(r["from"], r["to"] + 1, r["step"])]
        return issue["options"]

    vectors = set()
    for combo in itertools.product(*(options(i) for i in doc["issues"])):
        package = dict(zip(names, combo, strict=True))
        broken = any(
            all(package[k] == v for k, v in c["if"].items())
            and any(package[k] == v for k, v in c["then_not"].items())
            for c in doc.get("constraints", [])
        )
        if broken:
            continue
        vector = []
        for party in doc["parties"]:
            prefs = doc["preferences"][party]
            total = sum(prefs["weights"].values())
            vector.append(
                round(
                    sum(
                        prefs["weights"][k] / total * prefs["scores"][k][v]
                        for k, v in package.items()
                    ),
                    9,
                )
            )
        vectors.add(tuple(vector))
    return {
        v
        for v in vectors
        if not any(all(a >= b for a, b in zip(w, v, strict=True)) and w != v for w in vectors)
    }


def test_it_prints_the_json_contract_for_the_seed_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = negotiate(capsys, str(EXAMPLE), "--json")
    assert code == 0, err
    data = json.loads(out)
    for key in (
        "frontier",
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "max_welfare",
        "improvements",
    ):
        assert key in data
    doc = yaml.safe_load(EXAMPLE.read_text())
    got = {tuple(round(e["utilities"][p], 9) for p in data["parties"]) for e in data["frontier"]}
    assert got == brute_force_frontier(doc)
    firsts = [e["utilities"]["InnovateTech"] for e in data["frontier"]]
    assert firsts == sorted(firsts)
    entry = data["nash"]
    assert set(entry) >= {"package", "utilities", "gains", "criterion"}
    assert entry["acceptable"] is True
    assert data["improvements"]["tentative"]["package"] == doc["tentative"]
    for improved in data["improvements"]["packages"]:
        for party, u in improved["utilities"].items():
            assert u >= data["improvements"]["tentative"]["utilities"][party]


def test_it_runs_the_sample_from_the_issue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(ISSUE_SAMPLE)
    code, out, _ = negotiate(capsys, str(path), "--json")
    assert code == 0
    data = json.loads(out)
    got = {tuple(round(e["utilities"][p], 9) for p in data["parties"]) for e in data["frontier"]}
    assert got == brute_force_frontier(yaml.safe_load(ISSUE_SAMPLE))
    packages = [e["package"] for e in data["frontier"]]
    assert {"revenue_share": "50/50", "exclusivity": "global"} not in packages


def test_it_reads_json_files_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(yaml.safe_load(ISSUE_SAMPLE)))
    code, out, _ = negotiate(capsys, str(path), "--json")
    assert code == 0 and json.loads(out)["frontier"]


def test_it_prints_a_readable_report_with_a_chart(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = negotiate(capsys, str(EXAMPLE))
    assert code == 0
    assert "Nash bargaining solution" in out and "Kalai-Smorodinsky" in out
    assert "Egalitarian" in out and "Maximum total welfare" in out
    assert "GlobalConnect utility" in out and "InnovateTech utility across" in out
    assert "Tentative deal" in out


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("issues", 1, "options"), [], "issues[1].options: must not be empty"),
        (
            ("preferences", "Acme", "weights", "exclusivity"),
            -1,
            "preferences.Acme.weights.exclusivity: must be a number of at least 0",
        ),
        (
            ("preferences", "Acme", "weights"),
            {"revenue_share": 0, "exclusivity": 0},
            "preferences.Acme.weights: must not all be zero",
        ),
        (
            ("preferences", "Globex", "scores", "exclusivity", "global"),
            1.5,
            "preferences.Globex.scores.exclusivity.global: must be between 0 and 1",
        ),
        (
            ("tentative", "exclusivity"),
            "worldwide",
            "tentative.exclusivity: unknown option 'worldwide'",
        ),
    ],
)
def test_bad_files_exit_2_with_the_field_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: tuple, value: object, message: str
) -> None:
    doc = yaml.safe_load(ISSUE_SAMPLE)
    *parents, last = where
    node = doc
    for key in parents:
        node = node[key]
    node[last] = value
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc))
    code, out, err = negotiate(capsys, str(bad), "--json")
    assert code == 2
    assert out == ""
    assert message in err and "Traceback" not in err


def test_a_missing_or_broken_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = negotiate(capsys, str(tmp_path / "nowhere.yaml"))
    assert code == 2 and "file not found" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("parties: [Acme, Globex\n")
    code, _, err = negotiate(capsys, str(broken))
    assert code == 2 and "not valid YAML" in err
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    code, _, err = negotiate(capsys, str(empty))
    assert code == 2 and "file: must be a mapping" in err


def test_the_engine_never_imports_django() -> None:
    script = (
        "import sys\n"
        "from detente.analysis.files import load_document\n"
        "from detente.analysis.negotiation import problem_from_document, solve\n"
        "from detente.analysis.negotiation.command import run\n"
        "from detente.analysis.negotiation.report import result_json, text_report\n"
        f"r = solve(problem_from_document(load_document({str(EXAMPLE)!r})))\n"
        "text_report(r); result_json(r)\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
