"""Working on the plan: adding items, moving them, the checks on the page, versions with a
diff, and sign-off by each side through one service."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from detente.audit.models import AuditEntry
from tests.conftest import body


def _plan(cast: Any, who: str = "alice") -> dict[str, Any]:
    return body(cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))


def _joint(data: dict[str, Any], section: str) -> list[str]:
    return [
        i["title"]
        for s in data["sections"]
        if s["section"] == section and s["scope"] == "joint"
        for i in s["items"]
    ]


def _post(cast: Any, who: str, path: str, payload: dict[str, Any]) -> Any:
    return cast.api(who).post(
        f"/api/v1/alliances/{cast.alliance.pk}{path}", json.dumps(payload),
        content_type="application/json",
    )  # fmt: skip


def test_a_side_starts_an_okr_plan_and_adds_an_objective_with_a_key_result(cast: Any) -> None:
    a = cast.alliance.pk
    page = cast.client("alice").get(reverse("plan_home", args=[a]))
    assert "no joint plan yet" in page.content.decode()
    audited = AuditEntry.objects.count()
    started = cast.client("alice").post(
        reverse("plan_start", args=[a]), {"format": "okr", "title": "2027"}
    )
    assert started.status_code == 302
    assert AuditEntry.objects.count() == audited + 1  # starting the plan is one audited change
    created = cast.client("alice").post(
        reverse("plan_item_new", args=[a]),
        {"owner_side": cast.side_a.pk, "visibility": "joint", "section": "objective",
         "title": "Win the north", "owner": cast.alice.pk},
    )  # fmt: skip
    assert created.status_code == 302
    objective = _plan(cast)["sections"][0]["items"][0]
    answer = _post(cast, "bob", "/plan/items", {"section": "key_result", "title": "40 accounts",
                   "parent_id": objective["id"], "target": 40, "due_date": "2027-06-30"})  # fmt: skip
    assert answer.status_code == 201 and body(answer)["parent"] == "O1"
    assert body(answer)["label"] == "KR1"
    assert _plan(cast, "bob")["checks"] == []


def test_a_bad_item_is_refused_naming_the_field_on_the_page_and_in_the_api(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    a = cast.alliance.pk
    objective = plan_world["a_private_kpi"].objective
    page = cast.client("alice").post(
        reverse("plan_item_new", args=[a]),
        {"owner_side": cast.side_a.pk, "visibility": "joint", "section": "method",
         "title": "Linked", "objectives": [objective.pk]},
    )  # fmt: skip
    assert page.status_code == 200 and "cannot link a private record" in page.content.decode()
    answer = _post(cast, "alice", "/plan/items", {"section": "measure", "title": "x",
                   "parent_id": plan_world["ob1"].pk})  # fmt: skip
    assert answer.status_code == 422
    assert "parent_id" in answer.content.decode()
    answer = _post(cast, "alice", "/plan/items", {"section": "key_result", "title": "x"})
    assert answer.status_code == 422 and "section" in answer.content.decode()


def test_moving_a_joint_method_up_renumbers_the_list_with_one_audit_entry_per_moved_item(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    a = cast.alliance.pk
    before = AuditEntry.objects.count()
    moved = cast.client("bella").post(
        reverse("plan_item_move", args=[a, plan_world["m3"].pk]), {"direction": "up"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert moved.status_code == 200 and 'id="plan-body"' in moved.content.decode()
    assert _joint(_plan(cast), "method") == [
        "Launch in Vietnam JOINT", "Open Cambodia JOINT", "Train the drivers JOINT"
    ]  # fmt: skip
    assert AuditEntry.objects.count() == before + 2
    answer = _post(cast, "bob", f"/plan/items/{plan_world['m1'].pk}/move", {"direction": "down"})
    assert answer.status_code == 200
    assert _joint(body(answer), "method")[:2] == ["Open Cambodia JOINT", "Launch in Vietnam JOINT"]
    # The top item cannot go higher: nothing changes, nothing is audited.
    count = AuditEntry.objects.count()
    _post(cast, "bob", f"/plan/items/{plan_world['m3'].pk}/move", {"direction": "up"})
    assert AuditEntry.objects.count() == count
    assert (
        _post(
            cast, "bob", f"/plan/items/{plan_world['m3'].pk}/move", {"direction": "x"}
        ).status_code
        == 422
    )


def test_the_page_shows_each_check_that_fires(cast: Any, plan_world: dict[str, Any]) -> None:
    data = _plan(cast, "bob")
    joint = [("no_measure", "M2"), ("no_measure", "M3"), ("no_method", "Ob1"), ("no_owner", "M3")]
    # Bob's side's own internal method is checked too, for his side only.
    own = [("no_measure", "Globex M1"), ("no_owner", "Globex M1")]
    assert sorted((c["code"], c["item"]) for c in data["checks"]) == sorted(joint + own)
    page = cast.client("bob").get(reverse("plan_home", args=[cast.alliance.pk])).content.decode()
    assert "has no owner" in page and "6 to resolve" in page
    # Side A's internal method links a KPI, so it has a measure; it lacks only an owner.
    alice = sorted((c["code"], c["item"]) for c in _plan(cast, "alice")["checks"])
    assert alice == sorted(joint + [("no_owner", "Acme M1")])


def test_a_version_is_signed_by_each_side_and_the_next_one_shows_its_diff(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    from detente.plans.models import PlanVersion

    a = cast.alliance.pk
    audited = AuditEntry.objects.count()
    first = body(_post(cast, "alice", "/plan/versions", {"summary": "First"}))
    assert AuditEntry.objects.count() == audited + 1  # the proposal is one audited change
    assert _post(cast, "bob", "/plan/versions", {}).status_code == 409  # one pending at a time
    signed = cast.client("bob").post(
        reverse("plan_version_sign", args=[a, first["id"]]), {"side": cast.side_b.pk}
    )
    assert signed.status_code == 302
    assert PlanVersion.objects.get(pk=first["id"]).status == "proposed"
    again = _post(cast, "bella", f"/plan/versions/{first['id']}/sign", {"side_id": cast.side_b.pk})
    assert again.status_code == 409
    done = body(_post(cast, "alice", f"/plan/versions/{first['id']}/sign", {}))
    assert done["status"] == "in_force" and all(s["signed"] for s in done["signatures"])
    # Rita reads but cannot sign.
    assert _post(cast, "rita", f"/plan/versions/{first['id']}/sign", {}).status_code == 403

    _post(cast, "bob", f"/plan/items/{plan_world['m3'].pk}/move", {"direction": "up"})
    cast.api("alice").patch(
        f"/api/v1/alliances/{a}/plan/items/{plan_world['m1'].pk}",
        json.dumps({"title": "Launch in Vietnam first JOINT"}), content_type="application/json",
    )  # fmt: skip
    second = body(_post(cast, "bob", "/plan/versions", {"summary": "Cambodia sooner"}))
    assert second["number"] == 2 and second["previous"] == 1
    diff = body(cast.api("bella").get(f"/api/v1/alliances/{a}/plan/diff?a=1&b=2"))
    methods = next(s for s in diff["changes"] if s["section"] == "method")["changes"]
    kinds = sorted((c["kind"], c["title"]) for c in methods)
    assert ("moved", "Open Cambodia JOINT") in kinds
    assert ("changed", "Launch in Vietnam first JOINT") in kinds
    page = cast.client("bella").get(reverse("plan_diff", args=[a]) + "?a=1&b=2")
    assert page.status_code == 200 and "was M3, now M2" in page.content.decode()
    withdrawn = _post(cast, "bella", f"/plan/versions/{second['id']}/withdraw", {})
    assert body(withdrawn)["status"] == "withdrawn"
    assert PlanVersion.objects.get(pk=first["id"]).status == "in_force"


def test_a_key_result_shows_its_probability_from_the_realism_engine(cast: Any) -> None:
    from detente.objectives.models import KPI, Measurement, Objective
    from detente.plans.models import Plan, PlanItem

    today = timezone.localdate()
    common = {"alliance": cast.alliance, "owner_side": cast.side_a, "visibility": "joint"}
    objective = Objective.objects.create(title="Grow", **common)
    kpi = KPI.objects.create(
        objective=objective, name="Accounts won", metric="accounts", unit="accounts",
        kind="count", target=60, deadline=today + timedelta(days=200),
    )  # fmt: skip
    level = KPI.objects.create(
        objective=objective, name="Margin", metric="margin", unit="%", kind="rate", target=30,
        deadline=today + timedelta(days=200),
    )  # fmt: skip
    for months, value in ((6, 8), (4, 9), (2, 10)):
        start = (today - timedelta(days=30 * months)).replace(day=1)
        Measurement.objects.create(kpi=kpi, period=f"{start:%Y-%m}", value=value, **common)
    plan = Plan.objects.create(format="okr", **common)
    o = PlanItem.objects.create(plan=plan, section="objective", title="Win", position=1, **common)
    kr = PlanItem.objects.create(
        plan=plan, section="key_result", title="60 accounts", parent=o, position=1, **common
    )
    kr.kpis.add(kpi, level)
    data = _plan(cast, "bob")
    kpis = {
        k["name"]: k["realism"] for s in data["sections"] for i in s["items"] for k in i["kpis"]
    }
    assert kpis["Accounts won"]["applies"] and 0 <= kpis["Accounts won"]["probability"] <= 1
    assert "realism engine" in kpis["Accounts won"]["source"]
    assert not kpis["Margin"]["applies"] and kpis["Margin"]["probability"] is None


def test_a_diff_of_version_numbers_no_plan_can_have_is_a_404_not_an_error(cast: Any) -> None:
    url = f"/api/v1/alliances/{cast.alliance.pk}/plan/diff?a=-9298141948964329488384&b=-753386"
    assert cast.api("alice").get(url).status_code == 404
