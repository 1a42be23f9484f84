"""The diff between any two versions: added, removed and changed clauses, part by part."""

from __future__ import annotations

import copy

from agreement_helpers import complete_content, in_force, make_draft

from detente.agreements import diff


def _sides(cast):
    return {cast.side_a.id: "Acme", cast.side_b.id: "Globex"}


def _changes(parts):
    return {(p.part, c.kind, c.label) for p in parts for c in p.changes}


def test_it_finds_no_change_between_equal_documents(cast) -> None:
    doc = complete_content(cast.side_a, cast.side_b)
    assert diff.diff(doc, copy.deepcopy(doc), _sides(cast)) == []


def test_it_reports_an_added_clause(cast) -> None:
    a = complete_content(cast.side_a, cast.side_b)
    b = copy.deepcopy(a)
    b["scope"].append({"key": "sc3", "kind": "out", "item": "Retail stores", "notes": ""})
    parts = diff.diff(a, b, _sides(cast))
    assert _changes(parts) == {("scope", "added", "Out of scope: 'Retail stores'")}
    assert ("In or out", "out of scope") in parts[0].changes[0].values


def test_it_reports_a_removed_clause(cast) -> None:
    a = complete_content(cast.side_a, cast.side_b)
    b = copy.deepcopy(a)
    b["ladder"] = [r for r in b["ladder"] if r["name"] != "Mediation"]
    assert ("ladder", "removed", "Rung 'Mediation'") in _changes(diff.diff(a, b, _sides(cast)))


def test_it_reports_a_changed_clause_field_by_field(cast) -> None:
    a = complete_content(cast.side_a, cast.side_b)
    b = copy.deepcopy(a)
    b["kpis"][0]["target"] = "2400000"
    b["resources"][1]["side"] = str(cast.side_a.id)
    parts = diff.diff(a, b, _sides(cast))
    kpi = next(c for p in parts for c in p.changes if p.part == "kpis")
    assert kpi.kind == "changed" and kpi.label == "KPI 'Joint revenue'"
    assert [(f.label, f.before, f.after) for f in kpi.fields] == [
        ("Target", "2,000,000", "2,400,000")
    ]
    resource = next(c for p in parts for c in p.changes if p.part == "resources")
    # Sides are named, not given as ids.
    assert [(f.before, f.after) for f in resource.fields] == [("Globex", "Acme")]


def test_a_renamed_clause_is_changed_not_removed_and_added(cast) -> None:
    a = complete_content(cast.side_a, cast.side_b)
    b = copy.deepcopy(a)
    b["objectives"][0]["title"] = "Joint revenue in enterprise"
    parts = diff.diff(a, b, _sides(cast))
    assert _changes(parts) == {
        (
            "objectives",
            "changed",
            "Objective 'Joint revenue' → Objective 'Joint revenue in enterprise'",
        )
    }


def test_single_parts_are_added_removed_and_changed(cast) -> None:
    a = complete_content(cast.side_a, cast.side_b)
    b = copy.deepcopy(a)
    b["exit"]["notice_days"] = 180
    b["stalemate"] = {"process": "", "days": None}
    empty_before = copy.deepcopy(a)
    empty_before["scope_change"] = {"process": "", "approver": "", "days": None}
    got = _changes(diff.diff(a, b, _sides(cast)))
    assert ("exit", "changed", "Exit terms") in got
    assert ("stalemate", "removed", "Stalemate process") in got
    assert ("scope_change", "added", "Scope-change process") in _changes(
        diff.diff(empty_before, a, _sides(cast))
    )


def test_the_diff_page_compares_any_two_versions(cast) -> None:
    first = in_force(cast)
    content = complete_content(cast.side_a, cast.side_b)
    content["kpis"][0]["target"] = "3000000"
    content["scope"].pop()
    draft = make_draft(cast, content=content, based_on=first)
    page = cast.client("bob").get(
        f"/alliances/{cast.alliance.pk}/agreement/diff/?a={first.pk}&b={draft.pk}"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-kind="changed"' in html and "3,000,000" in html
    assert 'data-kind="removed"' in html and "Consumer products" in html


def test_the_diff_api_answers_in_json(cast) -> None:
    from tests.conftest import call

    first = in_force(cast)
    content = complete_content(cast.side_a, cast.side_b)
    content["decisions"].append({"key": "d2", "topic": "Pricing", "decider": "Globex", "rule": ""})
    draft = make_draft(cast, content=content)
    r = call(
        cast.api("alice"),
        "GET",
        f"/api/v1/alliances/{cast.alliance.pk}/agreement/diff?a={first.pk}&b={draft.pk}",
    )
    assert r.status_code == 200
    (part,) = r.json()["parts"]
    assert part["part"] == "decisions"
    assert (
        part["changes"][0]["kind"] == "added"
        and part["changes"][0]["clause"] == "Decision 'Pricing'"
    )
