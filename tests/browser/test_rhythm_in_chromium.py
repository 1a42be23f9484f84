"""The calendar link and the progress digest of the flagship demo, in headless Chromium at
a phone's 390 px: the settings page shows the link, a fresh browser without any cookie
opens it as a calendar that parses back, and the digest page fits the screen."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar  # type: ignore[import-untyped]

from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS

FLAGSHIP = "InnovateTech × GlobalConnect network AI"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH"),
]


@pytest.fixture
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def flagship_demo(transactional_db):
    from detente.demo.build import build_demo

    return build_demo(reset=True)


def test_a_demo_manager_copies_the_calendar_link_and_reads_the_digest_on_a_phone(
    flagship_demo, live_server, chromium
) -> None:
    from detente.demo.build import DEMO_PASSWORD

    url = live_server.url
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", "raj@globalconnect.example")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    page.goto(url + "/accounts/settings/")
    link = page.locator("[data-testid=calendar-link]").input_value()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # a browser with no cookie at all opens the link
    stranger = chromium.new_context()
    answer = stranger.request.get(url + urlsplit(link).path)
    assert answer.status == 200
    summaries = [str(e.get("SUMMARY")) for e in Calendar.from_ical(answer.body()).walk("VEVENT")]
    assert any("Health-check meeting, this quarter" in s for s in summaries)
    stranger.close()
    page.goto(url + "/")
    page.goto(url + page.get_by_role("link", name=FLAGSHIP).first.get_attribute("href"))
    alliance = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.goto(f"{url}/alliances/{alliance}/meetings/digest/")
    assert page.get_by_role("heading", name="What moved").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    folder = os.environ.get("DETENTE_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/digest-390.png", full_page=True)
        page.goto(url + "/accounts/settings/")
        page.screenshot(path=f"{folder}/settings-390.png", full_page=True)
