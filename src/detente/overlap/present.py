"""What the overlap pages and their API twins show, read through the visibility rule.

Both sides see every run's status, sizes and counts (the counts are the shared result).
Neither page shows a blinded message; the API hands the request to the answering side
and the reply to the asking side, which need them to compute on their own machines.
"""

from __future__ import annotations

from typing import Any

from detente.analysis.overlap import KINDS
from detente.analysis.overlap.accounts import KIND_WORDS, LEGAL_SUFFIXES
from detente.overlap.models import EngagementRule, OverlapRun
from detente.overlap.services import MAX_ACCOUNTS
from detente.records.visibility import AllianceAccess

STATUS_WORDS = {
    "asked": "waiting for {answering} to answer",
    "answered": "answered; waiting for {asking} to compute the result",
    "done": "done",
    "declined": "declined by {answering}",
}


def run_summary(access: AllianceAccess, run: OverlapRun) -> dict[str, Any]:
    asking, answering = str(run.owner_side), str(run.answering_side)
    rows = []
    if run.counts is not None:
        rows = [
            {"asking_kind": mine, "answering_kind": theirs, "count": run.counts[mine][theirs]}
            for mine in KINDS
            for theirs in KINDS
            if run.counts[mine][theirs]
        ]
    return {
        "id": run.pk,
        "asking_side_id": run.owner_side_id,
        "asking_side": asking,
        "answering_side_id": run.answering_side_id,
        "answering_side": answering,
        "mode": "list" if run.reveal else "counts",
        "status": run.status,
        "status_text": STATUS_WORDS[run.status].format(asking=asking, answering=answering),
        "asked_at": run.created_at,
        "answered_at": run.answered_at,
        "finished_at": run.finished_at,
        "asking_sizes": run.request_sizes,
        "asking_total": sum(run.request_sizes.values()),
        "counts": run.counts,
        "shared_total": run.total,
        "pairs": rows,
        "i_ask": run.owner_side_id in access.roles,
        "i_answer": run.answering_side_id in access.roles,
        "can_answer": run.status == "asked" and access.can_write_on(run.answering_side_id),
        "can_finish": run.status == "answered" and access.can_write_on(run.owner_side_id),
    }


def rule_summary(rule: EngagementRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "title": rule.title,
        "kept_by": str(rule.owner_side),
        "visibility": rule.visibility,
        "leader": rule.leader,
        "leader_text": rule.get_leader_display(),
        "handover": rule.handover,
        "run_id": rule.run_id,
    }


def browser_config() -> dict[str, Any]:
    """What the browser's normalisation needs from the Python one, so both build the same
    keys: the legal forms stripped from names and the words read as kinds."""
    return {"suffixes": list(LEGAL_SUFFIXES), "kinds": dict(KIND_WORDS)}


def home(access: AllianceAccess) -> dict[str, Any]:
    runs = access.records(OverlapRun).select_related("owner_side", "answering_side")
    rules = access.records(EngagementRule).select_related("owner_side")
    return {
        "runs": [run_summary(access, r) for r in runs],
        "rules": [rule_summary(r) for r in rules],
        "max_accounts": MAX_ACCOUNTS,
        "kinds": list(KINDS),
    }


def run(access: AllianceAccess, pk: Any) -> dict[str, Any]:
    record = access.get_record(OverlapRun, pk)
    return run_summary(access, record)
