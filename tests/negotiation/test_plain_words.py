"""Issues and constraints in the user's own words; proposals as one comparison table."""

from __future__ import annotations

from typing import Any

from negotiation_helpers import enter, open_round

from detente.negotiation.forms import RoundForm, issue_key, issues_text
from detente.negotiation.models import NegotiationIssue
from detente.records.visibility import get_alliance_access


def test_an_issue_written_in_words_gets_a_short_name_and_keeps_its_words(cast: Any) -> None:
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    rnd = open_round(
        alice, {"Number of sites": ["2", "5", "10"], "Revenue share": ["50/50", "60/40"]}
    )
    issues = {i.name: i for i in NegotiationIssue.objects.filter(round=rnd)}
    assert set(issues) == {"number_of_sites", "revenue_share"}
    assert str(issues["number_of_sites"]) == "Number of sites"
    # The edit form shows the words again, and saving it keeps every issue (no renaming).
    assert issues_text(list(rnd.issues.all())).splitlines()[0] == "Number of sites: 2, 5, 10"


def test_constraints_may_name_issues_in_words_and_read_back_as_sentences(cast: Any) -> None:
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    form = RoundForm(
        data={
            "title": "Sites",
            "purpose": "",
            "issues": "Number of sites: 2, 5, 10\nExclusivity: none, global",
            "constraints": "if Exclusivity = global then not Number of sites = 2",
            "owner_side": alice.my_side.pk,
        },
        access=alice,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["constraints"] == [
        {"if": {"exclusivity": ["global"]}, "then_not": {"number_of_sites": ["2"]}}
    ]
    from detente.negotiation import services

    rnd = services.save_round(alice, form)
    page = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/")
    assert "If Exclusivity is global, then not: Number of sites is 2." in page.content.decode()


def test_a_name_with_no_letter_or_digit_is_refused_naming_the_line(cast: Any) -> None:
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    form = RoundForm(
        data={
            "title": "x",
            "purpose": "",
            "issues": "Sites: 1, 2\n???: a, b",
            "owner_side": alice.my_side.pk,
        },
        access=alice,
    )
    assert not form.is_valid()
    assert "Line 2" in form.errors["issues"][0]
    assert issue_key("Share (%)") == "share" and issue_key("2026 budget") == "issue_2026_budget"


def test_proposals_are_one_table_with_an_issue_a_column_and_a_bar_per_row(cast: Any) -> None:
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    rnd = open_round(alice, {"Revenue share": ["50/50", "60/40", "70/30"], "Term": ["1y", "3y"]})
    enter(
        alice,
        rnd,
        {"revenue_share": 2, "term": 1},
        {"revenue_share": {"50/50": 0, "60/40": 0.6, "70/30": 1}, "term": {"1y": 1, "3y": 0}},
        "0.1",
    )
    enter(
        bob,
        rnd,
        {"revenue_share": 1, "term": 2},
        {"revenue_share": {"50/50": 1, "60/40": 0.5, "70/30": 0}, "term": {"1y": 0, "3y": 1}},
        "0.1",
    )
    body = (
        cast.client("bob")
        .get(f"/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/")
        .content.decode()
    )
    table = body[body.index('<table class="comparison">') :]
    table = table[: table.index("</table>")]
    assert '<th scope="col">Revenue share</th>' in table and '<th scope="col">Term</th>' in table
    assert "<meter" in table and f"Accept for {cast.side_b}" in table
    assert "drafts an agreement version" in body


def test_a_constraint_is_picked_from_two_lists_and_removed_with_one_button(cast: Any) -> None:
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    rnd = open_round(alice, {"Exclusivity": ["none", "global"], "Number of sites": ["2", "5"]})
    base = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/"
    page = cast.client("alice").get(base).content.decode()
    assert '<option value="exclusivity=global">Exclusivity is global</option>' in page
    client = cast.client("alice")
    same_issue = client.post(
        base + "constraints/",
        {"if_term": "exclusivity=global", "then_not": "exclusivity=none"},
        follow=True,
    )
    assert "then not: Pick an option of another issue" in same_issue.content.decode()
    client.post(
        base + "constraints/", {"if_term": "exclusivity=global", "then_not": "number_of_sites=2"}
    )
    rnd.refresh_from_db()
    assert rnd.constraints == [
        {"if": {"exclusivity": ["global"]}, "then_not": {"number_of_sites": ["2"]}}
    ]
    assert (
        "If Exclusivity is global, then not: Number of sites is 2."
        in client.get(base).content.decode()
    )
    # The other side reads the terms but does not change them; the keeping side removes it.
    assert cast.client("bob").post(base + "constraints/0/remove/").status_code == 403
    client.post(base + "constraints/0/remove/")
    rnd.refresh_from_db()
    assert rnd.constraints == []
    assert client.post(base + "constraints/5/remove/").status_code == 404
