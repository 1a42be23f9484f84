"""The vision and ideas page of the flagship on a phone's 390 px, in headless Chromium: it
does not scroll sideways, and a vote changes the idea's count in place (htmx), without a
page load. Uses Debian's ``chromium`` on PATH, like tests/browser; skipped without it.
With DETENTE_SCREENSHOTS=folder it saves the page per side into that folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.chromium import AXE, CHROMIUM, CHROMIUM_FLAGS, RUN_AXE

FLAGSHIP = "InnovateTech × GlobalConnect network AI"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
]


@pytest.fixture
def phone():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.mark.parametrize("email", ["maya@innovatetech.example", "raj@globalconnect.example"])
def test_the_vision_page_fits_a_phone_and_votes_in_place(
    transactional_db: None, live_server: object, phone: object, email: str
) -> None:
    from detente.demo.build import DEMO_PASSWORD, build_demo
    from detente.records.models import Alliance

    build_demo(reset=True)
    url = live_server.url  # type: ignore[attr-defined]
    page = phone.new_page(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    page.add_init_script(path=str(AXE))
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    alliance = Alliance.objects.get(name=FLAGSHIP)
    page.goto(f"{url}/alliances/{alliance.pk}/negotiation/vision/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert "premium layer" in page.inner_text("main")
    assert _serious(page.evaluate(RUN_AXE)) == []
    if folder := os.environ.get("DETENTE_SCREENSHOTS"):
        side = email.split("@")[1].split(".")[0]
        page.screenshot(path=str(Path(folder) / f"vision-390-{side}.png"), full_page=True)

    # The shared benchmark: 1 for (maya), 1 against (raj). Maya pressing 'for' again takes
    # her vote back (-1); raj pressing 'for' turns his vote round (+2).
    row = "ol.ideas > li:has-text('shared benchmark')"
    assert page.inner_text(f"{row} .score") == "0"
    row_id = page.get_attribute(row, "id")
    page.evaluate("window.sameDocument = true")
    page.click(f"{row} button[aria-label^='Vote for']")
    expected = "-1" if email.startswith("maya") else "2"
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel)?.textContent.trim() === want",
        arg=[f"#{row_id} .score", expected],
    )
    assert page.evaluate("window.sameDocument === true"), "the vote loaded a new page"

    page.click("summary:has-text('History')")
    page.click("a:has-text('Version 2')")
    page.wait_for_selector("p.vision-diff ins")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert _serious(page.evaluate(RUN_AXE)) == []


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']}: {v['targets'][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
