"""The overlap relay: a whole exchange through the API with the Python client, after which
the server's database and logs hold no account of either side, and each side's pages and
answers show only what the run's mode allows."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from detente.analysis.overlap import finish, kind_sets, prepare, read_accounts_text, respond
from detente.audit.models import AuditEntry
from detente.conflicts.models import Conflict
from detente.overlap.models import OverlapRun
from tests.conftest import body, call, database_state

ACME_LIST = """name,domain,kind
Zephyrine Mills Inc.,www.zephyrine-mills.example,customer
Quillon Freight Ltd,quillon-freight.example,customer
Brassica Labs GmbH,,opportunity
Marrowfield SA,marrowfield.example,prospect
Oxbow Tinning LLC,,customer
"""
GLOBEX_LIST = """name,domain,kind
ZEPHYRINE MILLS,https://zephyrine-mills.example/,prospect
Brassica Labs,,customer
Halvard Spools,halvard-spools.example,customer
Marrowfield,marrowfield.example,prospect
Peregrin Kilns AG,,opportunity
"""
# Every distinctive word of both lists: none may reach the server.
SECRETS = [
    "zephyrine", "quillon", "brassica", "marrowfield", "oxbow", "halvard", "peregrin",
]  # fmt: skip


def _runs_url(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/overlap/runs{suffix}"


def _exchange(cast: Any, *, reveal: bool) -> tuple[dict[str, Any], Any]:
    """Alice asks with Acme's list, Bob answers with Globex's, Alice finishes: every
    message goes through the API; the lists stay in this function (each side's machine)."""
    alice, bob = cast.api("alice"), cast.api("bob")
    acme = read_accounts_text(ACME_LIST)
    acme_sets, globex_sets = kind_sets(acme), kind_sets(read_accounts_text(GLOBEX_LIST))

    secret, request = prepare(acme_sets, reveal=reveal)
    started = call(alice, "POST", _runs_url(cast), {"request": request})
    assert started.status_code == 201, started.content
    pk = body(started)["id"]

    fetched = body(bob.get(_runs_url(cast, f"/{pk}/request")))
    answered = call(
        bob,
        "POST",
        _runs_url(cast, f"/{pk}/reply"),
        {"reply": respond(globex_sets, fetched, reveal=reveal)},
    )
    assert answered.status_code == 200, answered.content

    overlap = finish(secret, acme_sets, body(alice.get(_runs_url(cast, f"/{pk}/reply"))))
    done = call(alice, "POST", _runs_url(cast, f"/{pk}/result"), {"counts": overlap.counts})
    assert done.status_code == 200, done.content
    return body(done), overlap.shared_names(acme) if overlap.shared is not None else None


@pytest.mark.parametrize("reveal", [False, True])
def test_it_leaves_no_account_of_either_side_in_the_database_or_the_logs(
    cast, caplog, reveal
) -> None:
    caplog.set_level(logging.DEBUG)
    result, shared = _exchange(cast, reveal=reveal)

    assert result["status"] == "done" and result["shared_total"] == 3
    stored = repr(database_state()).lower()
    logged = caplog.text.lower()
    for word in SECRETS:
        assert word not in stored, f"{word} reached the database"
        assert word not in logged, f"{word} reached the logs"
    if reveal:  # the shared list was computed on Acme's side only
        assert shared["customer"]["prospect"] == ["Zephyrine Mills Inc."]
        assert shared["opportunity"]["customer"] == ["Brassica Labs GmbH"]
        assert shared["prospect"]["prospect"] == ["Marrowfield SA"]


def test_it_shows_both_sides_the_counts_by_kind_pair_and_no_account(cast) -> None:
    result, _ = _exchange(cast, reveal=False)
    pairs = {(p["asking_kind"], p["answering_kind"]): p["count"] for p in result["pairs"]}
    assert pairs == {
        ("customer", "prospect"): 1,
        ("opportunity", "customer"): 1,
        ("prospect", "prospect"): 1,
    }

    for who in ("bob", "bella", "rita"):
        seen = body(cast.api(who).get(_runs_url(cast, f"/{result['id']}")))
        assert seen["counts"] == result["counts"] and seen["mode"] == "counts"
        page = cast.client(who).get(
            f"/alliances/{cast.alliance.pk}/conflicts/overlap/{result['id']}/"
        )
        text = page.content.decode().lower()
        assert page.status_code == 200 and "3</strong> of acme" in text
        assert not any(word in text for word in SECRETS)


def test_it_keeps_runs_from_outsiders(cast) -> None:
    result, _ = _exchange(cast, reveal=False)
    for suffix in ("", "/request", "/reply"):
        assert cast.api("oscar").get(_runs_url(cast, f"/{result['id']}{suffix}")).status_code == 404


def test_it_lets_only_the_answering_side_answer_or_decline(cast) -> None:
    secret, request = prepare(kind_sets(read_accounts_text(ACME_LIST)))
    pk = body(call(cast.api("alice"), "POST", _runs_url(cast), {"request": request}))["id"]
    assert call(cast.api("alice"), "POST", _runs_url(cast, f"/{pk}/decline")).status_code == 403
    assert call(cast.api("rita"), "POST", _runs_url(cast, f"/{pk}/decline")).status_code == 403
    declined = call(cast.api("bella"), "POST", _runs_url(cast, f"/{pk}/decline"))
    assert body(declined)["status"] == "declined"
    again = call(cast.api("bob"), "POST", _runs_url(cast, f"/{pk}/decline"))
    assert again.status_code == 422 and "declined" in body(again)["errors"][0]["message"]


def test_it_refuses_a_request_that_is_not_blinded_accounts_naming_the_part(
    cast, nothing_changes
) -> None:
    with nothing_changes():
        bad = call(
            cast.api("alice"),
            "POST",
            _runs_url(cast),
            {"request": {"protocol": "openmined-psi/2", "requests": {"customer": "Zephyrine"}}},
        )
    assert bad.status_code == 422
    assert body(bad)["errors"][0]["field"] == "requests"


def test_it_refuses_a_list_over_the_cap(cast, settings, monkeypatch) -> None:
    monkeypatch.setattr("detente.overlap.services.MAX_ACCOUNTS", 3)
    _, request = prepare(kind_sets(read_accounts_text(ACME_LIST)))
    refused = call(cast.api("alice"), "POST", _runs_url(cast), {"request": request})
    assert refused.status_code == 422 and "at most 3" in body(refused)["errors"][0]["message"]
    assert not OverlapRun.objects.exists()


def test_it_refuses_a_reply_that_reveals_a_counts_run_or_answers_another_list(cast) -> None:
    acme_sets = kind_sets(read_accounts_text(ACME_LIST))
    _, request = prepare(acme_sets)
    pk = body(call(cast.api("alice"), "POST", _runs_url(cast), {"request": request}))["id"]
    _, other_request = prepare(kind_sets(read_accounts_text(GLOBEX_LIST + "Extra Co,,customer\n")))
    wrong = respond(acme_sets, other_request)
    refused = call(cast.api("bob"), "POST", _runs_url(cast, f"/{pk}/reply"), {"reply": wrong})
    assert refused.status_code == 422 and body(refused)["errors"][0]["field"].startswith(
        "responses."
    )


def test_it_refuses_counts_larger_than_the_request(cast) -> None:
    acme_sets = kind_sets(read_accounts_text(ACME_LIST))
    _, request = prepare(acme_sets)
    pk = body(call(cast.api("alice"), "POST", _runs_url(cast), {"request": request}))["id"]
    reply = respond(kind_sets(read_accounts_text(GLOBEX_LIST)), request)
    call(cast.api("bob"), "POST", _runs_url(cast, f"/{pk}/reply"), {"reply": reply})
    counts = {
        k: {t: 0 for t in ("customer", "opportunity", "prospect")}
        for k in ("customer", "opportunity", "prospect")
    }
    counts["customer"]["customer"] = 9
    refused = call(cast.api("alice"), "POST", _runs_url(cast, f"/{pk}/result"), {"counts": counts})
    assert refused.status_code == 422 and body(refused)["errors"][0]["field"] == "counts.customer"


def test_it_logs_each_step_of_a_run_with_sizes_only(cast) -> None:
    result, _ = _exchange(cast, reveal=False)
    entries = AuditEntry.objects.filter(model="overlap.overlaprun", object_id=str(result["id"]))
    assert [e.after["step"] for e in entries.order_by("id")] == ["asked", "answered", "finished"]
    assert entries.first().after["request_sizes"] == {
        "customer": 3,
        "opportunity": 1,
        "prospect": 1,
    }


def test_it_raises_a_customer_ownership_conflict_with_the_counts_as_evidence(cast) -> None:
    result, _ = _exchange(cast, reveal=False)
    page = cast.client("bob").post(
        f"/alliances/{cast.alliance.pk}/conflicts/overlap/{result['id']}/conflict/"
    )
    conflict = Conflict.objects.get()
    assert page.status_code == 302 and conflict.source == "customer_ownership"
    assert conflict.visibility == "joint" and conflict.owner_side == cast.side_b
    assert "1 customers of Acme are prospects of Globex" in conflict.description


def test_it_records_a_rule_of_engagement_as_a_joint_record(cast) -> None:
    created = call(
        cast.api("alice"),
        "POST",
        f"/api/v1/alliances/{cast.alliance.pk}/overlap/rules",
        {"leader": "owner", "handover": "When the partner's rep has met the buyer twice."},
    )
    assert created.status_code == 201 and body(created)["visibility"] == "joint"
    seen = body(cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/overlap"))
    assert seen["rules"][0]["handover"].startswith("When the partner")
    missing = call(
        cast.api("alice"),
        "POST",
        f"/api/v1/alliances/{cast.alliance.pk}/overlap/rules",
        {"leader": "owner"},
    )
    assert missing.status_code == 422 and body(missing)["errors"][0]["field"] == "handover"


def test_it_shows_each_run_in_both_sides_audit_and_activity_without_an_account(cast) -> None:
    result, _ = _exchange(cast, reveal=True)
    for who in ("alice", "bob"):
        for page in ("audit/", "activity/"):
            answer = cast.client(who).get(f"/alliances/{cast.alliance.pk}/{page}")
            text = answer.content.decode().lower()
            assert answer.status_code == 200
            assert not any(word in text for word in SECRETS)
        audit = cast.client(who).get(f"/alliances/{cast.alliance.pk}/audit/").content.decode()
        assert f"Customer overlap run {result['id']}" in audit


def test_it_keeps_only_the_blinded_parts_of_a_message_a_careless_client_padded(cast) -> None:
    """A client that adds its plain list beside the blinded one: the relay keeps the
    protocol's parts only, so the names never reach the server."""
    acme_sets = kind_sets(read_accounts_text(ACME_LIST))
    globex_sets = kind_sets(read_accounts_text(GLOBEX_LIST))
    _, request = prepare(acme_sets)
    padded = {**request, "debug": {"plain": ACME_LIST}}
    started = call(cast.api("alice"), "POST", _runs_url(cast), {"request": padded})
    assert started.status_code == 201, started.content
    pk = body(started)["id"]
    fetched = body(cast.api("bob").get(_runs_url(cast, f"/{pk}/request")))
    reply = {**respond(globex_sets, fetched), "notes": GLOBEX_LIST}
    answered = call(cast.api("bob"), "POST", _runs_url(cast, f"/{pk}/reply"), {"reply": reply})
    assert answered.status_code == 200, answered.content

    stored = repr(database_state()).lower()
    assert not [word for word in SECRETS if word in stored]
