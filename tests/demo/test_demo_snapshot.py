"""The demo builds the same workspace, record for record, as the snapshot taken of it.

The demo's dates are relative to today, so the build runs on a fixed day (time frozen) and
with fresh id sequences; the snapshot is then every row of every detente model, password
hashes and random tokens aside. After a deliberate change to a story, rewrite the snapshot:

    DETENTE_WRITE_DEMO_SNAPSHOT=1 python -m pytest tests/demo/test_demo_snapshot.py

and read its diff before committing it.
"""

from __future__ import annotations

import gzip
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core import serializers

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json.gz")
FROZEN_AT = datetime(2026, 5, 13, 9, 30, tzinfo=UTC)
# Salted or random on every build; everything else must come out the same.
RANDOM_FIELDS = {"password", "nonce"}
# Blinded messages of the customer-overlap exchange: fresh random keys on every build.
RANDOM_BY_MODEL = {"overlap.OverlapRun": {"request", "reply"}}


def _normalised() -> dict[str, list[dict[str, Any]]]:
    out = {}
    for model in apps.get_models():
        if not model.__module__.startswith("detente."):
            continue
        rows = serializers.serialize("python", model.objects.order_by("pk"))
        for row in rows:
            random = RANDOM_FIELDS | RANDOM_BY_MODEL.get(model._meta.label, set())
            for name in random & row["fields"].keys():
                row["fields"][name] = "(random)"
        out[model._meta.label] = json.loads(json.dumps(rows, default=str, sort_keys=True))
    return out


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_demo_is_the_same_workspace_as_its_snapshot(settings) -> None:
    from detente.demo.build import build_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(FROZEN_AT, tick=False):
        build_demo()
        built = _normalised()
    if os.environ.get("DETENTE_WRITE_DEMO_SNAPSHOT"):
        SNAPSHOT.write_bytes(gzip.compress(json.dumps(built, indent=1).encode(), mtime=0))
    expected = json.loads(gzip.decompress(SNAPSHOT.read_bytes()))
    for label in sorted(expected.keys() | built.keys()):
        assert built.get(label) == expected.get(label), f"{label} differs from the snapshot"
