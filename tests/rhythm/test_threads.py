"""Comment threads: a joint thread everyone in the alliance reads, an internal thread per
side that the partner never reads, mentions only of people who may read the thread."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail

from detente.audit.models import AuditEntry
from detente.threads import services
from detente.threads.models import Comment
from tests.rhythm.conftest import access, inbox


def url(cast: Any, key: str) -> str:
    return f"/alliances/{cast.alliance.pk}/threads/history/{cast.records[key].pk}/"


def post(cast: Any, who: str, key: str, thread: str, body: str, **headers: str) -> Any:
    return cast.client(who).post(url(cast, key), {"thread": thread, "body": body}, headers=headers)


def test_it_keeps_side_a_internal_thread_from_side_b(cast: Any) -> None:
    post(cast, "alice", "a_joint_history", "joint", "Joint note for everyone")
    post(cast, "alice", "a_joint_history", "internal", "Acme only: walk away at 40")
    for who in ("bob", "bella"):
        page = cast.client(who).get(url(cast, "a_joint_history")).content.decode()
        assert "Joint note for everyone" in page and "walk away at 40" not in page
        api = cast.api(who).get(f"/api/v1{url(cast, 'a_joint_history').rstrip('/')}")
        assert "walk away at 40" not in api.content.decode()
    page = cast.client("rita").get(url(cast, "a_joint_history")).content.decode()
    assert "walk away at 40" in page


def test_side_b_has_its_own_internal_thread_on_the_same_record(cast: Any) -> None:
    post(cast, "bob", "a_joint_history", "internal", "Globex only")
    threads = json.loads(
        cast.api("bella").get(f"/api/v1{url(cast, 'a_joint_history').rstrip('/')}").content
    )["threads"]
    assert [t["name"] for t in threads] == ["joint", "internal"]
    assert threads[1]["comments"][0]["body"] == "Globex only"
    alice = json.loads(
        cast.api("alice").get(f"/api/v1{url(cast, 'a_joint_history').rstrip('/')}").content
    )
    assert "Globex only" not in json.dumps(alice)


def test_a_private_record_has_only_its_sides_internal_thread(cast: Any) -> None:
    response = post(cast, "alice", "a_private_history", "joint", "Should not be joint")
    assert response.status_code == 400
    assert "private to your side" in response.content.decode()
    assert not Comment.objects.exists()


def test_it_lets_a_read_only_sponsor_comment(cast: Any) -> None:
    assert post(cast, "rita", "a_joint_history", "joint", "Sponsor's view").status_code == 302
    assert Comment.objects.get().created_by == cast.rita


def test_it_tells_a_mentioned_person_once_by_inbox_and_email(cast: Any) -> None:
    post(cast, "alice", "a_joint_history", "joint", "@bob can you confirm? cc @bob")
    assert len([t for t in inbox(cast, "bob") if "mentioned you" in t]) == 1
    assert len([m for m in mail.outbox if m.to == ["bob@globex.example"]]) == 1


def test_it_refuses_to_mention_someone_who_cannot_read_the_internal_thread(cast: Any) -> None:
    response = post(
        cast, "alice", "a_joint_history", "internal", "@bella look", **{"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "You cannot mention @bella" in page
    assert "Globex" in page and "internal thread" in page
    assert not Comment.objects.exists() and inbox(cast, "bella") == []


def test_it_refuses_to_mention_an_outsider_without_revealing_them(cast: Any) -> None:
    with pytest.raises(services.Refused, match="No one in this alliance goes by @oscar"):
        services.post(
            access(cast, "alice"), "history", cast.records["a_joint_history"], "joint", "@oscar"
        )
    api = cast.api("alice").post(
        f"/api/v1{url(cast, 'a_joint_history').rstrip('/')}",
        json.dumps({"thread": "joint", "body": "hi @oscar@initech.example"}),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert json.loads(api.content)["errors"][0]["field"] == "body"


def test_it_lets_only_the_author_edit_or_delete_and_audits_both(cast: Any) -> None:
    post(cast, "alice", "a_joint_history", "joint", "First words")
    comment = Comment.objects.get()
    edit = f"/alliances/{cast.alliance.pk}/comments/{comment.pk}/edit/"
    assert cast.client("bob").post(edit, {"body": "Hijack"}).status_code == 403
    assert cast.client("alice").post(edit, {"body": "Better words @bella"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Better words @bella" and comment.edited_at is not None
    assert any("mentioned you" in t for t in inbox(cast, "bella"))
    delete = f"/alliances/{cast.alliance.pk}/comments/{comment.pk}/delete/"
    assert cast.client("alice").post(delete, headers={"HX-Request": "true"}).status_code == 200
    assert not Comment.objects.exists()
    actions = list(
        AuditEntry.objects.filter(model="threads.comment")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]
    deleted = AuditEntry.objects.get(model="threads.comment", action="delete")
    assert deleted.before["body"] == "Better words @bella"


def test_it_answers_htmx_with_the_thread_in_place(cast: Any) -> None:
    response = post(cast, "bella", "a_joint_history", "joint", "In place", **{"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="thread card thread-joint"')
    assert "In place" in page and "<html" not in page
