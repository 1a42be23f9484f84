"""Drives headless Chromium through the demo as a side-B user.

Uses Debian's ``chromium`` on PATH (Playwright's own browser download does not work on a
closed network). Skipped, with the reason, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH: install Debian's chromium package (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # Playwright runs an event loop in this thread; Django's ORM refuses to run inside one
    # unless told that this (test-only) use is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo(transactional_db):
    from detente.demo.build import build_demo

    return build_demo(reset=True)


def test_a_side_b_user_sees_the_map_but_not_side_a_private_notes(demo, live_server, browser_page):
    from detente.demo.build import DEMO_PASSWORD

    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "raj@globalconnect.example")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    page.click("text=InnovateTech × GlobalConnect network AI")
    page.wait_for_selector("[data-testid=stakeholder-map]")

    # The map is drawn: one column per side, a node per visible stakeholder, counterpart lines.
    nodes = page.locator("[data-testid=stakeholder-map] .stakeholder-node")
    assert nodes.count() >= 7
    assert page.locator("[data-testid=stakeholder-map] .counterpart-link").count() >= 3
    names = nodes.evaluate_all("els => els.map(e => e.dataset.name)")
    assert "Helen Park" in names and "Priya Raman" in names
    # Side B's own private stakeholder is shown to side B...
    assert "Marco Bellini" in names
    # ...but side A's private stakeholder and private notes are not, anywhere on the page.
    body = page.content()
    assert "Leo Brandt" not in body
    assert "Our walk-away point" not in body
    assert "below 40% of plan" not in body
    assert "Replies from GlobalConnect" not in body  # side A's private signal
    assert page.locator("[data-testid=timeline-entry]").count() >= 10
