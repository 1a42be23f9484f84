"""The kinds of record a side may submit for internal approval.

An app whose records go to the partner registers its kind once, from its ``AppConfig.ready``::

    from detente.approvals.registry import ApprovalKind, register

    register(ApprovalKind(
        key="plan_version",
        label="Plan version",
        model=PlanVersion,
        url_name="plan_version",            # reversed with (alliance id, *url_args(record))
        content=lambda v: {"title": v.title, "content": v.content},
    ))

and calls ``detente.approvals.gate.blocking(record, side_id)`` in the service that proposes,
signs or accepts, raising its own refusal with the message it returns. ``content`` is what
the approval covers: when it changes after the approvals, the side must ask again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404


@dataclass(frozen=True)
class ApprovalKind:
    key: str
    label: str
    model: type[Any]
    url_name: str
    content: Callable[[Any], Any]
    describe: Callable[[Any], str] = str
    # The arguments of ``url_name`` after the alliance id (default: the record's id).
    url_args: Callable[[Any], list[Any]] = lambda record: [record.pk]

    def fingerprint(self, record: Any) -> str:
        text = json.dumps(self.content(record), sort_keys=True, cls=DjangoJSONEncoder)
        return hashlib.sha256(text.encode()).hexdigest()


KINDS: dict[str, ApprovalKind] = {}


def register(kind: ApprovalKind) -> None:
    KINDS[kind.key] = kind


def get(key: str) -> ApprovalKind:
    """The kind named ``key`` (404 for a name no app registered)."""
    try:
        return KINDS[key]
    except KeyError:
        raise Http404("No such kind of record to approve.") from None


def kind_of(record: Any) -> ApprovalKind | None:
    return next((k for k in KINDS.values() if isinstance(record, k.model)), None)
