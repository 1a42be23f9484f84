"""The shared vision and the ideas: versions one side proposes and the other accepts, with a
diff; one vote a person; private drafts the other side never sees or counts; an idea turned
into a negotiation issue in one all-or-nothing step."""

from __future__ import annotations

from typing import Any

import pytest

from detente.audit.models import AuditEntry
from detente.negotiation.models import NegotiationIssue, NegotiationRound
from detente.records.visibility import get_alliance_access
from detente.vision import conversions, present, services
from detente.vision.diff import word_diff
from detente.vision.forms import VisionForm
from detente.vision.models import Idea, IdeaVote, VisionVersion
from tests.conftest import body


def _url(cast: Any, suffix: str = "") -> str:
    return f"/alliances/{cast.alliance.pk}/negotiation/vision/{suffix}"


def _api(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/vision{suffix}"


def _propose(cast: Any, who: str, text: str, summary: str = "") -> VisionVersion:
    access = get_alliance_access(getattr(cast, who), cast.alliance.pk, write=True)
    current = services.current_vision(access)
    form = VisionForm(
        data={"text": text, "summary": summary, "side": access.default_side.pk},
        access=access,
        current=current.text if current else "",
    )
    assert form.is_valid(), form.errors
    return services.propose(access, form)


def _idea(cast: Any, side: Any, title: str, visibility: str = "joint") -> Idea:
    return Idea.objects.create(
        alliance=cast.alliance, owner_side=side, visibility=visibility, title=title
    )


# The vision ---------------------------------------------------------------------------------


def test_a_proposed_vision_becomes_the_vision_only_when_the_other_side_accepts_it(
    cast: Any,
) -> None:
    response = cast.client("alice").post(
        _url(cast, "propose/"), {"text": "Grow together in Asia.", "side": cast.side_a.pk}
    )
    assert response.status_code == 302
    version = VisionVersion.objects.get(alliance=cast.alliance)
    assert (version.number, version.status, version.owner_side) == (1, "proposed", cast.side_a)
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    assert services.current_vision(alice) is None

    # The proposing side cannot accept its own proposal.
    cast.client("alice").post(_url(cast, f"versions/{version.pk}/accept/"))
    version.refresh_from_db()
    assert version.status == "proposed"

    cast.client("bella").post(_url(cast, f"versions/{version.pk}/accept/"))
    version.refresh_from_db()
    assert (version.status, version.accepted_side, version.accepted_by) == (
        "accepted",
        cast.side_b,
        cast.bella,
    )
    assert services.current_vision(alice) == version
    assert AuditEntry.objects.filter(model="vision.visionversion").count() == 2


def test_a_counter_proposal_replaces_the_one_waiting_and_numbers_run_on(cast: Any) -> None:
    first = _propose(cast, "alice", "Grow together.")
    second = _propose(cast, "bob", "Grow together in Asia.")
    first.refresh_from_db()
    assert first.status == "superseded" and second.number == 2
    answer = cast.api("alice").post(_api(cast, f"/versions/{second.pk}/accept"))
    assert answer.status_code == 200 and body(answer)["version"]["status"] == "accepted"


def test_a_revision_that_changes_nothing_is_refused_naming_the_text(cast: Any, call: Any) -> None:
    version = _propose(cast, "alice", "Grow together.")
    services.accept(get_alliance_access(cast.bob, cast.alliance.pk, write=True), version)
    answer = call(cast.api("bob"), "POST", _api(cast, "/versions"), {"text": " Grow together.\n"})
    assert answer.status_code == 422
    assert "change something" in answer.content.decode()
    page = cast.client("bob").post(_url(cast, "propose/"), {"text": "", "side": cast.side_b.pk})
    assert page.status_code == 422 and "Write the vision" in page.content.decode()


def test_a_version_shows_the_words_it_added_and_removed(cast: Any) -> None:
    _propose(cast, "alice", "We grow together in Vietnam.\nFair shares.")
    second = _propose(cast, "bob", "We grow together in Vietnam and Cambodia.\nFair shares.")
    page = present.version(get_alliance_access(cast.alice, cast.alliance.pk), second.pk)
    assert page.previous is not None and page.previous.number == 1
    changes = [(s.kind, s.text) for s in page.diff if s.kind != "same"]
    assert changes == [("removed", "Vietnam."), ("added", "Vietnam and Cambodia.")]
    assert (page.words_added, page.words_removed) == (3, 1)
    html = cast.client("bella").get(_url(cast, f"versions/{second.pk}/")).content.decode()
    assert "<ins>Vietnam and Cambodia.</ins>" in html and "<del>Vietnam.</del>" in html


@pytest.mark.parametrize(
    "old, new",
    [("", "One."), ("a b c", "a c d"), ("Line one.\n\nLine two.", "Line two.\n\nLine one."),
     ("same", "same"), ("x  y\tz", "x y z")],
)  # fmt: skip
def test_the_word_diff_gives_back_both_texts_exactly(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.kind != "added") == old
    assert "".join(s.text for s in segments if s.kind != "removed") == new


def test_versions_are_joint_even_when_asked_to_be_private(cast: Any) -> None:
    version = _propose(cast, "alice", "Grow.")
    version.visibility = "private"
    version.save()
    version.refresh_from_db()
    assert version.visibility == "joint"


# Votes --------------------------------------------------------------------------------------


def test_each_person_votes_once_and_a_second_vote_replaces_the_first(cast: Any) -> None:
    idea = _idea(cast, cast.side_a, "Joint API")
    client = cast.client("bob")
    client.post(_url(cast, f"ideas/{idea.pk}/vote/"), {"vote": "up"})
    client.post(_url(cast, f"ideas/{idea.pk}/vote/"), {"vote": "up"})
    assert list(IdeaVote.objects.filter(idea=idea).values_list("value", flat=True)) == [1]
    client.post(_url(cast, f"ideas/{idea.pk}/vote/"), {"vote": "down"})
    cast.client("alice").post(_url(cast, f"ideas/{idea.pk}/vote/"), {"vote": "up"})
    row = present.idea(get_alliance_access(cast.alice, cast.alliance.pk), idea.pk)
    assert (row.up, row.down, row.score, row.my_vote) == (1, 1, 0, 1)
    client.post(_url(cast, f"ideas/{idea.pk}/vote/"), {"vote": "none"})
    assert IdeaVote.objects.filter(idea=idea).count() == 1
    # create, change, take back by bob; create by alice: one audit entry each
    assert AuditEntry.objects.filter(model="vision.ideavote").count() == 4


def test_a_vote_with_htmx_answers_the_ideas_row(cast: Any) -> None:
    idea = _idea(cast, cast.side_a, "Joint API")
    response = cast.client("bella").post(
        _url(cast, f"ideas/{idea.pk}/vote/"), {"vote": "up"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="idea-{idea.pk}"' in html
    assert "1 for, 0 against" in html and "<html" not in html


def test_a_read_only_member_follows_the_ranking_but_cannot_vote(cast: Any, call: Any) -> None:
    idea = _idea(cast, cast.side_a, "Joint API")
    assert (
        cast.client("rita").post(_url(cast, f"ideas/{idea.pk}/vote/"), {"vote": "up"}).status_code
        == 403
    )
    answer = call(cast.api("rita"), "PUT", _api(cast, f"/ideas/{idea.pk}/vote"), {"vote": "up"})
    assert answer.status_code == 403
    assert not IdeaVote.objects.exists()
    page = cast.client("rita").get(_url(cast)).content.decode()
    assert "Joint API" in page and "Vote for" not in page


def test_ideas_are_listed_most_votes_first(cast: Any, call: Any) -> None:
    low = _idea(cast, cast.side_a, "Low")
    high = _idea(cast, cast.side_b, "High")
    for who in ("alice", "bob", "bella"):
        call(cast.api(who), "PUT", _api(cast, f"/ideas/{high.pk}/vote"), {"vote": "up"})
    call(cast.api("bob"), "PUT", _api(cast, f"/ideas/{low.pk}/vote"), {"vote": "down"})
    ideas = body(cast.api("alice").get(_api(cast)))["ideas"]
    assert [(i["title"], i["score"]) for i in ideas] == [("High", 3), ("Low", -1)]


# Private drafts -----------------------------------------------------------------------------


def test_a_sides_private_idea_and_its_votes_are_invisible_and_uncounted_for_the_other_side(
    cast: Any, call: Any
) -> None:
    draft = _idea(cast, cast.side_a, "Secret bundle A", visibility="private")
    call(cast.api("alice"), "PUT", _api(cast, f"/ideas/{draft.pk}/vote"), {"vote": "up"})
    assert IdeaVote.objects.filter(idea=draft).count() == 1
    for who in ("bob", "bella"):
        page = cast.client(who).get(_url(cast)).content.decode()
        data = cast.api(who).get(_api(cast)).content.decode()
        assert "Secret bundle A" not in page and "Secret bundle A" not in data
        assert body(cast.api(who).get(_api(cast)))["ideas"] == []
        vote = call(cast.api(who), "PUT", _api(cast, f"/ideas/{draft.pk}/vote"), {"vote": "up"})
        assert vote.status_code == 404
        assert cast.client(who).get(_url(cast, f"ideas/{draft.pk}/edit/")).status_code == 404
    # The other side's audit log does not hold the vote either.
    for who in ("bob", "bella"):
        audit = cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/audit").content.decode()
        assert "ideavote" not in audit and "Secret bundle A" not in audit
    assert IdeaVote.objects.filter(idea=draft).count() == 1
    assert AuditEntry.objects.get(model="vision.ideavote").visibility == "private"


def test_a_private_idea_is_shared_when_ready_and_a_shared_one_cannot_go_back(cast: Any) -> None:
    draft = _idea(cast, cast.side_a, "Bundle", visibility="private")
    form = {"title": "Bundle", "description": "", "status": "new"}
    cast.client("alice").post(_url(cast, f"ideas/{draft.pk}/edit/"), form | {"visibility": "joint"})
    draft.refresh_from_db()
    assert draft.visibility == "joint"
    back = cast.client("alice").post(
        _url(cast, f"ideas/{draft.pk}/edit/"), form | {"visibility": "private"}
    )
    assert back.status_code == 422 and "stays shared" in back.content.decode()
    draft.refresh_from_db()
    assert draft.visibility == "joint"


# Conversion to a negotiation issue ----------------------------------------------------------


def _round(cast: Any, **kwargs: Any) -> NegotiationRound:
    return NegotiationRound.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="Renewal", **kwargs
    )


def test_an_idea_becomes_an_issue_of_an_open_round_in_one_click(cast: Any) -> None:
    rnd = _round(cast)
    idea = _idea(cast, cast.side_b, "Joint marketing budget")
    page = cast.client("alice").get(_url(cast)).content.decode()
    assert "Make it a negotiation issue" in page
    response = cast.client("alice").post(
        _url(cast, f"ideas/{idea.pk}/convert/"),
        {"target": "negotiation_issue", "choice": rnd.pk},
    )
    assert response.status_code == 302
    issue = NegotiationIssue.objects.get(round=rnd)
    assert (issue.name, issue.label) == ("joint_marketing_budget", "Joint marketing budget")
    assert issue.options == conversions.ISSUE_OPTIONS
    idea.refresh_from_db()
    assert (idea.converted_to, idea.converted_id, idea.status) == (
        "negotiation_issue",
        issue.pk,
        "discussion",
    )
    assert idea.converted_url == f"/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/"
    audited = AuditEntry.objects.filter(model__in=["negotiation.negotiationissue", "vision.idea"])
    assert sorted(audited.values_list("model", "action")) == [
        ("negotiation.negotiationissue", "create"),
        ("vision.idea", "update"),
    ]


def test_a_conversion_that_fails_half_way_leaves_neither_the_issue_nor_the_mark(
    cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rnd = _round(cast)
    idea = _idea(cast, cast.side_a, "Shared data lake")
    access = get_alliance_access(cast.alice, cast.alliance.pk, write=True)

    def broken_save(self: Idea, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Idea, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.convert(access, idea, "negotiation_issue", rnd.pk)
    monkeypatch.undo()
    assert not NegotiationIssue.objects.filter(round=rnd).exists()
    assert not AuditEntry.objects.filter(model="negotiation.negotiationissue").exists()
    idea.refresh_from_db()
    assert idea.converted_to == "" and idea.status == "new"


@pytest.mark.parametrize("case", ["closed round", "private idea", "twice", "same issue"])
def test_a_refused_conversion_writes_nothing_and_says_why(cast: Any, call: Any, case: str) -> None:
    rnd = _round(cast, status="closed" if case == "closed round" else "open")
    idea = _idea(cast, cast.side_a, "Bundle", "private" if case == "private idea" else "joint")
    if case == "same issue":
        NegotiationIssue.objects.create(round=rnd, name="bundle", options=["x", "y"])
    url = _api(cast, f"/ideas/{idea.pk}/convert")
    payload = {"target": "negotiation_issue", "choice": rnd.pk}
    if case == "twice":
        assert call(cast.api("alice"), "POST", url, payload).status_code == 200
    issues = NegotiationIssue.objects.count()
    entries = AuditEntry.objects.count()
    answer = call(cast.api("alice"), "POST", url, payload)
    assert answer.status_code == 409 and body(answer)["detail"]
    assert (NegotiationIssue.objects.count(), AuditEntry.objects.count()) == (issues, entries)


def test_only_writers_of_the_rounds_side_can_put_an_idea_into_it(cast: Any, call: Any) -> None:
    rnd = _round(cast)
    idea = _idea(cast, cast.side_b, "Bundle")
    payload = {"target": "negotiation_issue", "choice": rnd.pk}
    answer = call(cast.api("bob"), "POST", _api(cast, f"/ideas/{idea.pk}/convert"), payload)
    assert answer.status_code == 403
    assert not NegotiationIssue.objects.exists()
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    assert present.targets(bob)[0].choices == []


def test_a_target_name_is_registered_once(cast: Any) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        conversions.conversion("negotiation_issue", label="x", choices=lambda a, i: [])(
            lambda access, idea, choice: conversions.Converted("x", 1, "vision_home")
        )
    assert set(conversions.TARGETS) >= {"negotiation_issue"}
