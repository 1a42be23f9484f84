"""Private data, foreign ids and bad input on every page and route of the capability."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from detente.agreements.models import AgreementVersion
from detente.commitments.models import Commitment
from detente.conflicts import exit_plans
from detente.conflicts.models import Comparison, Conflict, ExitPlan, OptionEstimate
from detente.objectives.models import Objective
from detente.records.visibility import get_alliance_access
from tests.conftest import body


def url(cast: Any, suffix: str = "") -> str:
    return f"/alliances/{cast.alliance.pk}/conflicts/{suffix}"


def api(cast: Any, suffix: str) -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/{suffix}"


def test_side_b_never_sees_side_as_private_conflict(cast: Any, conflicts: dict) -> None:
    secret = conflicts["a_private"]
    assert "A-PRIVATE-TITLE" in cast.client("alice").get(url(cast)).content.decode()
    assert "A-PRIVATE-TITLE" not in cast.client("bob").get(url(cast)).content.decode()
    assert cast.client("bob").get(url(cast, f"{secret.pk}/")).status_code == 404
    titles = [c["title"] for c in body(cast.api("bob").get(api(cast, "conflicts")))["items"]]
    assert "Conflict JOINT" in titles and "Conflict A-PRIVATE-TITLE" not in titles
    assert cast.api("bob").get(api(cast, f"conflicts/{secret.pk}")).status_code == 404
    assert cast.api("bella").get(api(cast, f"conflicts/{secret.pk}/brief")).status_code == 404


def test_side_b_never_sees_side_as_private_view_of_a_joint_conflict(
    cast: Any, conflicts: dict
) -> None:
    joint = conflicts["joint"]
    page = cast.client("bob").get(url(cast, f"{joint.pk}/")).content.decode()
    assert "A wants the full integration" in page and "A-PRIVATE-POSITION" not in page
    dialogue = cast.client("bob").get(url(cast, f"{joint.pk}/dialogue/")).content.decode()
    assert "A-PRIVATE" not in dialogue and "B-PRIVATE-POSITION" in dialogue
    views = body(cast.api("bob").get(api(cast, f"conflicts/{joint.pk}")))["views"]
    assert {v["position"] for v in views} == {
        "A wants the full integration",
        "B wants its own AI first",
        "B-PRIVATE-POSITION",
    }


def test_links_to_records_made_private_later_are_hidden_from_the_other_side(
    cast: Any, conflicts: dict
) -> None:
    joint = conflicts["joint"]
    joint.signals.add(cast.records["a_private_signal"], cast.records["b_joint_signal"])
    data = body(cast.api("bob").get(api(cast, f"conflicts/{joint.pk}")))
    assert data["signal_ids"] == [cast.records["b_joint_signal"].pk]
    assert (
        "Signal A-PRIVATE" not in cast.client("bob").get(url(cast, f"{joint.pk}/")).content.decode()
    )
    # Bob edits through the API without naming the links: Alice's hidden link stays.
    Conflict.objects.filter(pk=joint.pk).update(owner_side=cast.side_b)
    response = cast.api("bob").patch(
        api(cast, f"conflicts/{joint.pk}"), {"title": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert set(joint.signals.values_list("pk", flat=True)) == {
        cast.records["a_private_signal"].pk,
        cast.records["b_joint_signal"].pk,
    }


def test_private_estimates_stay_out_of_the_other_sides_comparison(
    cast: Any, comparison: Comparison
) -> None:
    result_a = body(cast.api("alice").get(api(cast, f"restructuring/{comparison.pk}")))
    result_b = body(cast.api("bob").get(api(cast, f"restructuring/{comparison.pk}")))
    exit_a = next(r for r in result_a["options"] if r["option"] == "exit")
    exit_b = next(r for r in result_b["options"] if r["option"] == "exit")
    assert exit_a["values"][1] is None and exit_b["values"][1] is not None
    assert "exit" not in [p["option"] for p in result_a["points"]]
    page = cast.client("alice").get(url(cast, f"restructuring/{comparison.pk}/")).content.decode()
    assert "B-PRIVATE-ESTIMATE-NOTE" not in page
    # Side B's private weights (50 a point) are not used for side A's view of B's values.
    modular_a = next(r for r in result_a["options"] if r["option"] == "modular")["values"][1]
    modular_b = next(r for r in result_b["options"] if r["option"] == "modular")["values"][1]
    assert modular_a["intangible_value"] == 0 and modular_b["intangible_value"] != 0


def test_the_audit_log_keeps_a_private_conflict_from_the_other_side(cast: Any) -> None:
    response = cast.api("alice").post(
        api(cast, "conflicts"),
        {"title": "AUDITED-SECRET", "source": "other", "kind": "initial", "visibility": "private"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    audit_page = f"/alliances/{cast.alliance.pk}/audit/"
    assert "AUDITED-SECRET" in cast.client("alice").get(audit_page).content.decode()
    assert "AUDITED-SECRET" not in cast.client("bob").get(audit_page).content.decode()


def test_exit_signals_use_only_what_the_reader_sees(cast: Any, conflicts: dict) -> None:
    Conflict.objects.filter(pk=conflicts["a_private"].pk).update(opened_on="2024-01-01")
    Conflict.objects.exclude(pk=conflicts["a_private"].pk).update(opened_on=timezone.localdate())
    a = body(cast.api("alice").get(api(cast, "exit-signals")))
    b = body(cast.api("bob").get(api(cast, "exit-signals")))
    assert a["signals"][0]["fired"]
    assert ["A-PRIVATE-TITLE" in e for e in a["signals"][0]["evidence"]] == [True]
    assert not b["signals"][0]["fired"]
    assert "A-PRIVATE" not in cast.client("bob").get(url(cast, "exit/")).content.decode()


def test_foreign_and_private_ids_are_refused(
    cast: Any, conflicts: dict, nothing_changes: Any
) -> None:
    foreign = Objective.objects.create(
        alliance=cast.other_alliance, owner_side=cast.other_alliance.sides.first(), title="Foreign"
    )
    with nothing_changes():
        for field, value in (
            ("objective_ids", [foreign.pk]),
            ("signal_ids", [cast.records["b_private_signal"].pk]),
            ("signal_ids", [cast.records["x_joint_signal"].pk]),
        ):
            response = cast.api("alice").post(
                api(cast, "conflicts"),
                {"title": "T", "source": "other", "kind": "initial", field: value},
                content_type="application/json",
            )
            assert response.status_code == 422
            assert [e["field"] for e in body(response)["errors"]] == [field]
        # A conflict of another alliance, reached through this one, does not exist.
        other = Conflict.objects.create(
            alliance=cast.other_alliance,
            owner_side=cast.other_alliance.sides.first(),
            title="X",
            source="other",
            kind="initial",
            visibility="joint",
        )
        for path in (f"{other.pk}/", f"{other.pk}/brief.pdf", f"{other.pk}/edit/"):
            assert cast.client("alice").get(url(cast, path)).status_code == 404
        assert cast.api("alice").get(api(cast, f"conflicts/{other.pk}")).status_code == 404
        other.delete()


def test_a_private_conflicts_view_cannot_be_joint(
    cast: Any, conflicts: dict, nothing_changes: Any
) -> None:
    with nothing_changes():
        response = cast.client("alice").post(
            url(cast, f"{conflicts['a_private'].pk}/views/new/"),
            {"owner_side": cast.side_a.pk, "position": "p", "visibility": "joint"},
        )
    assert response.status_code == 200
    assert "must be too" in response.context["form"].errors["visibility"][0]


def test_bad_input_names_the_field_and_writes_nothing(
    cast: Any, comparison: Comparison, nothing_changes: Any
) -> None:
    with nothing_changes():
        response = cast.api("alice").post(
            api(cast, "conflicts"),
            {"source": "weather", "kind": "initial"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert {e["field"] for e in body(response)["errors"]} == {"title", "source"}
        assert cast.api("alice").get(api(cast, "exit-signals?max_age_days=0")).status_code == 422
        new = url(cast, f"restructuring/{comparison.pk}/estimates/new/")
        cases = [
            ({"flows_likely": "1, 2"}, "flows_likely", "Give 3 values"),
            ({"flows_likely": "1, x, 2"}, "flows_likely", "('x') is not a number"),
            (
                {"flows_likely": "1, 2, 3", "flows_low": "5, 0, 0"},
                "flows_low",
                "low (5) is above likely (1)",
            ),
            (
                {"flows_likely": "1, 2, 3", "relationship": 3},
                "relationship",
                "less than or equal to 2",
            ),
            (
                {"flows_likely": "1, 2, 3", "option": "descope", "owner_side": cast.side_b.pk},
                "owner_side",
                "valid choice",
            ),
            ({"flows_likely": "1, 2, 3", "option": "modular"}, "option", "already estimated"),
        ]
        for data, field, message in cases:
            form = {
                "owner_side": cast.side_a.pk,
                "option": "descope",
                "relationship": 0,
                "reputation": 0,
                "strategic_option": 0,
                "visibility": "joint",
            } | data
            response = cast.client("alice").post(new, form)
            assert response.status_code == 200, field
            errors = response.context["form"].errors
            assert field in errors and message in errors[field][0], (field, errors)
            assert f'id="id_{field}_errors"' in response.content.decode()


def test_the_ladder_and_the_exit_plan_follow_the_agreement_in_force(cast: Any) -> None:
    AgreementVersion.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        visibility="joint",
        title="v1",
        number=1,
        status="in_force",
        content={
            "ladder": [
                {"key": "k1", "step": 1, "name": "Leads", "owner": "Bob", "days": 5},
                {"key": "k2", "step": 2, "name": "Board", "owner": "", "days": None},
            ],
            "exit": {
                "notice_days": 45,
                "customers": "Customers go to Acme.",
                "assets": "IP stays.",
                "triggers": [],
            },
        },
    )
    conflict = Conflict.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        title="C",
        source="other",
        kind="initial",
        visibility="private",
    )
    response = cast.client("alice").post(url(cast, f"{conflict.pk}/raise/"))
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.visibility == "joint" and conflict.ladder_source.endswith("(Version 1)")
    assert [(r["name"], r["days"]) for r in conflict.ladder] == [("Leads", 5), ("Board", None)]
    access = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
    draft = exit_plans.draft_values(access, conflict.opened_on)
    assert draft["notice_days"] == 45 and draft["customers"] == "Customers go to Acme."
    response = cast.client("alice").post(
        url(cast, "exit/plans/new/"),
        {
            "owner_side": cast.side_a.pk,
            "title": "Leave",
            "status": "draft",
            "notice_on": "2026-12-01",
            "notice_days": 45,
            "customers": "c",
            "projects": "p",
            "visibility": "joint",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    plan = ExitPlan.objects.get()
    assert plan.terms_source.endswith("(Version 1)") and len(plan.communications) == 4
    cast.client("alice").post(url(cast, f"exit/plans/{plan.pk}/track/"))
    cast.client("alice").post(
        url(cast, f"exit/plans/{plan.pk}/track/")
    )  # a second time adds nothing
    made = Commitment.objects.filter(pk__in=plan.commitments.values("pk"))
    assert made.count() == 8
    assert made.get(title="Give notice of exit to the partner").due_date.isoformat() == "2026-12-01"
    assert made.get(title="Transition shared customers").due_date.isoformat() == "2027-01-15"
    assert cast.client("rita").post(url(cast, f"exit/plans/{plan.pk}/track/")).status_code == 403


def test_an_agreed_action_goes_into_the_ledger(cast: Any, conflicts: dict) -> None:
    joint = conflicts["joint"]
    response = cast.client("bella").post(
        url(cast, f"{joint.pk}/dialogue/"),
        {
            "title": "Share the quota data",
            "owed_by": cast.side_b.pk,
            "due_date": "2026-04-01",
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(title="Share the quota data")
    assert commitment.owner_side == cast.side_b and commitment.visibility == "joint"
    assert list(joint.commitments.all()) == [commitment]
    assert cast.client("rita").post(url(cast, f"{joint.pk}/dialogue/"), {}).status_code == 403
    assert OptionEstimate.objects.count() == 0
