"""Realism checks of a KPI: the page, its JSON twin and the command agree; private checks
stay with their side; foreign ids and bad input are refused without writing anything."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from realism_helpers import check_form

from detente.audit.models import AuditEntry
from detente.goals.models import RealismCheck
from tests.conftest import call

pytestmark = pytest.mark.django_db


def page(cast: Any, kpi: Any) -> str:
    return f"/alliances/{cast.alliance.pk}/goals/kpis/{kpi.pk}/"


def api(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/goals/{suffix}"


def run_command(tmp_path: Any, document: dict, seed: int) -> dict:
    path = tmp_path / "check.json"
    path.write_text(json.dumps(document))
    done = subprocess.run(
        [sys.executable, "-m", "detente", "realism", str(path), "--json", "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


# The same numbers everywhere ------------------------------------------------------------


def test_it_gives_the_same_numbers_on_the_page_in_the_api_and_from_the_command(
    cast: Any, goals: Any, tmp_path: Any
) -> None:
    response = cast.client("alice").post(
        page(cast, goals.joint_kpi), check_form(cast, cast.side_a, phases="North 40%\nSouth 60%")
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    check = RealismCheck.objects.get()
    assert response["Location"] == f"/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/"

    twin = cast.api("alice").get(api(cast, f"checks/{check.pk}")).json()
    from_command = run_command(tmp_path, twin["inputs"], twin["seed"])
    assert twin["result"] == from_command
    assert twin["probability"] == from_command["probability"]

    # The API builds the same check from the same inputs, through the same form.
    body = {
        "target": 40,
        "start": twin["inputs"]["start"],
        "deadline": twin["inputs"]["deadline"],
        "confidence": 0.8,
        "funnel": [
            {"name": "leads"},
            {"name": "meetings", "observed": {"trials": 90, "successes": 30}},
            {"name": "units", "observed": {"trials": 2, "successes": 1}, "lag_days": 7},
        ],
        "measurements_side_id": cast.side_a.pk,
        "measured_stage": "first",
        "phases": [{"name": "North", "share": 0.4}, {"name": "South", "share": 0.6}],
        "seed": 3,
    }
    created = call(cast.api("alice"), "POST", api(cast, f"kpis/{goals.joint_kpi.pk}/checks"), body)
    assert created.status_code == 201, created.content
    assert created.json()["inputs"] == twin["inputs"]
    assert created.json()["result"] == from_command

    # The page shows the engine's numbers, and embeds the API's chart data.
    html = cast.client("alice").get(f"/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/")
    text = html.content.decode()
    assert f"{100 * from_command['probability']:.1f}%" in text
    assert f"{from_command['realistic_target']:,} units" in text
    charts = json.loads(text.split('id="realism-data" type="application/json">')[1].split("<")[0])
    assert charts["outcomes"] == twin["charts"]["outcomes"]
    assert charts["funnel"] == twin["charts"]["funnel"]
    assert charts["phases"]["proposed"] == [
        m["cumulative_target"] for m in from_command["phases"]["proposed"]["milestones"]
    ]


def test_it_takes_the_history_from_the_kpis_measurements(cast: Any, goals: Any) -> None:
    cast.client("alice").post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a))
    check = RealismCheck.objects.get()
    # 100 + 110 + 120 units over the working days of three past months, spread evenly.
    assert sum(check.inputs["history"]) == 330
    assert check.inputs["activity"] == "poisson"
    assert len(check.measurement_ids) == 3
    assert "spread evenly" in check.history_note


def test_it_converts_measurements_of_the_last_stage_into_activity(cast: Any, goals: Any) -> None:
    form = check_form(cast, cast.side_a, measured_stage="last", funnel="leads\nunits 10%")
    cast.client("alice").post(page(cast, goals.joint_kpi), form)
    assert sum(RealismCheck.objects.get().inputs["history"]) == 3300


def test_it_shows_the_short_history_warning(cast: Any, goals: Any) -> None:
    form = check_form(cast, cast.side_a, history_from="daily", daily_history="3 4 0 5 2")
    response = cast.client("alice").post(page(cast, goals.joint_kpi), form, follow=True)
    assert "Short history: 5 working days" in response.content.decode()


def test_it_shows_how_the_probability_moved_across_checks(cast: Any, goals: Any) -> None:
    client = cast.client("alice")
    for target in (40, 20):
        client.post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a, target=target))
    first, second = RealismCheck.objects.order_by("id")
    trend = cast.api("alice").get(api(cast, f"checks/{second.pk}")).json()["charts"]["trend"]
    assert [t["id"] for t in trend] == [first.pk, second.pk]
    assert trend[1]["probability"] > trend[0]["probability"]
    # The next form starts from the last check's funnel.
    html = client.get(page(cast, goals.joint_kpi)).content.decode()
    assert "meetings 30/90" in html


# Privacy --------------------------------------------------------------------------------


def test_it_keeps_a_check_of_a_private_objective_private(cast: Any, goals: Any) -> None:
    refused = cast.client("alice").post(
        page(cast, goals.private_kpi), check_form(cast, cast.side_a, visibility="joint")
    )
    assert refused.status_code == 200
    assert "must be private too" in refused.context["form"].errors["visibility"][0]
    assert not RealismCheck.objects.exists()

    cast.client("alice").post(
        page(cast, goals.private_kpi), check_form(cast, cast.side_a, visibility="private")
    )
    check = RealismCheck.objects.get()
    assert check.is_private

    for who in ("bob", "bella"):
        web, rest = cast.client(who), cast.api(who)
        home = web.get(f"/alliances/{cast.alliance.pk}/goals/").content.decode()
        assert "Secret pilot" not in home and "Our secret pilot" not in home
        assert web.get(f"/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/").status_code == 404
        assert web.get(page(cast, goals.private_kpi)).status_code == 404
        assert rest.get(api(cast, "checks")).json()["items"] == []
        assert rest.get(api(cast, f"checks/{check.pk}")).status_code == 404
        audit = rest.get(f"/api/v1/alliances/{cast.alliance.pk}/audit").json()["items"]
        assert not [e for e in audit if e["model"] == "goals.realismcheck"]
        audit_page = web.get(f"/alliances/{cast.alliance.pk}/audit/").content.decode()
        assert "Secret pilot" not in audit_page
    assert AuditEntry.objects.get(model="goals.realismcheck").visibility == "private"
    # Side A's read-only sponsor sees it.
    assert cast.api("rita").get(api(cast, f"checks/{check.pk}")).status_code == 200


def test_it_keeps_side_a_private_checks_out_of_side_b_charts(cast: Any, goals: Any) -> None:
    alice = cast.client("alice")
    alice.post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a, visibility="private"))
    alice.post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a, target=25))
    private, joint = RealismCheck.objects.order_by("id")
    seen_by_b = cast.api("bob").get(api(cast, f"checks/{joint.pk}")).json()
    assert [t["id"] for t in seen_by_b["charts"]["trend"]] == [joint.pk]
    html = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/goals/checks/{joint.pk}/")
    charts = html.content.decode().split('id="realism-data" type="application/json">')[1]
    assert f'"id": {private.pk},' not in charts.split("</script>")[0]
    kpi_page = cast.client("bob").get(page(cast, goals.joint_kpi))
    assert [t["id"] for t in kpi_page.context["trend"]] == [joint.pk]
    seen_by_a = cast.api("alice").get(api(cast, f"checks/{joint.pk}")).json()
    assert [t["id"] for t in seen_by_a["charts"]["trend"]] == [private.pk, joint.pk]


def test_it_refuses_a_joint_check_of_private_measurements(cast: Any, goals: Any) -> None:
    # Bob's private value of the joint KPI: his check of it must stay with side B.
    form = check_form(cast, cast.side_b, visibility="joint")
    response = cast.client("bob").post(page(cast, goals.joint_kpi), form)
    assert "private to Globex" in response.context["form"].errors["visibility"][0]
    assert not RealismCheck.objects.exists()
    # Side A cannot read side B's private ledger at all.
    response = cast.client("alice").post(
        page(cast, goals.joint_kpi), form | {"owner_side": cast.side_a.pk}
    )
    assert "measurements_side" in response.context["form"].errors


def test_it_hides_a_joint_check_when_its_objective_becomes_private(cast: Any, goals: Any) -> None:
    cast.client("alice").post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a))
    check = RealismCheck.objects.get()
    goals.joint_objective.visibility = "private"
    goals.joint_objective.save()
    assert cast.api("bob").get(api(cast, "checks")).json()["items"] == []
    assert cast.api("bob").get(api(cast, f"checks/{check.pk}")).status_code == 404


# Foreign ids ----------------------------------------------------------------------------


def test_it_refuses_a_kpi_of_another_alliance(cast: Any, goals: Any) -> None:
    url = page(cast, goals.foreign_kpi)
    assert cast.client("alice").get(url).status_code == 404
    assert cast.client("alice").post(url, check_form(cast, cast.side_a)).status_code == 404
    created = call(cast.api("alice"), "POST", api(cast, f"kpis/{goals.foreign_kpi.pk}/checks"), {})
    assert created.status_code == 404
    assert not RealismCheck.objects.exists()


def test_it_refuses_a_side_of_another_alliance(cast: Any, goals: Any) -> None:
    other_side = cast.other_alliance.sides.first()
    form = check_form(cast, cast.side_a, measurements_side=other_side.pk)
    response = cast.client("alice").post(page(cast, goals.joint_kpi), form)
    assert "measurements_side" in response.context["form"].errors
    body = {"measurements_side_id": other_side.pk, "funnel": [{"name": "units"}]}
    refused = call(cast.api("alice"), "POST", api(cast, f"kpis/{goals.joint_kpi.pk}/checks"), body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "measurements_side"
    assert not RealismCheck.objects.exists()


def test_it_refuses_a_check_of_another_alliance(cast: Any, goals: Any) -> None:
    cast.client("alice").post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a))
    check = RealismCheck.objects.get()
    assert (
        cast.client("oscar")
        .get(f"/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/")
        .status_code
        == 404
    )
    other = cast.other_alliance.pk
    assert (
        cast.api("oscar").get(f"/api/v1/alliances/{other}/goals/checks/{check.pk}").status_code
        == 404
    )


# Bad input ------------------------------------------------------------------------------

BAD_INPUT = [
    ({"funnel": "leads\nmeetings -10%"}, "funnel", "must lie above 0"),
    ({"funnel": "leads\nmeetings 0.3\nunits -0.5"}, "funnel", "line 3 (units)"),
    ({"funnel": ""}, "funnel", "The funnel is empty"),
    ({"funnel": "leads\nmeetings 40/30"}, "funnel", "cannot exceed"),
    ({"deadline": "2020-01-31"}, "deadline", "before today"),
    ({"target": 0}, "target", "greater than or equal to 1"),
    ({"phases": "North 40%\nSouth 50%"}, "phases", "add up to 90%"),
    ({"history_from": "daily", "daily_history": "3 -1 4"}, "daily_history", "negative"),
    ({"holidays": "2026-13-01"}, "holidays", "not a date"),
    ({"ramp": "-2"}, "ramp", "greater than 0"),
]


@pytest.mark.parametrize("changes, field, message", BAD_INPUT)
def test_it_names_the_field_of_bad_input_and_writes_nothing(
    cast: Any, goals: Any, changes: dict, field: str, message: str
) -> None:
    audit_rows = AuditEntry.objects.count()
    response = cast.client("alice").post(
        page(cast, goals.joint_kpi), check_form(cast, cast.side_a, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert not RealismCheck.objects.exists()
    assert AuditEntry.objects.count() == audit_rows


API_BAD_INPUT = [
    (
        {"funnel": [{"name": "leads"}, {"name": "meetings", "rate": -0.1}]},
        "funnel",
        "must lie above 0",
    ),
    ({"funnel": []}, "funnel", "The funnel is empty"),
    ({"deadline": "2020-01-31"}, "deadline", "before today"),
]


@pytest.mark.parametrize("body, field, message", API_BAD_INPUT)
def test_it_names_the_field_of_bad_input_in_the_api(
    cast: Any, goals: Any, body: dict, field: str, message: str
) -> None:
    audit_rows = AuditEntry.objects.count()
    response = call(cast.api("alice"), "POST", api(cast, f"kpis/{goals.joint_kpi.pk}/checks"), body)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == field and message in error["message"]
    assert not RealismCheck.objects.exists()
    assert AuditEntry.objects.count() == audit_rows


def test_it_lets_a_read_only_member_look_but_not_check(cast: Any, goals: Any) -> None:
    rita = cast.client("rita")
    assert rita.get(page(cast, goals.joint_kpi)).status_code == 200
    assert rita.post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a)).status_code == 403
    assert (
        call(
            cast.api("rita"), "POST", api(cast, f"kpis/{goals.joint_kpi.pk}/checks"), {}
        ).status_code
        == 403
    )
    assert not RealismCheck.objects.exists()


def test_it_deletes_a_check_with_an_audit_entry(cast: Any, goals: Any) -> None:
    cast.client("alice").post(page(cast, goals.joint_kpi), check_form(cast, cast.side_a))
    check = RealismCheck.objects.get()
    url = f"/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/delete/"
    assert cast.client("bob").post(url).status_code == 403
    assert cast.client("alice").post(url).status_code == 302
    assert not RealismCheck.objects.exists()
    assert AuditEntry.objects.filter(model="goals.realismcheck", action="delete").count() == 1
