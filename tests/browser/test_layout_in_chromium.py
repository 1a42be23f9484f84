"""The layout at a laptop's 1280 px and a phone's 390 px, measured in headless Chromium.

At 1280 px the stakeholder table fits (Stance whole, every Edit link on screen) and the
alliance tabs keep to one row; at 390 px the tabs fold into a menu that opens without
script, and no page of the flagship alliance scrolls sideways.

With DETENTE_SCREENSHOTS=folder the test also saves a screenshot of the overview,
commitments, health and differences pages per width and side into that folder (the ones in
docs/screenshots/ were taken so).
Uses Debian's ``chromium`` on PATH, like test_demo_in_chromium.py; skipped without it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
FLAGSHIP = "InnovateTech × GlobalConnect network AI"
SIDES = {"a": "maya@innovatetech.example", "b": "raj@globalconnect.example"}
SHOWN = ["Overview", "Commitments", "Health", "Differences"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH: install Debian's chromium package (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo(transactional_db):
    from detente.demo.build import build_demo

    return build_demo(reset=True)


def _signed_in_page(browser, url: str, email: str, width: int, **options):
    from detente.demo.build import DEMO_PASSWORD

    page = browser.new_page(viewport={"width": width, "height": 900}, **options)
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page


def _tabs(page, url: str) -> dict[str, str]:
    page.goto(url + page.get_by_role("link", name=FLAGSHIP).first.get_attribute("href"))
    return dict(
        page.eval_on_selector_all(
            ".alliance-nav a", "els => els.map(e => [e.textContent.trim(), e.href])"
        )
    )


def _sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _save(page, name: str) -> None:
    folder = os.environ.get("DETENTE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        # The top of the page, down to 1,800 px: enough to show the layout, small to keep.
        width, height = page.evaluate("[innerWidth, document.documentElement.scrollHeight]")
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, 1800)}
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True, clip=clip)


def test_at_1280_px_the_stakeholder_table_and_the_tabs_fit(demo, live_server, browser):
    url = live_server.url
    for side, email in SIDES.items():
        page = _signed_in_page(browser, url, email, 1280)
        tabs = _tabs(page, url)
        # The tabs are one row: every tab's top is the first tab's top.
        tops = page.eval_on_selector_all(
            ".alliance-nav a", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, f"the tabs wrap onto {len(set(tops))} rows: {tabs}"
        page.goto(tabs["Overview"])
        table = page.locator("[data-testid=stakeholder-table]")
        # The table fits its card: nothing hidden past the card's edge (Stance whole), so
        # every Edit link is inside the part of the table that shows.
        shown_right = table.evaluate("t => t.parentElement.getBoundingClientRect().right")
        hidden = table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
        assert hidden <= 0, f"the stakeholder table is {hidden} px wider than its card"
        edits = table.locator("a", has_text="Edit")
        assert edits.count() >= 3
        for right in edits.evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
            assert 0 < right <= shown_right
        for label in SHOWN:
            page.goto(tabs[label])
            page.wait_for_load_state("networkidle")
            assert _sideways_overflow(page) <= 0, f"{label} scrolls sideways at 1280 px"
            _save(page, f"1280-{label.lower()}-side-{side}")
        page.close()


def test_at_390_px_the_tabs_are_a_menu_and_nothing_scrolls_sideways(demo, live_server, browser):
    url = live_server.url
    for side, email in SIDES.items():
        # The menu opens without script: the page is loaded with JavaScript off.
        page = _signed_in_page(browser, url, email, 390, java_script_enabled=False)
        tabs = _tabs(page, url)
        menu = page.locator("details.alliance-menu")
        assert menu.is_visible()
        assert not page.locator(".alliance-nav").is_visible()
        assert not menu.locator("a", has_text="Audit").is_visible()
        menu.locator("summary").click()
        assert menu.locator("a", has_text="Audit").is_visible()
        page.close()

        page = _signed_in_page(browser, url, email, 390)
        for label, href in tabs.items():
            page.goto(href)
            page.wait_for_load_state("networkidle")
            assert _sideways_overflow(page) <= 0, f"{label} scrolls sideways at 390 px"
            if label in SHOWN:
                _save(page, f"390-{label.lower()}-side-{side}")
        # The stakeholder map's names and side titles are drawn at a readable size (at least
        # 11 px on screen; the job titles are left to the stakeholder cards below the map).
        page.goto(tabs["Overview"])
        sizes = page.eval_on_selector_all(
            "[data-testid=stakeholder-map] text:not(.sub):not(.sponsor-star)",
            "els => els.map(e => e.getBoundingClientRect().height)",
        )
        assert len(sizes) >= 9 and min(sizes) >= 11, sizes
        page.close()
