"""The overlap pages: the browser side's JSON endpoints relay the same messages as the API,
and the one relaxation of the Content-Security-Policy (WebAssembly) is on the worker only."""

from __future__ import annotations

import json
from typing import Any

from detente.analysis.overlap import finish, kind_sets, prepare, read_accounts_text, respond
from tests.conftest import body, database_state

MINE = (
    "name,domain,kind\nWolframite Assay Ltd,wolframite.example,customer\nTessaract Dyes,,prospect\n"
)
THEIRS = (
    "name,domain,kind\nWOLFRAMITE ASSAY,www.wolframite.example,customer\nUmberly Co,,customer\n"
)


def _post(client: Any, url: str, data: dict) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def _policy(response: Any) -> dict[str, list[str]]:
    parts = (p.split() for p in response.headers["Content-Security-Policy"].split(";") if p.strip())
    return {name: sources for name, *sources in parts}


def test_it_relays_a_whole_exchange_from_the_pages_as_the_browser_does(cast) -> None:
    base = f"/alliances/{cast.alliance.pk}/conflicts/overlap/"
    alice, bob = cast.client("alice"), cast.client("bob")
    mine, theirs = kind_sets(read_accounts_text(MINE)), kind_sets(read_accounts_text(THEIRS))

    secret, request = prepare(mine, reveal=True)
    started = _post(alice, base + "start/", {"request": request})
    assert started.status_code == 200, started.content
    run = body(started)
    assert run["url"] == f"{base}{run['id']}/" and run["mode"] == "list"

    fetched = body(bob.get(f"{base}{run['id']}/request.json"))
    answered = _post(
        bob, f"{base}{run['id']}/answer/", {"reply": respond(theirs, fetched, reveal=True)}
    )
    assert body(answered)["status"] == "answered"

    overlap = finish(secret, mine, body(alice.get(f"{base}{run['id']}/reply.json")))
    assert overlap.shared_names(read_accounts_text(MINE))["customer"]["customer"] == [
        "Wolframite Assay Ltd"
    ]
    done = _post(alice, f"{base}{run['id']}/result/", {"counts": overlap.counts})
    assert body(done)["shared_total"] == 1

    page = bob.get(f"{base}{run['id']}/").content.decode()
    assert "<strong>1</strong> of Acme" in page
    stored = repr(database_state()).lower()
    assert "wolframite" not in stored and "tessaract" not in stored and "umberly" not in stored


def test_it_refuses_a_message_naming_what_is_wrong_on_the_page_endpoints(cast) -> None:
    base = f"/alliances/{cast.alliance.pk}/conflicts/overlap/"
    refused = _post(cast.client("alice"), base + "start/", {"request": {"protocol": "x"}})
    assert refused.status_code == 422
    assert body(refused)["errors"] == [
        {"field": "protocol", "message": "not a message of openmined-psi/2"}
    ]
    garbled = cast.client("alice").post(
        base + "start/", "not json", content_type="application/json"
    )
    assert garbled.status_code == 422 and body(garbled)["errors"][0]["field"] == "request"


def test_it_lets_the_worker_alone_run_webassembly(cast) -> None:
    worker = cast.client("bella").get("/overlap/worker.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    # WebAssembly, and the `new Function` of the library's Emscripten bindings, in the worker
    assert _policy(worker)["script-src"] == ["'self'", "'wasm-unsafe-eval'", "'unsafe-eval'"]
    assert "importScripts(" in worker.content.decode()

    for path in ("", "rules/new/"):
        page = cast.client("alice").get(f"/alliances/{cast.alliance.pk}/conflicts/overlap/{path}")
        assert page.status_code == 200
        assert _policy(page)["script-src"] == ["'self'"]
        assert "unsafe" not in page.headers["Content-Security-Policy"]


def test_it_offers_the_browser_side_only_to_writers(cast) -> None:
    url = f"/alliances/{cast.alliance.pk}/conflicts/overlap/"
    assert 'id="overlap-ask"' in cast.client("bella").get(url).content.decode()
    assert 'id="overlap-ask"' not in cast.client("rita").get(url).content.decode()


def test_it_links_the_overlap_from_the_conflicts_page_without_a_new_tab(cast) -> None:
    page = cast.client("alice").get(f"/alliances/{cast.alliance.pk}/conflicts/").content.decode()
    assert f"/alliances/{cast.alliance.pk}/conflicts/overlap/" in page
    from detente.alliances.navigation import sections

    tabs = sections(cast.alliance.pk, f"/alliances/{cast.alliance.pk}/conflicts/overlap/")
    assert [t["label"] for t in tabs if t["active"]] == ["Conflicts"]
    assert "Customer overlap" not in [t["label"] for t in tabs]
