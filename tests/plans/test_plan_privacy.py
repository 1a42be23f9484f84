"""The other side sees no private item of the plan: not its title, not a count, not a gap in
the numbering, not a finding about it; the page and its JSON twin agree."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.conftest import body


def _numbers(data: dict[str, Any], section: str, scope: str) -> list[int]:
    return [
        i["number"]
        for s in data["sections"]
        if s["section"] == section and s["scope"] == scope
        for i in s["items"]
    ]


def test_the_other_side_sees_the_joint_methods_numbered_without_a_gap(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    for who in ("bob", "bella", "alice", "rita"):
        data = body(cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))
        assert _numbers(data, "method", "joint") == [1, 2, 3]
        titles = [i["title"] for s in data["sections"] if s["scope"] == "joint" for i in s["items"]]
        assert titles[:3] == [
            "Launch in Vietnam JOINT", "Train the drivers JOINT", "Open Cambodia JOINT"
        ]  # fmt: skip


def test_each_side_sees_its_own_internal_items_numbered_on_their_own(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    data = body(cast.api("alice").get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))
    internal = [
        s for s in data["sections"] if s["scope"] == "internal" and s["section"] == "method"
    ]
    assert [(s["side_id"], [i["title"] for i in s["items"]]) for s in internal] == [
        (cast.side_a.pk, ["Pricing floor A-PRIVATE"])
    ]
    assert internal[0]["items"][0]["feeds"] == "M1"
    joint_m1 = next(
        i
        for s in data["sections"]
        if s["scope"] == "joint"
        for i in s["items"]
        if i["label"] == "M1"
    )
    assert joint_m1["fed_by"] == ["Acme M1"]


def test_the_plan_page_and_its_json_keep_the_other_side_s_items_out(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    for who, other in (("bob", "A-PRIVATE"), ("bella", "A-PRIVATE"), ("alice", "B-PRIVATE")):
        page = cast.client(who).get(reverse("plan_home", args=[cast.alliance.pk])).content.decode()
        answer = cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/plan").content.decode()
        assert other not in page and other not in answer
        assert "JOINT" in page and "JOINT" in answer
    bob = body(cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))
    # No trace of side A's internal item: not fed_by, not a stored position, not a finding.
    assert '"position"' not in str(bob)
    joint_m1 = next(i for s in bob["sections"] for i in s["items"] if i["label"] == "M1")
    assert joint_m1["fed_by"] == []
    assert all(plan_world["a_m1"].pk not in (c["item_id"], c["other_id"]) for c in bob["checks"])


def test_a_side_s_internal_item_is_not_found_by_the_other_side(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    pk = plan_world["a_m1"].pk
    a = cast.alliance.pk
    assert cast.client("bob").get(reverse("plan_item_edit", args=[a, pk])).status_code == 404
    moved = cast.client("bob").post(reverse("plan_item_move", args=[a, pk]), {"direction": "up"})
    assert moved.status_code == 404
    answer = cast.api("bob").patch(
        f"/api/v1/alliances/{a}/plan/items/{pk}", '{"title": "x"}', content_type="application/json"
    )
    assert answer.status_code == 404


def test_a_version_freezes_only_the_joint_items(cast: Any, plan_world: dict[str, Any]) -> None:
    a = cast.alliance.pk
    answer = cast.api("alice").post(
        f"/api/v1/alliances/{a}/plan/versions",
        '{"summary": "First"}',
        content_type="application/json",
    )
    assert answer.status_code == 201
    text = answer.content.decode()
    assert "A-PRIVATE" not in text and "B-PRIVATE" not in text
    methods = next(s for s in body(answer)["content"]["sections"] if s["section"] == "method")
    assert [i["label"] for i in methods["items"]] == ["M1", "M2", "M3"]


def test_the_diff_page_and_its_json_come_from_one_compare_call(
    cast: Any, plan_world: dict[str, Any], monkeypatch: Any
) -> None:
    from detente.plans import present, services
    from detente.records.visibility import get_alliance_access

    access = get_alliance_access(cast.alice, cast.alliance.pk)
    services.propose_version(access, plan_world["plan"], side=cast.side_a)
    calls: list[int] = []
    real = present.compare

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(present, "compare", counted)
    a = cast.alliance.pk
    page = cast.client("bob").get(reverse("plan_diff", args=[a]) + "?a=1&b=1")
    answer = cast.api("bob").get(f"/api/v1/alliances/{a}/plan/diff?a=1&b=1")
    assert page.status_code == 200 and answer.status_code == 200 and len(calls) == 2
    assert cast.api("bob").get(f"/api/v1/alliances/{a}/plan/diff?a=1&b=7").status_code == 404
