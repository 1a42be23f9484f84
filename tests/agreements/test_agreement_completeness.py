"""The completeness check names each missing part; a proposal waits for each gap to be
resolved or waived with a reason."""

from __future__ import annotations

import copy

import pytest
from agreement_helpers import complete_content, make_draft

from detente.agreements import completeness, services
from detente.agreements.models import AgreementVersion, Waiver
from detente.records.visibility import get_alliance_access
from tests.conftest import call


def _messages(content, cast):
    return {g.message for g in completeness.gaps(content, [cast.side_a, cast.side_b])}


def test_a_complete_agreement_has_no_gap(cast) -> None:
    assert _messages(complete_content(cast.side_a, cast.side_b), cast) == set()


def test_an_empty_agreement_lacks_every_part(cast) -> None:
    got = _messages({}, cast)
    assert {
        "no objectives",
        "nothing is listed in scope",
        "nothing is listed out of scope",
        "no scope-change process",
        "no decision rights (who decides what)",
        "no stalemate process",
        "side Acme has no resource commitment",
        "side Globex has no resource commitment",
        "no dispute-resolution ladder",
        "no exit terms",
    } <= got


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["kpis"].pop(0), "objective 'Joint revenue' has no KPI"),
        (lambda d: d["kpis"][0].update(target=""), "KPI 'Joint revenue' has no target"),
        (lambda d: d["kpis"][0].update(deadline=""), "KPI 'Joint revenue' has no deadline"),
        (
            lambda d: d["kpis"][0].update(definition=""),
            "KPI 'Joint revenue' has no agreed definition",
        ),
        (lambda d: d["objectives"][0].update(side="1"), "no shared objective"),
        (lambda d: d["stalemate"].update(process=""), "no stalemate process"),
        (lambda d: d["decisions"].clear(), "no decision rights (who decides what)"),
        (lambda d: d["resources"].pop(1), "side Globex has no resource commitment"),
        (lambda d: d["resources"][0].update(amount=""), "resource 'Engineers' has no amount"),
        (lambda d: d["resources"][0].update(per=""), "resource 'Engineers' has no period"),
        (lambda d: [r.update(days=None) for r in d["ladder"]], "dispute ladder has no time limits"),
        (lambda d: d["ladder"][3].update(days=None), "rung 'Mediation' has no time limit"),
        (lambda d: d["ladder"][0].update(owner=""), "rung 'Working team' has no owner"),
        (
            lambda d: d["exit"].update(notice_days=None, triggers=[], customers="", assets=""),
            "no exit terms",
        ),
        (
            lambda d: d["exit"].update(customers=""),
            "exit terms do not say how shared customers are handled",
        ),
        (lambda d: d["scope"].pop(1), "nothing is listed out of scope"),
        (lambda d: d["scope_change"].update(process=""), "no scope-change process"),
    ],
)
def test_it_reports_each_missing_part(cast, change, message) -> None:
    content = copy.deepcopy(complete_content(cast.side_a, cast.side_b))
    if message == "no shared objective":
        content["objectives"][0]["side"] = str(cast.side_a.id)
    else:
        change(content)
    assert message in _messages(content, cast)


def test_a_draft_may_be_saved_incomplete(cast) -> None:
    r = call(
        cast.api("alice"),
        "POST",
        f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions",
        {"title": "Sketch", "objectives": [{"title": "Joint revenue"}]},
    )
    assert r.status_code == 201
    assert "objective 'Joint revenue' has no KPI" in [g["message"] for g in r.json()["gaps"]]


def test_proposal_is_refused_until_each_gap_is_resolved_or_waived(cast) -> None:
    content = complete_content(cast.side_a, cast.side_b)
    content["stalemate"] = {"process": "", "days": None}
    content["exit"]["assets"] = ""
    draft = make_draft(cast, content=content)
    api = cast.api("alice")
    base = f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions/{draft.pk}"
    r = call(api, "POST", base + "/propose")
    assert r.status_code == 409
    assert "no stalemate process" in r.json()["detail"]
    assert AgreementVersion.objects.get(pk=draft.pk).status == "draft"

    # Resolve one gap, waive the other with a reason.
    r = call(
        api, "PATCH", base, {"stalemate": {"process": "Sponsors meet within 10 days", "days": 10}}
    )
    assert r.status_code == 200
    r = call(
        api, "POST", base + "/waivers", {"code": "exit:assets", "reason": "No shared assets yet"}
    )
    assert r.status_code == 201
    waiver = Waiver.objects.get(version=draft)
    assert waiver.waived_by == cast.alice and waiver.reason == "No shared assets yet"

    r = call(api, "POST", base + "/propose")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "proposed" and r.json()["number"] == 1


def test_a_waiver_needs_a_reason_and_a_real_gap(cast, nothing_changes) -> None:
    draft = make_draft(cast)
    base = f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions/{draft.pk}/waivers"
    api = cast.api("alice")
    with nothing_changes():
        r = call(api, "POST", base, {"code": "exit", "reason": ""})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
        r = call(api, "POST", base, {"code": "no-such-gap", "reason": "Because"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "code"


def test_the_page_refuses_the_proposal_and_lists_the_gaps(cast) -> None:
    draft = make_draft(cast)
    client = cast.client("alice")
    r = client.post(f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/propose/", follow=True)
    html = r.content.decode()
    assert "Resolve or waive these gaps before proposing" in html
    assert "no stalemate process" in html
    assert AgreementVersion.objects.get(pk=draft.pk).status == "draft"
    # The waive form on the page records the waiver.
    r = client.post(
        f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/waive/",
        {"code": "stalemate", "reason": "Two-person alliance, no stalemate possible"},
    )
    assert r.status_code == 302
    assert Waiver.objects.filter(version=draft, code="stalemate").exists()


def test_open_gaps_ignore_waived_ones(cast) -> None:
    draft = make_draft(cast)
    access = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
    n = len(services.open_gaps(draft, access.sides))
    services.waive(access, draft, "exit", "Decided later")
    assert len(services.open_gaps(draft, access.sides)) == n - 1
