"""The relay's steps. Each checks what it can check without a key (the message parses,
sizes fit the cap, the reply answers the request) and writes one audit row that carries
sizes and the step, never the messages themselves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from detente import audit
from detente.analysis.files import InputError
from detente.analysis.overlap import KINDS, check_reply, message_sizes, relayed
from detente.conflicts.models import Conflict
from detente.overlap.models import OverlapRun
from detente.records.visibility import JOINT, AllianceAccess

# Accounts one side may put into one run. A side can probe the other's list with made-up
# accounts; the cap bounds how much one run can probe, and every run is in the audit log.
MAX_ACCOUNTS = 20_000


def _facts(run: OverlapRun, step: str) -> dict[str, Any]:
    return {
        "step": step,
        "reveal": run.reveal,
        "request_sizes": run.request_sizes,
        "answering_side_id": run.answering_side_id,
        "counts": run.counts,
    }


def _other_side(access: AllianceAccess, asking_side_id: int) -> Any:
    others = [s for s in access.sides if s.id != asking_side_id]
    if not others:
        raise InputError("side_id", "this alliance has no other side to compare with")
    return others[0]


@transaction.atomic
def start(access: AllianceAccess, request: Any, side_id: int | None = None) -> OverlapRun:
    """A run asked by ``side_id`` (default: the user's side) of the other side."""
    asking = access.default_side if side_id is None else None
    if side_id is not None:
        asking = next((s for s in access.writable_sides if s.id == side_id), None)
        if asking is None:
            raise InputError("side_id", "you do not write for that side")
    assert asking is not None
    if not access.can_write_on(asking.id):
        raise PermissionDenied("Only a writer of the asking side may start a run.")
    sizes = message_sizes(request)
    if sum(sizes.values()) > MAX_ACCOUNTS:
        raise InputError(
            "request", f"{sum(sizes.values()):,} accounts: at most {MAX_ACCOUNTS:,} in one run"
        )
    if sum(sizes.values()) == 0:
        raise InputError("request", "no accounts: the list is empty")
    run = OverlapRun.objects.create(
        alliance=access.alliance,
        owner_side=asking,
        visibility=JOINT,
        created_by=access.user,
        answering_side=_other_side(access, asking.id),
        reveal=request.get("reveal") is True,
        request=relayed(request, "requests"),
        request_sizes=sizes,
    )
    audit.log(access.user, "create", run, after=_facts(run, "asked"))
    return run


def get_run(access: AllianceAccess, pk: Any) -> OverlapRun:
    return access.get_record(OverlapRun, pk)


def _waiting(run: OverlapRun, status: str, what: str) -> None:
    if run.status != status:
        raise InputError("run", f"this run is {run.status}: it cannot be {what} now")


@transaction.atomic
def answer(access: AllianceAccess, pk: Any, reply: Any) -> OverlapRun:
    run = OverlapRun.objects.select_for_update().get(pk=get_run(access, pk).pk)
    if not access.can_write_on(run.answering_side_id):
        raise PermissionDenied("Only a writer of the answering side may answer.")
    _waiting(run, "asked", "answered")
    check_reply(run.request, reply)
    if (reply.get("reveal") is True) != run.reveal:
        raise InputError("reveal", "the reply must reveal exactly when the run asks to")
    run.reply, run.answered_at = relayed(reply, "setups", "responses"), timezone.now()
    run.save(update_fields=["reply", "answered_at", "updated_at"])
    audit.log(access.user, "update", run, after=_facts(run, "answered"))
    return run


@transaction.atomic
def decline(access: AllianceAccess, pk: Any) -> OverlapRun:
    run = OverlapRun.objects.select_for_update().get(pk=get_run(access, pk).pk)
    if not access.can_write_on(run.answering_side_id):
        raise PermissionDenied("Only a writer of the answering side may decline.")
    _waiting(run, "asked", "declined")
    run.declined_at = timezone.now()
    run.save(update_fields=["declined_at", "updated_at"])
    audit.log(access.user, "update", run, after=_facts(run, "declined"))
    return run


def _checked_counts(run: OverlapRun, counts: Any) -> dict[str, dict[str, int]]:
    if not isinstance(counts, dict) or set(counts) != set(KINDS):
        raise InputError("counts", f"needs one entry for each of {', '.join(KINDS)}")
    checked: dict[str, dict[str, int]] = {}
    for mine in KINDS:
        row = counts[mine]
        if not isinstance(row, dict) or set(row) != set(KINDS):
            raise InputError(f"counts.{mine}", f"needs one count for each of {', '.join(KINDS)}")
        for theirs in KINDS:
            n = row[theirs]
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise InputError(f"counts.{mine}.{theirs}", "not a whole number of accounts")
        if sum(row.values()) > run.request_sizes.get(mine, 0):
            raise InputError(f"counts.{mine}", "more shared accounts than the request held")
        checked[mine] = {theirs: int(row[theirs]) for theirs in KINDS}
    return checked


@transaction.atomic
def finish(access: AllianceAccess, pk: Any, counts: Any) -> OverlapRun:
    """The asking side posts the counts it computed. Only counts: a revealed list stays
    on the asking side's machine."""
    run = OverlapRun.objects.select_for_update().get(pk=get_run(access, pk).pk)
    if not access.can_write_on(run.owner_side_id):
        raise PermissionDenied("Only a writer of the asking side may post the result.")
    _waiting(run, "answered", "finished")
    run.counts, run.finished_at = _checked_counts(run, counts), timezone.now()
    run.save(update_fields=["counts", "finished_at", "updated_at"])
    audit.log(access.user, "update", run, after=_facts(run, "finished"))
    return run


def evidence(run: OverlapRun) -> str:
    """The counts in words, for a conflict's description."""
    assert run.counts is not None
    sides = (str(run.owner_side), str(run.answering_side))
    when = run.finished_at or run.updated_at
    lines = [f"Customer overlap run {run.pk} ({when:%d %b %Y}), {sides[0]} asking:"]
    for mine in KINDS:
        for theirs in KINDS:
            n = run.counts[mine][theirs]
            if n:
                lines.append(f"- {n} {mine}s of {sides[0]} are {theirs}s of {sides[1]}")
    if len(lines) == 1:
        lines.append("- no shared account")
    return "\n".join(lines)


@transaction.atomic
def raise_conflict(access: AllianceAccess, pk: Any) -> Conflict:
    """A joint customer-ownership conflict with the run's counts as its evidence."""
    run = get_run(access, pk)
    if run.counts is None:
        raise Http404("This run has no result yet.")
    side = next((s for s in access.writable_sides), None)
    if side is None:
        raise PermissionDenied("Only writers may raise a conflict.")
    conflict = Conflict.objects.create(
        alliance=access.alliance,
        owner_side=side,
        visibility=JOINT,
        created_by=access.user,
        title=f"Customer ownership: {run.total} shared accounts",
        source=Conflict.Source.CUSTOMER_OWNERSHIP,
        kind=Conflict.Kind.EVOLVING_DIVERGENCE,
        description=evidence(run),
    )
    audit.log(access.user, "create", conflict, after=audit.snapshot(conflict))
    return conflict
