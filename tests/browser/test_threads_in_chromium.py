"""Two people in two browsers: side A mentions a person of side B in a joint thread; B sees
the bell's count and the notification, the email goes out once, and A's internal thread on
the same record never shows in B's browser.

Uses Debian's ``chromium`` on PATH, like test_demo_in_chromium.py; skipped without it.
"""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
]


@pytest.fixture
def browser() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def sign_in(browser: Any, base: str, email: str) -> Any:
    from tests.conftest import PASSWORD

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def test_a_mention_across_the_sides_reaches_b_and_the_internal_thread_does_not(
    transactional_db: Any, cast: Any, live_server: Any, browser: Any
) -> None:
    from django.core import mail

    base = live_server.url
    thread = (
        f"{base}/alliances/{cast.alliance.pk}/threads/history/{cast.records['a_joint_history'].pk}/"
    )
    alice = sign_in(browser, base, "alice@acme.example")
    bob = sign_in(browser, base, "bob@globex.example")
    bob.wait_for_selector("[data-testid=bell-count]")
    assert bob.inner_text("[data-testid=bell-count]").strip() == "0"

    alice.goto(thread)
    alice.fill("#body-internal", "Acme only: our floor is 40 percent")
    alice.click("#thread-internal button[type=submit]")
    alice.wait_for_selector("#thread-internal >> text=our floor is 40 percent")
    alice.fill("#body-joint", "@bob can Globex confirm the launch date?")
    alice.click("#thread-joint button[type=submit]")  # htmx swaps the thread in place
    alice.wait_for_selector("#thread-joint >> text=can Globex confirm the launch date")
    assert alice.url == thread

    bob.reload()
    bob.wait_for_selector("[data-testid=bell-count]")
    assert bob.inner_text("[data-testid=bell-count]").strip() == "1"
    bob.click("[data-testid=bell]")
    bob.wait_for_selector("[data-testid=notification]")
    note = bob.inner_text("[data-testid=notification]")
    assert "mentioned you in the joint thread" in note and "confirm the launch date" in note
    assert [m.to for m in mail.outbox if "mentioned you" in m.body] == [["bob@globex.example"]]

    bob.click("[data-testid=notification] a")
    bob.wait_for_selector("[data-testid=thread-joint]")
    assert re.search(r"/threads/history/\d+/", bob.url)
    body = bob.content()
    assert "can Globex confirm the launch date" in body
    assert "our floor is 40 percent" not in body
    assert "Internal to Globex" in body and "Internal to Acme" not in body
    assert len([m for m in mail.outbox if "mentioned you" in m.body]) == 1  # still once
