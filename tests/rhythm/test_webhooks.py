"""Outgoing webhooks: delivered to a real HTTP receiver on this machine, signed with the
shared secret, retried with back-off after the receiver fails, never delivered twice for
one event, and carrying only what the webhook's side may see."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.utils import timezone

from detente.jobs import delivery
from detente.jobs.tasks import sweep
from detente.notifications.events import Event, publish
from detente.notifications.models import Kind, Webhook, WebhookDelivery
from detente.notifications.signing import verify


class Receiver:
    """An HTTP server in a thread that records every call and fails the first ``fail``."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append({"headers": dict(self.headers), "body": body})
                status = 503 if len(receiver.calls) <= receiver.fail else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(c["body"]) for c in self.calls]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def hook(cast: Any, side: Any, url: str, kinds: list[str] | None = None) -> Webhook:
    return Webhook.objects.create(
        alliance=cast.alliance,
        owner_side=side,
        visibility="private",
        url=url,
        kinds=kinds or [],
        created_by=cast.alice,
    )


def event(cast: Any, key: str, visibility: str = "joint", text: str = "Round opened") -> Event:
    return Event(
        kind=Kind.ROUND,
        key=key,
        text=text,
        url=f"/alliances/{cast.alliance.pk}/",
        alliance_id=cast.alliance.pk,
        visibility=visibility,
        owner_side_id=cast.side_a.pk,
        user_ids=[cast.bob.pk],
    )


def test_it_delivers_a_signed_slack_compatible_payload(cast: Any, receiver: Receiver) -> None:
    webhook = hook(cast, cast.side_b, receiver.url)
    publish(event(cast, "wh:1"))
    assert len(receiver.calls) == 1
    call = receiver.calls[0]
    payload = json.loads(call["body"])
    assert payload["text"].startswith("Round opened") and payload["event"] == "round"
    assert payload["alliance"] == "Acme × Globex" and payload["id"] == "wh:1"
    headers = call["headers"]
    assert headers["X-Detente-Delivery"] == "wh:1"
    # The receiver checks the signature with the shared secret, as docs/notifications.md says.
    assert verify(
        webhook.secret,
        headers["X-Detente-Timestamp"],
        call["body"],
        headers["X-Detente-Signature"],
        now=time.time(),
    )
    assert not verify("wrong secret", headers["X-Detente-Timestamp"], call["body"],
                      headers["X-Detente-Signature"], now=time.time())  # fmt: skip
    assert not verify(
        webhook.secret,
        headers["X-Detente-Timestamp"],
        call["body"] + b" ",
        headers["X-Detente-Signature"],
        now=time.time(),
    )
    stale = time.time() + 3600  # a replay an hour later is refused
    assert not verify(webhook.secret, headers["X-Detente-Timestamp"], call["body"],
                      headers["X-Detente-Signature"], now=stale)  # fmt: skip
    assert WebhookDelivery.objects.get().status == "sent"


def test_it_retries_with_back_off_after_the_receiver_fails(cast: Any, receiver: Receiver) -> None:
    receiver.fail = 2
    hook(cast, cast.side_b, receiver.url)
    publish(event(cast, "wh:retry"))
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, len(receiver.calls)) == ("pending", 1, 1)
    assert "503" in row.last_error
    wait = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= delivery.backoff(1)
    sweep.call()  # not due yet: nothing is sent
    assert len(receiver.calls) == 1
    later = row.next_attempt_at + timedelta(seconds=1)
    for _label, ids in delivery.due(later).items():
        for pk in ids:
            from detente.notifications.tasks import post_webhook

            delivery.attempt(WebhookDelivery, pk, post_webhook, now=later)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at - later == delivery.backoff(2)  # four times longer
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    sweep.call()
    row.refresh_from_db()
    assert (row.status, row.attempts, len(receiver.calls)) == ("sent", 3, 3)
    assert {c["headers"]["X-Detente-Delivery"] for c in receiver.calls} == {"wh:retry"}


def test_it_never_delivers_one_event_twice(cast: Any, receiver: Receiver) -> None:
    hook(cast, cast.side_b, receiver.url)
    publish(event(cast, "wh:once"))
    publish(event(cast, "wh:once"))  # the same event published again
    row = WebhookDelivery.objects.get()
    from detente.notifications.tasks import deliver_webhook

    deliver_webhook.enqueue(row.pk)  # a second job for the same row (a sweep, a lost ack)
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    sweep.call()
    assert len(receiver.calls) == 1


def test_it_gives_up_after_the_last_attempt_and_shows_it(cast: Any, receiver: Receiver) -> None:
    receiver.fail = 100
    hook(cast, cast.side_b, receiver.url)
    publish(event(cast, "wh:down"))
    for _ in range(delivery.MAX_ATTEMPTS):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        sweep.call()
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert len(receiver.calls) == delivery.MAX_ATTEMPTS


def test_a_webhook_carries_only_what_its_side_may_see(cast: Any, receiver: Receiver) -> None:
    hook(cast, cast.side_b, receiver.url)  # Globex's webhook
    publish(event(cast, "wh:secret", visibility="private", text="Walk-away A-PRIVATE"))
    publish(event(cast, "wh:shared", text="Shared A-JOINT"))
    assert [p["id"] for p in receiver.payloads()] == ["wh:shared"]
    assert "A-PRIVATE" not in json.dumps(receiver.payloads())


def test_a_webhook_gets_only_the_kinds_it_asked_for(cast: Any, receiver: Receiver) -> None:
    hook(cast, cast.side_a, receiver.url, kinds=["alert"])
    publish(event(cast, "wh:round"))
    assert receiver.calls == []
