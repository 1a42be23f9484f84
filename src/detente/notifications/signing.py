"""Webhook signatures: HMAC-SHA256 with the webhook's shared secret over
``"{timestamp}.{body}"``, sent as ``X-Detente-Signature: v1=<hex>`` next to
``X-Detente-Timestamp`` (Unix seconds). A receiver recomputes it, compares in constant
time, and refuses a timestamp more than ``TOLERANCE`` seconds away (a replayed call)."""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float) -> bool:
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - moment) > TOLERANCE:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature)
