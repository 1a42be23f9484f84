"""Side B never meets side A's private strings in a notification, a thread, a feed, an email
or a webhook payload. The cast's records are named after their owner and visibility, and
here side A also writes "A-PRIVATE" into its internal thread, its private record's thread,
and a mention inside them; everything side B receives is searched for it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from test_webhooks import Receiver, hook

from detente.jobs.models import OutgoingEmail
from detente.notifications.models import WebhookDelivery

SECRET = "A-PRIVATE"
SIDE_B = ("bob", "bella")


@pytest.fixture
def chatter(cast: Any) -> Receiver:
    """Threads on side A's joint and private history entries, a webhook per side."""
    r = Receiver()
    r.thread.start()
    hook(cast, cast.side_b, r.url)
    a = cast.alliance.pk
    joint, private = cast.records["a_joint_history"].pk, cast.records["a_private_history"].pk
    alice, rita = cast.client("alice"), cast.client("rita")
    alice.post(
        f"/alliances/{a}/threads/history/{joint}/", {"thread": "joint", "body": "Hello all @bob"}
    )
    alice.post(
        f"/alliances/{a}/threads/history/{joint}/",
        {"thread": "internal", "body": f"Comment {SECRET}: floor is 40 @rita"},
    )
    rita.post(
        f"/alliances/{a}/threads/history/{private}/",
        {"thread": "internal", "body": f"Thread {SECRET} on our own note @alice"},
    )
    yield r
    r.server.shutdown()
    r.server.server_close()


def pages(cast: Any, who: str) -> str:
    a = cast.alliance.pk
    joint, private = cast.records["a_joint_history"].pk, cast.records["a_private_history"].pk
    client, api = cast.client(who), cast.api(who)
    out = []
    for url in ("/notifications/", "/notifications/bell/", "/activity/", f"/alliances/{a}/activity/",
                f"/alliances/{a}/threads/history/{joint}/",
                f"/alliances/{a}/threads/history/{private}/"):  # fmt: skip
        out.append(client.get(url).content.decode())
    for url in ("/notifications", "/activity", f"/alliances/{a}/activity",
                f"/alliances/{a}/threads/history/{joint}",
                f"/alliances/{a}/threads/history/{private}"):  # fmt: skip
        out.append(api.get("/api/v1" + url).content.decode())
    return "\n".join(out)


@pytest.mark.parametrize("who", SIDE_B)
def test_it_keeps_side_a_private_strings_out_of_everything_side_b_reads(
    cast: Any, chatter: Receiver, who: str
) -> None:
    seen = pages(cast, who)
    assert SECRET not in seen
    assert "Hello all" in seen  # the joint thread is there: the page is not simply empty


def test_it_shows_side_a_its_own_private_threads_and_feed(cast: Any, chatter: Receiver) -> None:
    for who in ("alice", "rita"):
        assert SECRET in pages(cast, who)


def test_it_keeps_side_a_private_strings_out_of_side_b_emails(cast: Any, chatter: Receiver) -> None:
    to_b = [m for m in mail.outbox if set(m.to) & {cast.bob.email, cast.bella.email}]
    assert to_b  # bob was mentioned in the joint thread
    assert not [m for m in to_b if SECRET in m.body + m.subject]
    queued = OutgoingEmail.objects.filter(to__in=[cast.bob.email, cast.bella.email])
    assert not [e for e in queued if SECRET in e.body + e.subject]
    assert [m for m in mail.outbox if SECRET in m.body and m.to == [cast.rita.email]]


def test_it_keeps_side_a_private_strings_out_of_side_b_webhook(
    cast: Any, chatter: Receiver
) -> None:
    assert chatter.calls  # Globex's webhook heard of the joint mention
    assert SECRET not in json.dumps(chatter.payloads())
    stored = WebhookDelivery.objects.filter(webhook__owner_side=cast.side_b)
    assert SECRET not in json.dumps([d.payload for d in stored])
