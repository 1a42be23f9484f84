"""Decisions: the page, the API and `detente conditions` agree; private weights stay private."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import yaml

from detente.audit.models import AuditEntry
from detente.decisions.models import Decision, GoalSeries, PartyWeights

CONSIDERATIONS = [
    {"name": "revenue", "direction": "higher", "values": {"A": [12, 12], "B": [8, 8]}},
    {"name": "satisfaction", "direction": "higher", "values": {"A": [3.1, 3.1], "B": [4.0, 4.0]}},
    {"name": "attrition", "direction": "lower", "values": {"A": [0.1, 0.1], "B": [0.06, 0.09]}},
]
# Distinctive numbers, so a leak is easy to spot in any text.
SECRET = {"revenue": 61.75, "satisfaction": 19.25, "attrition": 23.5}
PRODUCT = {"revenue": 2, "satisfaction": 5, "attrition": 3}


@pytest.fixture
def decision(cast: Any) -> Decision:
    d = Decision.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="Reprice?", options=["A", "B"],
        considerations=CONSIDERATIONS, periods=["Q1", "Q2", "Q3", "Q4", "Q5"],
    )  # fmt: skip
    PartyWeights.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, decision=d, weights=SECRET
    )  # private by default
    PartyWeights.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, decision=d, weights=PRODUCT,
        visibility="joint",
    )  # fmt: skip
    return d


def url(cast: Any, d: Decision, suffix: str = "") -> str:
    return f"/alliances/{cast.alliance.pk}/decisions/{d.pk}/{suffix}"


def api(cast: Any, d: Decision, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/decisions/{d.pk}{suffix}"


def command_json(tmp_path: Any, cast: Any, hide: list[str], disclose: tuple = ()) -> dict:
    doc = {
        "options": ["A", "B"],
        "considerations": [
            {"name": c["name"], "direction": c["direction"],
             "values": {o: v[0] if v[0] == v[1] else v for o, v in c["values"].items()}}
            for c in CONSIDERATIONS
        ],
        "parties": {str(cast.side_a): {"weights": SECRET}, str(cast.side_b): {"weights": PRODUCT}},
    }  # fmt: skip
    path = tmp_path / "problem.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    args = [sys.executable, "-m", "detente", "conditions", str(path), "--json"]
    for party in hide:
        args += ["--hide-weights-of", party]
    for party in disclose:
        args += ["--disclose-conditions-of", party]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_it_gives_the_page_the_api_and_the_command_the_same_numbers(
    cast: Any, decision: Decision, tmp_path: Any
) -> None:
    page = cast.client("alice").get(url(cast, decision))
    assert page.status_code == 200
    answer = cast.api("alice").get(api(cast, decision, "/conditions")).json()
    command = command_json(tmp_path, cast, hide=[])
    assert answer["conditions"]["rankings"] == command["rankings"]
    assert answer["conditions"]["flips"] == command["flips"]
    assert answer["conditions"]["robustness"] == command["robustness"]
    assert answer["conditions"]["statements"] == command["statements"]
    # The page renders the same data (json_script of the charts, the statements).
    assert page.context["data"]["conditions"] == answer["conditions"]
    assert page.context["data"]["charts"] == answer["charts"]
    for statement in command["statements"]:
        assert statement.replace("'", "&#x27;") in page.content.decode()


def test_it_shows_the_other_side_only_the_preference_of_hidden_weights_as_the_command_does(
    cast: Any, decision: Decision, tmp_path: Any
) -> None:
    acme = str(cast.side_a)
    answer = cast.api("bob").get(api(cast, decision, "/conditions")).json()
    command = command_json(tmp_path, cast, hide=[acme])
    assert answer["hidden_weights_of"] == [acme]
    assert answer["conditions_withheld_of"] == [acme]
    assert answer["conditions"]["rankings"][acme].pop("scores_hidden") is True
    assert answer["conditions"] == command
    mine = [f for f in answer["conditions"]["flips"] if f["party"] == acme]
    assert mine == [{"party": acme, "a": "A", "b": "B", "prefers": "A", "conditions_hidden": True}]
    assert [c for c in answer["charts"]["flips"] if c["party"] == acme] == []
    assert f"{acme} prefers A to B" in " ".join(answer["conditions"]["statements"])
    for settler in answer["conditions"]["settlers"]:  # a bound may be side A's threshold
        assert "all_prefer_a" not in settler and "distance" not in settler


def test_it_shows_disclosed_conditions_as_the_command_does(
    cast: Any, decision: Decision, tmp_path: Any
) -> None:
    acme = str(cast.side_a)
    PartyWeights.objects.filter(owner_side=cast.side_a).update(conditions_disclosed=True)
    answer = cast.api("bob").get(api(cast, decision, "/conditions")).json()
    command = command_json(tmp_path, cast, hide=[acme], disclose=[acme])
    assert answer["conditions_withheld_of"] == [] and answer["conditions_disclosed_of"] == [acme]
    assert answer["conditions"]["rankings"][acme].pop("scores_hidden") is True
    assert answer["conditions"] == command
    mine = [f for f in answer["conditions"]["flips"] if f["party"] == acme]
    assert mine and all(f["weights"] and "margin" not in f for f in mine)
    assert all("share_now" not in w for f in mine for w in f["weights"])
    charts = [c for c in answer["charts"]["flips"] if c["party"] == acme]
    assert charts and all("now" not in line for c in charts for line in c["lines"])
    page = cast.client("bob").get(url(cast, decision)).content.decode()
    assert "chose to show you the conditions" in page


def test_it_lets_a_side_disclose_its_conditions_with_a_warning_audited_and_revocable(
    cast: Any, decision: Decision, call: Any
) -> None:
    from detente.decisions.forms import DISCLOSURE_WARNING

    record = PartyWeights.objects.get(owner_side=cast.side_a)
    form_page = cast.client("alice").get(url(cast, decision, f"weights/{record.pk}/"))
    assert DISCLOSURE_WARNING.replace("'", "&#x27;") in form_page.content.decode()
    response = call(
        cast.api("alice"), "PUT", api(cast, decision, "/weights"),
        {"weights": SECRET, "conditions_disclosed": True},
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["conditions_disclosed"] is True
    entry = AuditEntry.objects.filter(model="decisions.partyweights").latest("at")
    assert entry.action == "update" and entry.after["conditions_disclosed"] is True
    assert entry.before["conditions_disclosed"] is False
    own = cast.client("alice").get(url(cast, decision)).content.decode()
    assert "can work out these weights" in own
    flips = cast.api("bob").get(api(cast, decision, "/conditions")).json()["conditions"]["flips"]
    assert any(f.get("weights") for f in flips if f["party"] == str(cast.side_a))
    # The page's form revokes it (an unticked box), again audited.
    cast.client("alice").post(
        url(cast, decision, f"weights/{record.pk}/"),
        {"visibility": "private", "weight_0": 61.75, "weight_1": 19.25, "weight_2": 23.5},
    )  # fmt: skip
    assert PartyWeights.objects.get(pk=record.pk).conditions_disclosed is False
    entry = AuditEntry.objects.filter(model="decisions.partyweights").latest("at")
    assert entry.before["conditions_disclosed"] is True
    assert entry.after["conditions_disclosed"] is False
    flips = cast.api("bob").get(api(cast, decision, "/conditions")).json()["conditions"]["flips"]
    assert all(f.get("conditions_hidden") for f in flips if f["party"] == str(cast.side_a))


def _leaks(text: str, cast: Any, decision: Decision) -> list[str]:
    """Figures from side A's private weights that must not reach side B."""
    from detente.analysis.conditions import analyse
    from detente.analysis.conditions.statements import num, pct
    from detente.decisions.analysis import _parties
    from detente.decisions.forms import problem_of

    total = sum(SECRET.values())
    shares = {k: v / total for k, v in SECRET.items()}
    figures = [f"{v:g}" for v in SECRET.values()] + [str(v) for v in shares.values()]
    figures += [f"(now {pct(s)})" for s in shares.values()]
    # The engine's own scores and margins for side A.
    from detente.records.visibility import get_alliance_access

    parties, *_ = _parties(get_alliance_access(cast.alliance_owner, cast.alliance.pk), decision)
    result = analyse(problem_of(decision.options, decision.considerations, parties))
    ranking = next(r for r in result.rankings if r.party == str(cast.side_a))
    figures += [repr(o.score) for o in ranking.options] + [f"score {num(ranking.options[0].score)}"]
    return [f for f in figures if f in text]


@pytest.mark.parametrize("who", ["bob", "bella"])
def test_it_never_lets_side_b_see_side_a_private_weights(
    cast: Any, decision: Decision, who: str
) -> None:
    cast.alliance_owner = cast.alice
    client, token = cast.client(who), cast.api(who)
    texts = [
        client.get(url(cast, decision)).content.decode(),
        client.get(f"/alliances/{cast.alliance.pk}/decisions/").content.decode(),
        client.get(url(cast, decision, "guardrails/")).content.decode(),
        client.get(f"/alliances/{cast.alliance.pk}/audit/").content.decode(),
        token.get(api(cast, decision, "/conditions")).content.decode(),
        token.get(api(cast, decision, "/weights")).content.decode(),
        token.get(api(cast, decision)).content.decode(),
        token.get(f"/api/v1/alliances/{cast.alliance.pk}/audit").content.decode(),
    ]
    for text in texts:
        assert _leaks(text, cast, decision) == []
    weights = token.get(api(cast, decision, "/weights")).json()["items"]
    assert [w["side_id"] for w in weights] == [cast.side_b.pk]
    # Side A sees its own weights on the page (the leak check itself works).
    own = cast.client("alice").get(url(cast, decision)).content.decode()
    assert _leaks(own, cast, decision)
    a_weights = PartyWeights.objects.get(owner_side=cast.side_a)
    assert client.get(url(cast, decision, f"weights/{a_weights.pk}/")).status_code == 404


def test_it_keeps_side_a_weights_out_of_side_b_error_messages(
    cast: Any, decision: Decision, call: Any
) -> None:
    cast.alliance_owner = cast.alice
    # Side B tries to write weights for side A: refused without echoing A's weights.
    response = call(
        cast.api("bob"), "PUT", api(cast, decision, "/weights"),
        {"side_id": cast.side_a.pk, "weights": {"revenue": 1, "satisfaction": 1, "attrition": 1}},
    )  # fmt: skip
    assert response.status_code == 422
    assert _leaks(response.content.decode(), cast, decision) == []
    assert PartyWeights.objects.get(owner_side=cast.side_a).weights == SECRET


def test_it_refuses_foreign_ids(cast: Any, decision: Decision, call: Any) -> None:
    foreign = Decision.objects.create(
        alliance=cast.other_alliance, owner_side=cast.other_alliance.sides.first(),
        title="Elsewhere", options=["A", "B"], considerations=CONSIDERATIONS,
    )  # fmt: skip
    alice = cast.api("alice")
    assert (
        alice.get(f"/api/v1/alliances/{cast.alliance.pk}/decisions/{foreign.pk}").status_code == 404
    )
    assert cast.client("alice").get(url(cast, foreign)).status_code == 404
    assert call(alice, "PUT", api(cast, foreign, "/weights"), {"weights": {}}).status_code == 404
    # A goal of another decision cannot be guarded through this one.
    other = Decision.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="Other", options=["A", "B"],
        considerations=CONSIDERATIONS, periods=["Q1", "Q2", "Q3", "Q4", "Q5"],
    )  # fmt: skip
    goal = GoalSeries.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, decision=other, name="g",
        history=[1, 2, 3, 4, 5],
    )  # fmt: skip
    response = call(
        alice, "POST", api(cast, decision, "/series"),
        {"name": "x", "history": [1, 2, 3, 4, 5], "guards_id": goal.pk, "at_least": 1},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "guards_id"


BAD_DECISIONS = [
    ({"options": ["A"]}, "options", "at least two options"),
    (
        {"considerations": [
            {"name": "revenue", "direction": "higher", "values": {"A": 5, "B": 5}},
            {"name": "risk", "direction": "lower", "values": {"A": 1, "B": 1}},
        ]},
        "options",
        "same values on every consideration",
    ),
    (
        {"considerations": [{"name": "revenue", "direction": "up", "values": {"A": 1, "B": 2}}]},
        "considerations",
        "direction",
    ),
]  # fmt: skip


@pytest.mark.parametrize("change, field, words", BAD_DECISIONS)
def test_it_names_the_field_of_a_bad_decision_and_writes_nothing(
    cast: Any, call: Any, change: dict, field: str, words: str
) -> None:
    body = {"title": "T", "options": ["A", "B"], "considerations": [CONSIDERATIONS[0] | {
        "values": {"A": 12, "B": 8}}]} | change  # fmt: skip
    before = (Decision.objects.count(), AuditEntry.objects.count())
    response = call(
        cast.api("alice"), "POST", f"/api/v1/alliances/{cast.alliance.pk}/decisions", body
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert errors[0]["field"] == field and words in errors[0]["message"]
    page = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/decisions/new/",
        {"owner_side": cast.side_a.pk, "visibility": "joint", "title": "T",
         "options_text": "\n".join(body["options"]),
         "considerations_text": "\n".join(
             " | ".join([c["name"], c["direction"], "", *[str(c["values"][o]) for o in body["options"]]])
             for c in body["considerations"])},
    )  # fmt: skip
    assert page.status_code == 200
    assert words in page.context["form"].errors[field + "_text"][0]
    assert (Decision.objects.count(), AuditEntry.objects.count()) == before


def test_it_refuses_all_zero_weights_naming_the_field(
    cast: Any, decision: Decision, call: Any
) -> None:
    PartyWeights.objects.filter(owner_side=cast.side_b).delete()
    before = (PartyWeights.objects.count(), AuditEntry.objects.count())
    response = call(
        cast.api("bob"), "PUT", api(cast, decision, "/weights"),
        {"weights": {"revenue": 0, "satisfaction": 0, "attrition": 0}},
    )  # fmt: skip
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "weights.revenue" and "All weights are zero" in error["message"]
    page = cast.client("bob").post(
        url(cast, decision, "weights/new/"),
        {"owner_side": cast.side_b.pk, "visibility": "private",
         "weight_0": 0, "weight_1": 0, "weight_2": 0},
    )  # fmt: skip
    assert page.status_code == 200
    assert "All weights are zero" in page.context["form"].errors["weight_0"][0]
    assert (PartyWeights.objects.count(), AuditEntry.objects.count()) == before


def test_it_saves_weights_private_by_default_with_a_private_audit_entry(
    cast: Any, decision: Decision, call: Any
) -> None:
    PartyWeights.objects.filter(owner_side=cast.side_b).delete()
    response = call(
        cast.api("bob"), "PUT", api(cast, decision, "/weights"),
        {"weights": {"revenue": 7, "satisfaction": 1, "attrition": 2}},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["visibility"] == "private"
    entry = AuditEntry.objects.filter(model="decisions.partyweights").latest("at")
    assert entry.visibility == "private" and entry.owner_side_id == cast.side_b.pk
    alice_audit = cast.api("alice").get(f"/api/v1/alliances/{cast.alliance.pk}/audit").json()
    alice_audit = alice_audit["items"]
    assert not [e for e in alice_audit if e["model"] == "decisions.partyweights"]


def test_it_draws_guardrail_bands_and_the_conflict_matrix(cast: Any, decision: Decision) -> None:
    common = {"alliance": cast.alliance, "decision": decision, "visibility": "joint"}
    revenue = GoalSeries.objects.create(owner_side=cast.side_a, name="revenue",
                                        history=[1, 2, 3, 4, 5], **common)  # fmt: skip
    GoalSeries.objects.create(owner_side=cast.side_b, name="csat", history=[5, 4.5, 4.4, 3.9, 3.2],
                              **common)  # fmt: skip
    GoalSeries.objects.create(owner_side=cast.side_b, name="tickets", guards=revenue, at_most=200,
                              history=[100, 150, 190, 210, 230], **common)  # fmt: skip
    private = GoalSeries.objects.create(
        owner_side=cast.side_a, name="SECRET-GOAL", history=[1, 1, 2, 2, 3],
        **(common | {"visibility": "private"}),
    )  # fmt: skip
    answer = cast.api("bob").get(api(cast, decision, "/guardrails")).json()
    assert answer["guardrails"][0]["band"] == {"lower": None, "upper": 200}
    assert [b["period"] for b in answer["guardrails"][0]["breaches"]] == ["Q4", "Q5"]
    assert answer["conflict_maps"][0]["rows"] == ["revenue"]
    assert "SECRET-GOAL" not in json.dumps(answer)
    page = cast.client("bob").get(url(cast, decision, "guardrails/"))
    assert page.context["data"] == answer
    assert private.name not in page.content.decode()
    alice = cast.api("alice").get(api(cast, decision, "/guardrails")).json()
    assert "SECRET-GOAL" in alice["conflict_maps"][0]["rows"]
