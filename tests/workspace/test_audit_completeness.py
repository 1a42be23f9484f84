"""Every write leaves exactly one audit row naming who did it and, for a record a side
keeps, that side (docs/security.md, "Audit completeness").

The walk reuses the access matrix (test_access_matrix.py), whose own tests fail when a
page or an API route is missing from it: every page form and API route is there with a
valid body for each role. Here every case that is not a plain read is sent once by each
member of the cast who may write, each in a transaction rolled back afterwards. A request
that changed rows of detente's tables must have added audit entries by that user:
exactly one row per record it created, changed or deleted (a new alliance's sides and a
cascade's children each get theirs), none for a record it left alone, and each naming the
side that keeps the record where a side keeps it. A write route for which no case
changed anything fails the coverage test, unless it is listed below with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from test_access_matrix import API_ROUTES, PAGES, Case

from detente.audit.models import AuditEntry

WRITERS = ("alice", "bob", "bella")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Rows that change without being a change of the workspace: bookkeeping of sign-in and
# tokens, sessions, the audit itself.
IGNORED = {
    "accounts.ApiToken": {"last_used_at"},
    "accounts.User": {"last_login"},
    "health.Alert": {"last_seen_at"},  # a scan that finds an alert again
}
# Delivery logs of alert emails: a record that an email went out, not a change of data.
# Deliveries and read marks are consequences of an audited change (the notice of it, the email
# or webhook call that carries it, what a person has seen), not changes of their own.
IGNORED_MODELS = {
    "health.alertdelivery",
    "notifications.notification",
    "notifications.digestrun",
    "notifications.webhookdelivery",
    "jobs.outgoingemail",
    "jobs.scheduledrun",
    "activity.feedmark",
    # A milestone's reading is the engine's probability recomputed from an audited value.
    "milestones.milestonereading",
    # The incremental scan's fingerprint of what it read (the alerts it writes are audited).
    "health.scanstate",
}
IGNORED_APPS = {"audit", "sessions", "axes", "admin", "contenttypes", "auth", "django_tasks_db"}

# Write routes of the matrix that write nothing for any member of the cast, and why.
NOT_WRITES: dict[str, str] = {
    # The matrix's round has one issue, so no constraint between two issues can be added;
    # adding and removing one is audited in tests/negotiation/test_plain_words.py.
    "negotiation_constraint_add": "the matrix's round has a single issue",
    # The matrix sends no file (it checks access only); the import's writes are audited
    # row by row through the measurement form (tests/objectives/test_import.py).
    "POST /alliances/{alliance_id}/measurements/import": "the matrix sends no file",
    "measurement_import": "the matrix sends no file",
    # The matrix's alliance already has its plan (409); starting one is audited in
    # tests/plans/test_plan_flow.py, as are moving an item and proposing a version.
    "POST /alliances/{alliance_id}/plan": "the matrix's alliance has its plan already",
    "plan_start": "the matrix's alliance has its plan already",
    "POST /alliances/{alliance_id}/plan/items/{pk}/move": "the matrix's item has no neighbour",
    "plan_item_move": "the matrix's item has no neighbour",
    "POST /alliances/{alliance_id}/plan/versions": "the matrix's plan has a version pending",
    "plan_propose": "the matrix's plan has a version pending",
    # The reference-class import needs a file (tests/milestones/test_reference_classes.py).
    "POST /alliances/{alliance_id}/goals/reference/import": "the matrix sends no file",
    "reference_import": "the matrix sends no file",
    # The overlap steps take blinded messages as JSON from the browser's worker; the matrix
    # posts a form (422). Each step's audit row: tests/overlap/test_overlap_relay.py.
    "overlap_start": "the matrix posts no blinded message",
    "overlap_answer": "the matrix posts no blinded message",
    "overlap_result": "the matrix posts no blinded message",
    # Only the named colleague answers a request for approval, and the matrix names Rita, a
    # read-only sponsor; her answer's audit row is checked in tests/approvals.
    "POST /alliances/{alliance_id}/approvals/{pk}/answer": "only Rita, read-only, is named",
    "approval_answer": "only Rita, read-only, is named",
    # Reminders are sent (and stamped) only once a wait is over; the matrix's cycle has none due.
    "POST /alliances/{alliance_id}/health/cycles/{pk}/reminders": "no reminder due",
    "cycle_remind": "no reminder due",
    # The matrix's waiver changes nothing on its draft (the walk found no row changed).
    "agreement_waive": "the matrix's waiver changes nothing",
    # Marks the reader's own notifications read (bookkeeping, like a last sign-in, not
    # audited); the matrix has none unread.
    "conflict_notifications": "nothing unread",
    # Marking the inbox read stamps deliveries (ignored above, like a last sign-in).
    "POST /notifications/read": "marks deliveries read",
    "notification_read_all": "marks deliveries read",
    "notification_read": "marks deliveries read",
    # Engine answers computed on request; nothing is stored.
    "POST /alliances/{alliance_id}/negotiation/rounds/{pk}/improvements": "computes only",
    "POST /alliances/{alliance_id}/negotiation/rounds/{pk}/facilitator/improvements": (
        "computes only"
    ),
}


def state() -> dict[tuple[str, str], dict[str, Any]]:
    """Every row of every detente table by (model, pk), bookkeeping columns left out.
    Many-to-many rows count as a change of the record that holds the field."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("detente.") or config.label in IGNORED_APPS:
            continue
        for model in config.get_models():
            if model._meta.label_lower in IGNORED_MODELS:
                continue
            ignored = IGNORED.get(model._meta.label, set())
            m2m = [f.name for f in model._meta.many_to_many]
            queryset = model.objects.order_by("pk")
            for obj in queryset:
                row = {
                    f.attname: f.value_from_object(obj)
                    for f in model._meta.concrete_fields
                    if f.name not in ignored
                }
                for name in m2m:
                    row[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
                rows[(model._meta.label_lower, str(obj.pk))] = row
    return rows


def changed_records(before: dict, after: dict) -> set[tuple[str, str]]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def own_side(cast: Any, who: str) -> Any:
    return cast.side_b if who in ("bob", "bella") else cast.side_a


def write_cases() -> list[Any]:
    cases = []
    for (method, path), route_cases in API_ROUTES.items():
        if method in WRITE_METHODS:
            for case in route_cases:
                cases.append(pytest.param("api", method, case, id=f"{method} {path} {case.note}"))
    for name, page_cases in PAGES.items():
        for case in page_cases:
            if case.method in WRITE_METHODS:
                cases.append(pytest.param("page", case.method, case, id=f"{name} {case.note}"))
    return cases


def written(cast: Any, kind: str, method: str, case: Case, who: str, call: Callable) -> Any:
    """(response, the records changed, the audit entries added), rolled back. The
    records a case needs are made (by its url and data) before the snapshot."""
    with transaction.atomic():
        client = cast.api(who) if kind == "api" else cast.client(who)
        url = case.url(cast)
        data = case.data(cast, who) if case.data else None
        before = state()
        last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if kind == "api":
            response = call(client, method, url, data)
        else:
            response = client.post(url, data or {})
        changed = changed_records(before, state())
        added = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id"))
        transaction.set_rollback(True)
    return response, changed, added


def kept_by_a_side(entry: AuditEntry) -> bool:
    model = apps.get_model(entry.model)
    return any(f.name == "owner_side" for f in model._meta.get_fields())


@pytest.mark.parametrize("kind, method, case", write_cases())
def test_each_write_leaves_exactly_one_audit_row_naming_the_actor_and_the_side(
    cast: Any, kind: str, method: str, case: Case, call: Callable
) -> None:
    """One row per record the write created, changed or deleted (a new alliance's sides, a
    cascade's children each get theirs), none for a record left alone, each by the user."""
    problems = []
    for who in WRITERS:
        response, changed, added = written(cast, kind, method, case, who, call)
        user = getattr(cast, who)
        status = response.status_code
        audited = [(e.model, e.object_id) for e in added]
        missing = changed - set(audited)
        if missing:
            problems.append(f"{who} ({status}): changed without an audit row: {sorted(missing)}")
        twice = {key for key in audited if audited.count(key) > 1}
        if twice:
            problems.append(f"{who} ({status}): audited twice: {sorted(twice)}")
        untouched = set(audited) - changed
        if untouched:
            problems.append(f"{who} ({status}): audit rows for unchanged {sorted(untouched)}")
        for entry in added:
            if entry.actor_id != user.pk:
                problems.append(f"{who} ({status}): actor {entry.actor_id} on {entry}")
            if kept_by_a_side(entry) and entry.owner_side_id is None:
                problems.append(f"{who} ({status}): no side on {entry}")
    assert problems == [], "\n".join(problems)


def describe(entries: list[AuditEntry]) -> str:
    return "[" + "; ".join(str(e) for e in entries) + "]"


def test_every_write_route_of_the_matrix_writes_for_some_writer(cast: Any, call: Callable) -> None:
    silent = []
    for (method, path), route_cases in API_ROUTES.items():
        if method not in WRITE_METHODS or f"{method} {path}" in NOT_WRITES:
            continue
        if not any(
            bool(written(cast, "api", method, case, who, call)[1])
            for case in route_cases
            for who in WRITERS
        ):
            silent.append(f"{method} {path}")
    for name, page_cases in PAGES.items():
        posts = [c for c in page_cases if c.method in WRITE_METHODS]
        if not posts or name in NOT_WRITES:
            continue
        if not any(
            bool(written(cast, "page", "POST", case, who, call)[1])
            for case in posts
            for who in WRITERS
        ):
            silent.append(name)
    assert silent == [], "\n".join(silent)


def test_deleting_a_private_record_audits_its_children_privately_too(cast: Any) -> None:
    """A ladder step has no visibility of its own: its deletion row takes its conflict's,
    so side B's audit shows nothing of side A's private conflict."""
    from django.utils import timezone

    from detente.conflicts.models import Conflict, LadderStep

    secret = Conflict.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        visibility="private",
        title="Conflict A-PRIVATE",
        source="other",
        kind="initial",
    )
    LadderStep.objects.create(
        conflict=secret, number=1, name="Rung A-PRIVATE", started_at=timezone.now()
    )
    url = f"/api/v1/alliances/{cast.alliance.pk}/conflicts/{secret.pk}"
    assert cast.api("alice").delete(url).status_code == 200
    steps = AuditEntry.objects.filter(model="conflicts.ladderstep", action="delete")
    assert steps.exists() and {e.visibility for e in steps} == {"private"}
    seen_by_b = cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/audit").content
    assert b"A-PRIVATE" not in seen_by_b and b"ladderstep" not in seen_by_b
