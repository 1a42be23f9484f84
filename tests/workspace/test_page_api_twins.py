"""A page and its JSON twin are built by one ``present`` call, and show the same records.

``TWINS`` lists every page that has a JSON twin: (page URL name, API path, the present
function both call). ``LEFT`` lists the twins not converted yet, and ``NO_PAGE`` the GET
routes that have no page of their own. A new GET route fails the completeness test until it
is listed in one of them.

For each twin the test reads the page and the JSON as a user of each side of the cast and
checks that each was built by exactly one call of the present function, that a joint fact
shows on both, and that the other side's private strings are in neither.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from detente.api.v1 import api

A = "/api/v1/alliances/{alliance_id}"


@dataclass(frozen=True)
class Twin:
    page: str  # URL name of the page
    api: str  # path in the OpenAPI schema
    present: str  # "module:function" both sides call
    record: str | None = None  # key of the world's record that {pk} names
    fact: str | None = None  # a joint string both sides show


TWINS = [
    Twin("audit_log", A + "/audit", "detente.records.audit_reading:matching"),
    Twin("commitments_home", A + "/commitments", "detente.commitments.present:ledger",
         fact="Commitment JOINT"),
    Twin("commitments_home", A + "/commitments/adherence", "detente.commitments.present:ledger"),
    Twin("differences_home", A + "/differences", "detente.differences.present:register",
         fact="Difference JOINT"),
    Twin("difference_detail", A + "/differences/{pk}", "detente.differences.present:difference",
         record="difference", fact="Difference JOINT"),
    Twin("goals_home", A + "/goals/checks", "detente.goals.present:goals"),
    Twin("realism_check", A + "/goals/checks/{pk}", "detente.goals.present:check"),
    Twin("milestones_home", A + "/goals/milestones", "detente.milestones.present:milestones",
         fact="Milestone JOINT"),
    Twin("milestone_detail", A + "/goals/milestones/{pk}", "detente.milestones.present:milestone",
         record="milestone", fact="Milestone JOINT"),
    Twin("reference_class", A + "/goals/reference", "detente.milestones.reference:reference"),
    Twin("decisions_home", A + "/decisions", "detente.decisions.present:decisions",
         fact="Decision JOINT"),
    Twin("decision_detail", A + "/decisions/{pk}/conditions",
         "detente.decisions.present:conditions", record="decision"),
    Twin("decision_guardrails", A + "/decisions/{pk}/guardrails",
         "detente.decisions.present:guardrails", record="decision"),
    Twin("conflicts_home", A + "/conflicts", "detente.conflicts.present:conflicts",
         fact="Conflict JOINT"),
    Twin("conflicts_home", A + "/restructuring", "detente.conflicts.present:conflicts",
         fact="Comparison JOINT"),
    Twin("conflict_detail", A + "/conflicts/{pk}", "detente.conflicts.present:conflict",
         record="conflict", fact="Conflict JOINT"),
    Twin("conflict_brief", A + "/conflicts/{pk}/brief", "detente.conflicts.present:brief",
         record="conflict", fact="Conflict JOINT"),
    Twin("comparison_detail", A + "/restructuring/{pk}", "detente.conflicts.present:comparison",
         record="comparison", fact="Comparison JOINT"),
    Twin("exit_home", A + "/exit-signals", "detente.conflicts.present:exit_page"),
    Twin("conflict_notifications", A + "/notifications",
         "detente.conflicts.present:notifications"),
    Twin("health_home", A + "/health/scorecard", "detente.health.present:health"),
    Twin("cycle_detail", A + "/health/cycles/{pk}/summary", "detente.health.present:cycle",
         record="cycle", fact="2026Q1"),
    Twin("health_alerts", A + "/health/alerts", "detente.health.present:alerts"),
    Twin("negotiation_home", A + "/negotiation/rounds", "detente.negotiation.present:rounds",
         fact="Round JOINT"),
    Twin("negotiation_round", A + "/negotiation/rounds/{pk}", "detente.negotiation.present:round",
         record="round", fact="Round JOINT"),
    Twin("negotiation_round", A + "/negotiation/rounds/{pk}/proposals",
         "detente.negotiation.present:round", record="round"),
    Twin("negotiation_preferences", A + "/negotiation/rounds/{pk}/preferences",
         "detente.negotiation.present:preferences", record="round"),
    Twin("negotiation_facilitator", A + "/negotiation/rounds/{pk}/facilitator",
         "detente.negotiation.present:facilitator"),
    Twin("meetings_home", A + "/meetings", "detente.meetings.present:home"),
    Twin("meetings_cadence", A + "/meetings/cadence", "detente.meetings.present:cadence_page"),
    Twin("meetings_digest", A + "/meetings/digest", "detente.meetings.present:digest"),
    Twin("alliance_overview", A, "detente.alliances.present:overview"),
    Twin("alliance_overview", A + "/sides", "detente.alliances.present:overview"),
    Twin("alliance_overview", A + "/stakeholders", "detente.alliances.present:overview", fact="Stakeholder JOINT"),
    Twin("alliance_overview", A + "/timeline", "detente.alliances.present:overview", fact="History JOINT"),
    Twin("objectives_home", A + "/objectives", "detente.objectives.present:home", fact="Objective JOINT"),
    Twin("objectives_home", A + "/kpis", "detente.objectives.present:home", fact="KPI JOINT"),
    Twin("objectives_home", A + "/guardrails", "detente.objectives.present:home"),
    Twin("objectives_home", A + "/measurements", "detente.objectives.present:home"),
    Twin("kpi_detail", A + "/kpis/{pk}", "detente.objectives.present:kpi", record="kpi", fact="KPI JOINT"),
    Twin("kpi_detail", A + "/kpis/{pk}/series", "detente.objectives.present:kpi", record="kpi"),
    Twin("kpi_detail", A + "/kpis/{pk}/guardrails", "detente.objectives.present:kpi", record="kpi"),
    Twin("goal_conflict", A + "/goal-conflict", "detente.objectives.present:conflict", fact="KPI JOINT"),
    Twin("agreement_home", A + "/agreement/versions", "detente.agreements.present:home", fact="Agreement JOINT"),
    Twin("agreement_version", A + "/agreement/versions/{pk}", "detente.agreements.present:version", record="version", fact="Agreement JOINT"),
    Twin("plan_home", A + "/plan", "detente.plans.present:plan", fact="Plan JOINT"),
    Twin("plan_version", A + "/plan/versions/{pk}", "detente.plans.present:version", record="plan_version", fact="Plan JOINT"),
    Twin("vision_home", A + "/vision", "detente.vision.present:home", fact="Idea JOINT"),
    Twin("vision_version", A + "/vision/versions/{pk}", "detente.vision.present:version", record="vision_version", fact="Vision JOINT"),
    Twin("approvals_home", A + "/approvals", "detente.approvals.present:inbox"),
    Twin("relationship_health", A + "/relationships", "detente.relationships.present:health"),
    Twin("overlap_home", A + "/overlap", "detente.overlap.present:home", fact="Rule JOINT"),
    Twin("overlap_run", A + "/overlap/runs/{pk}", "detente.overlap.present:run", record="overlap_run"),
]  # fmt: skip

# Twins still assembling their data separately (issue 11, item 4): page -> API paths.
LEFT: dict[str, list[str]] = {}

# GET routes without a page of their own: one record of a list page, shown on that page.
NO_PAGE = {
    A + "/commitments/{pk}": "a row of the ledger page (present.commitment)",
    A + "/decisions/{pk}": "the options and considerations shown on the decision page",
    A + "/decisions/{pk}/weights": "the weights form of the decision page",
    A + "/health/cycles": "the cycles of the scorecard on the health page",
    A + "/health/cycles/{pk}": "the heading of the cycle page",
    A + "/stakeholders/{pk}": "a stakeholder on the overview's map; its only page is its form",
    A + "/timeline/{kind}/{pk}": "an entry of the overview's timeline (present.entry)",
    A + "/objectives/{pk}": "an objective of the objectives page; its only page is its form",
    A + "/measurements/{pk}": "a value listed on its KPI's page; its only page is its form",
    A + "/overlap/runs/{pk}/request": "a run's blinded request, for the answering side's machine",
    A + "/overlap/runs/{pk}/reply": "a run's blinded reply, for the asking side's machine",
}

# The alliance's rhythm (notifications, threads, activity): each page and its JSON twin call
# one present function too, but they are read per person or per record kind, which the walk
# below does not build; tests/rhythm checks what each side gets from both.
RHYTHM = {
    "/api/v1/activity": ("activity_person", "detente.activity.present:feed"),
    A + "/activity": ("activity_alliance", "detente.activity.present:feed"),
    "/api/v1/notifications": ("notification_inbox", "detente.notifications.present:inbox"),
    A + "/threads/{kind}/{pk}": ("thread", "detente.threads.present:threads"),
    A + "/meetings/{pk}": ("meeting_detail", "detente.meetings.present:meeting"),
    "/api/v1/alliances": ("portfolio", "detente.alliances.present:portfolio"),
    "/api/v1/side-invitations": ("portfolio", "detente.alliances.present:portfolio"),
    A + "/agreement/diff": ("agreement_diff", "detente.agreements.present:compare"),  # ?a=&b=
    A + "/plan/diff": ("plan_diff", "detente.plans.present:compare"),  # ?a=&b=
    A + "/goals/kpis/{kpi_id}/trend": ("realism_kpi", "detente.goals.present:kpi_realism"),
    # A side's own approval request (tests/approvals reads both as each side).
    A + "/approvals/{pk}": ("approval_detail", "detente.approvals.present:detail"),
}


def _present(path: str) -> tuple[Any, str]:
    module, name = path.split(":")
    return importlib.import_module(module), name


def test_every_get_route_is_a_listed_twin_left_or_without_a_page() -> None:
    schema = api.get_openapi_schema()
    gets = {path.removesuffix("/") for path, ops in schema["paths"].items() if "get" in ops} - {
        "/api/v1/openapi.json"
    }
    listed = (
        {t.api for t in TWINS}
        | {p for ps in LEFT.values() for p in ps}
        | set(NO_PAGE)
        | set(RHYTHM)
    )
    assert sorted(gets - listed) == [], "a new GET route: list it in TWINS, LEFT or NO_PAGE"
    assert sorted(listed - gets) == [], "a listed route is not in the OpenAPI schema"


def test_every_listed_page_is_in_the_url_conf_and_every_present_function_exists() -> None:
    names = {n for n in get_resolver().reverse_dict if isinstance(n, str)}
    pages = {t.page for t in TWINS} | set(LEFT) | {page for page, _ in RHYTHM.values()}
    assert sorted(pages - names) == []
    for where in [t.present for t in TWINS] + [present for _, present in RHYTHM.values()]:
        module, name = _present(where)
        assert callable(getattr(module, name)), where


def _tagged_world(cast: Any) -> dict[str, Any]:
    """A joint record and a private one of each side for each twin: the private ones carry
    the side's tag (A-PRIVATE, B-PRIVATE) in their title."""
    from detente.agreements.models import AgreementVersion
    from detente.alliances.models import HistoryEntry, Stakeholder
    from detente.commitments.models import Commitment
    from detente.conflicts.models import Comparison, Conflict
    from detente.decisions.models import Decision
    from detente.differences.models import Difference
    from detente.health.models import Cycle
    from detente.negotiation.models import NegotiationRound
    from detente.objectives.models import KPI, Guardrail, Measurement, Objective

    today = timezone.localdate()
    out: dict[str, Any] = {}
    owners = (("a", cast.side_a, cast.side_b), ("b", cast.side_b, cast.side_a))
    for prefix, side, other in owners:
        for visibility in ("joint", "private"):
            tag = f"{prefix.upper()}-PRIVATE" if visibility == "private" else "JOINT"
            if visibility == "joint" and prefix == "b":
                continue  # one joint record of each kind is enough
            common = {"alliance": cast.alliance, "owner_side": side, "visibility": visibility}
            key = f"{prefix}_{visibility}"
            Commitment.objects.create(
                owed_by=other, title=f"Commitment {tag}", due_date=today - timedelta(days=9),
                **common,
            )  # fmt: skip
            out[f"difference_{key}"] = Difference.objects.create(
                category="decision_speed", title=f"Difference {tag}",
                views={str(side.id): f"view {tag}"}, likelihood=3, impact=4, **common,
            )  # fmt: skip
            out[f"decision_{key}"] = Decision.objects.create(
                title=f"Decision {tag}", question=f"Which {tag}?", options=["x", "y"],
                considerations=[
                    {"name": f"cost {tag}", "direction": "lower", "unit": "",
                     "values": {"x": [1, 1], "y": [2, 3]}}
                ],
                **common,
            )  # fmt: skip
            out[f"conflict_{key}"] = Conflict.objects.create(
                title=f"Conflict {tag}", description=f"about {tag}", source="internal_shift",
                kind="evolving", **common,
            )  # fmt: skip
            out[f"comparison_{key}"] = Comparison.objects.create(
                title=f"Comparison {tag}", discount_rate=10, periods=3, **common
            )
            out[f"round_{key}"] = NegotiationRound.objects.create(
                title=f"Round {tag}", purpose=f"for {tag}", **common
            )
            out[f"version_{key}"] = AgreementVersion.objects.create(
                title=f"Agreement {tag}", summary=f"changes {tag}", **common
            )
            out[f"stakeholder_{key}"] = Stakeholder.objects.create(
                name=f"Stakeholder {tag}", title=f"Head of {tag}", **common
            )
            out[f"history_{key}"] = HistoryEntry.objects.create(
                date=today, category="owed", title=f"History {tag}", notes=f"why {tag}", **common
            )
    # Objectives: a joint KPI, each side's private KPI guarding it, and each side's values.
    month = f"{today.year}-{today.month:02d}"
    last = today.replace(day=1) - timedelta(days=1)
    last_month = f"{last.year}-{last.month:02d}"
    for prefix, side, _ in owners:
        for visibility in ("joint", "private"):
            tag = f"{prefix.upper()}-PRIVATE" if visibility == "private" else "JOINT"
            if visibility == "joint" and prefix == "b":
                continue
            common = {"alliance": cast.alliance, "owner_side": side, "visibility": visibility}
            objective = Objective.objects.create(
                title=f"Objective {tag}", scope="side" if visibility == "private" else "shared",
                **common,
            )  # fmt: skip
            out[f"kpi_{prefix}_{visibility}"] = KPI.objects.create(
                objective=objective, name=f"KPI {tag}", metric=f"metric {tag}", unit="units",
                kind="count", target=300, deadline=today + timedelta(days=60),
                frequency=KPI.Frequency.MONTH,
            )  # fmt: skip
    for prefix, side, _ in owners:
        tag = f"{prefix.upper()}-PRIVATE"
        private = {"alliance": cast.alliance, "owner_side": side, "visibility": "private"}
        joint = {**private, "visibility": "joint"}
        Measurement.objects.create(kpi=out["kpi_a_joint"], period=month, value=7, **joint)
        Measurement.objects.create(
            kpi=out["kpi_a_joint"], period=last_month, value=9, notes=f"value {tag}", **private
        )
        Guardrail.objects.create(
            kpi=out["kpi_a_joint"], counter_kpi=out[f"kpi_{prefix}_private"], upper=5,
            notes=f"guard {tag}", **private,
        )  # fmt: skip
    # The vision (joint, as every version) and an idea of each kind, the private ones tagged.
    from detente.vision.models import Idea, VisionVersion

    for prefix, side, _ in owners:
        Idea.objects.create(alliance=cast.alliance, owner_side=side, visibility="private",
                            title=f"Idea {prefix.upper()}-PRIVATE")  # fmt: skip
    Idea.objects.create(alliance=cast.alliance, owner_side=cast.side_a, title="Idea JOINT")
    out["vision_version_a_joint"] = VisionVersion.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, number=1, text="Vision JOINT"
    )
    # Milestones: a joint one of side A on the joint KPI, each side's private draft on its own.
    from detente.milestones.models import Milestone

    for prefix, side, _ in owners:
        for visibility in ("joint", "private"):
            if visibility == "joint" and prefix == "b":
                continue
            tag = f"{prefix.upper()}-PRIVATE" if visibility == "private" else "JOINT"
            out[f"milestone_{prefix}_{visibility}"] = Milestone.objects.create(
                alliance=cast.alliance, owner_side=side, visibility=visibility,
                title=f"Milestone {tag}", kpi=out[f"kpi_{prefix}_{visibility}"], target=50,
                start=today, due=today + timedelta(days=30), measured_by=side,
                state="proposed" if visibility == "joint" else "draft", notes=f"notes {tag}",
            )  # fmt: skip
    out["cycle_a_joint"] = Cycle.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", period="2026Q1",
        opens_on=date(2026, 1, 5), closes_on=date(2026, 1, 30),
    )  # fmt: skip
    from detente.overlap.models import EngagementRule, OverlapRun

    out["overlap_run_a_joint"] = OverlapRun.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, answering_side=cast.side_b,
        request={}, request_sizes={"customer": 2}, counts=None,
    )  # fmt: skip
    for prefix, side, _ in owners:
        for visibility, tag in (("joint", "JOINT"), ("private", f"{prefix.upper()}-PRIVATE")):
            EngagementRule.objects.create(
                alliance=cast.alliance, owner_side=side, visibility=visibility,
                title=f"Rule {tag}", handover=f"hand over {tag}",
            )  # fmt: skip
    from detente.plans.document import joint_document
    from detente.plans.models import Plan, PlanItem, PlanVersion

    plan = Plan.objects.create(alliance=cast.alliance, owner_side=cast.side_a, visibility="joint")
    for tag, side, visibility in (("JOINT", cast.side_a, "joint"), ("A-PRIVATE", cast.side_a, "private"), ("B-PRIVATE", cast.side_b, "private")):  # fmt: skip
        PlanItem.objects.create(alliance=cast.alliance, owner_side=side, visibility=visibility, plan=plan, section="method", title=f"Plan {tag}")  # fmt: skip
    out["plan_version_a_joint"] = PlanVersion.objects.create(alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", plan=plan, number=1, content=joint_document(plan))  # fmt: skip
    return out


WALKED = [t for t in TWINS if t.present.rsplit(":", 1)[1] not in ("check", "facilitator")]


@pytest.fixture
def world(cast: Any) -> dict[str, Any]:
    return _tagged_world(cast)


@pytest.mark.parametrize("twin", WALKED, ids=lambda t: f"{t.page}|{t.api.removeprefix(A)}")
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_page_and_its_json_come_from_one_present_call_and_keep_the_other_side_out(
    cast: Any, world: dict[str, Any], twin: Twin, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, name = _present(twin.present)
    real: Callable[..., Any] = getattr(module, name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    a = cast.alliance.pk
    pk = world[f"{twin.record}_a_joint"].pk if twin.record else None
    page_args = [a] if pk is None else [a, pk]
    api_path = twin.api.replace("{alliance_id}", str(a)).replace("{pk}", str(pk))

    page = cast.client(who).get(reverse(twin.page, args=page_args))
    assert page.status_code == 200 and len(calls) == 1, "the page reads through present once"
    answer = cast.api(who).get(api_path)
    assert answer.status_code == 200 and len(calls) == 2, "the JSON reads through present once"

    html, data = page.content.decode(), answer.content.decode()
    if twin.fact:
        assert twin.fact in html and twin.fact in data
    other = "B-PRIVATE" if who == "alice" else "A-PRIVATE"
    assert other not in html and other not in data
    secrets = [r for k, r in cast.records.items() if k.startswith(other[0].lower() + "_private")]
    for record in secrets:
        assert str(record) not in html and str(record) not in data


# The portfolio is read per person, not per alliance (so it is listed with the rhythm above):
# its page and each of its two JSON twins read through one present call too.
@pytest.mark.parametrize("api_path", ["/api/v1/alliances", "/api/v1/side-invitations"])
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_portfolio_and_its_json_come_from_one_present_call(
    cast: Any, world: dict[str, Any], api_path: str, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, name = _present(RHYTHM[api_path][1])
    real: Callable[..., Any] = getattr(module, name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    page = cast.client(who).get(reverse("portfolio"))
    assert page.status_code == 200 and len(calls) == 1, "the page reads through present once"
    answer = cast.api(who).get(api_path)
    assert answer.status_code == 200 and len(calls) == 2, "the JSON reads through present once"
    html, data = page.content.decode(), answer.content.decode()
    if api_path == "/api/v1/alliances":
        names = [item["name"] for item in answer.json()["items"]]
        assert cast.alliance.name in html and cast.alliance.name in names
    other = "B-PRIVATE" if who == "alice" else "A-PRIVATE"
    assert other not in html and other not in data


# The comparison of two versions needs the two (?a=&b=), which the walk above does not send.
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_comparison_and_its_json_come_from_one_present_call(
    cast: Any, world: dict[str, Any], who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, name = _present(RHYTHM[A + "/agreement/diff"][1])
    real: Callable[..., Any] = getattr(module, name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    mine = world[f"version_{'a' if who == 'alice' else 'b'}_private"].pk
    query = f"?a={world['version_a_joint'].pk}&b={mine}"
    a = cast.alliance.pk
    page = cast.client(who).get(reverse("agreement_diff", args=[a]) + query)
    assert page.status_code == 200 and len(calls) == 1, "the page reads through present once"
    answer = cast.api(who).get(f"/api/v1/alliances/{a}/agreement/diff" + query)
    assert answer.status_code == 200 and len(calls) == 2, "the JSON reads through present once"
    assert answer.json()["b"] == mine
    html, data = page.content.decode(), answer.content.decode()
    other = "B-PRIVATE" if who == "alice" else "A-PRIVATE"
    assert other not in html and other not in data


# A KPI's realism page and its trend (named {kpi_id}, which the walk above does not fill).
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_kpis_realism_and_its_trend_come_from_one_present_call(
    cast: Any, world: dict[str, Any], who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = A + "/goals/kpis/{kpi_id}/trend"
    module, name = _present(RHYTHM[path][1])
    real: Callable[..., Any] = getattr(module, name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    a, kpi = cast.alliance.pk, world["kpi_a_joint"].pk
    page = cast.client(who).get(reverse("realism_kpi", args=[a, kpi]))
    assert page.status_code == 200 and len(calls) == 1, "the page reads through present once"
    api_path = path.replace("{alliance_id}", str(a)).replace("{kpi_id}", str(kpi))
    answer = cast.api(who).get(api_path)
    assert answer.status_code == 200 and len(calls) == 2, "the JSON reads through present once"
    html, data = page.content.decode(), answer.content.decode()
    assert "KPI JOINT" in html and answer.json()["kpi_id"] == kpi
    other = "B-PRIVATE" if who == "alice" else "A-PRIVATE"
    assert other not in html and other not in data
