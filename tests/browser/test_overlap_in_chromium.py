"""Two sides in two browsers run a customer overlap: Acme asks for the shared list from its
browser, Globex agrees and answers from its own, Acme's page shows Acme's shared accounts.
The lists are chosen as files and never leave either browser: the server's database holds
none of their names, and the worker compiles WebAssembly under the site's policy without a
console error.

Uses Debian's ``chromium`` on PATH, like test_threads_in_chromium.py; skipped without it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
]

ACME = "name,domain,kind\nVantablack Optics Inc.,vantablack-optics.example,customer\nGossamer Looms,,prospect\nNightjar Ales,,prospect\n"
GLOBEX = "name,domain,kind\nVANTABLACK OPTICS,https://www.vantablack-optics.example/,prospect\nNightjar Ales Ltd,,customer\nZircon Quay,,customer\n"


@pytest.fixture
def chromium_browser() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _signed_in(browser: Any, base: str, email: str, problems: list[str]) -> Any:
    from tests.conftest import PASSWORD

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def test_two_browsers_find_their_shared_accounts_and_the_server_never_sees_a_list(
    transactional_db: Any, cast: Any, live_server: Any, chromium_browser: Any, tmp_path: Any
) -> None:
    from tests.conftest import database_state

    acme_file, globex_file = tmp_path / "acme.csv", tmp_path / "globex.csv"
    acme_file.write_text(ACME)
    globex_file.write_text(GLOBEX)
    base = live_server.url
    home = f"{base}/alliances/{cast.alliance.pk}/conflicts/overlap/"
    problems: list[str] = []
    alice = _signed_in(chromium_browser, base, "alice@acme.example", problems)
    bob = _signed_in(chromium_browser, base, "bob@globex.example", problems)

    alice.goto(home)
    alice.set_input_files("#overlap-ask-file", str(acme_file))
    alice.check("#overlap-ask input[name=reveal]")
    alice.click("#overlap-ask button")
    try:
        alice.wait_for_url(f"{home}*/", timeout=20_000)
    except Exception:
        print("STATUS", alice.inner_text("#overlap-status"), "PROBLEMS", problems)
        raise
    run_url = alice.url
    assert "waiting for Globex to answer" in alice.content()

    bob.goto(run_url)
    bob.set_input_files("#overlap-answer-file", str(globex_file))
    bob.click("#overlap-answer button")
    bob.wait_for_selector("text=waiting for Acme to compute the result", timeout=60_000)

    alice.goto(run_url)
    alice.set_input_files("#overlap-finish-file", str(acme_file))
    alice.click("#overlap-finish button")
    alice.wait_for_selector("#overlap-shared li", timeout=60_000)
    shared = alice.inner_text("#overlap-shared")
    assert "Vantablack Optics Inc." in shared and "Nightjar Ales" in shared
    assert "Gossamer" not in shared and "Zircon" not in shared

    bob.goto(run_url)
    text = bob.content()
    assert "<strong>2</strong> of Acme" in text and "Vantablack" not in text
    stored = repr(database_state()).lower()
    for word in ("vantablack", "gossamer", "nightjar", "zircon"):
        assert word not in stored
    assert problems == []


def test_the_overlap_pages_pass_axe_at_phone_width(
    transactional_db: Any, cast: Any, live_server: Any, chromium_browser: Any
) -> None:
    from detente.analysis.overlap import finish, kind_sets, prepare, read_accounts_text, respond
    from detente.overlap import services
    from detente.records.visibility import get_alliance_access
    from tests.browser.chromium import AXE, RUN_AXE

    a, b = kind_sets(read_accounts_text(ACME)), kind_sets(read_accounts_text(GLOBEX))
    ask = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
    answer = get_alliance_access(cast.bob, cast.alliance.pk, write=True)
    secret, request = prepare(a)
    done = services.start(ask, request)
    services.answer(answer, done.pk, respond(b, request))
    services.finish(
        ask, done.pk, finish(secret, a, services.get_run(ask, done.pk).reply or {}).counts
    )
    waiting = services.start(ask, prepare(a)[1])

    problems: list[str] = []
    base = live_server.url
    overlap = f"{base}/alliances/{cast.alliance.pk}/conflicts/overlap/"
    found = []
    for who, path in (("alice", ""), ("alice", f"{done.pk}/"), ("bob", f"{waiting.pk}/")):
        page = _signed_in(
            chromium_browser,
            base,
            f"{who}@{'acme' if who == 'alice' else 'globex'}.example",
            problems,
        )
        page.add_init_script(path=str(AXE))
        page.goto(overlap + path)
        page.wait_for_load_state("networkidle")
        for v in page.evaluate(RUN_AXE):
            if v["impact"] in ("serious", "critical"):
                found.append(f"{who} {path}: {v['id']} {v['targets'][:3]}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide at 390"
    assert found == [] and problems == []
