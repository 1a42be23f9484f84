"""Internal approvals and relationship health in headless Chromium, on the demo: as the
people of each side, at a phone's 390 px (nothing scrolls sideways) and through axe-core
(no serious or critical violation). Uses Debian's ``chromium`` on PATH; skipped without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.chromium import AXE, CHROMIUM, CHROMIUM_FLAGS

NORTHSTAR = "Northstar pricing change"
FLAGSHIP = "InnovateTech × GlobalConnect network AI"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
]

SERIOUS_AXE = """async () => (await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  })).violations.filter((v) => ["serious", "critical"].includes(v.impact))
     .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "))"""


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
def demo(transactional_db):
    from detente.demo.build import build_demo

    return build_demo(reset=True)


def _page_of(chromium, url: str, email: str):
    from detente.demo.build import DEMO_PASSWORD

    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.add_init_script(path=str(AXE))
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page


def _check(page, url: str) -> str:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200, url
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} scrolls sideways at 390 px"
    assert page.evaluate(SERIOUS_AXE) == [], url
    folder = os.environ.get("DETENTE_SCREENSHOTS")
    if folder:  # for a person to look at: the top of the page at 390 px
        Path(folder).mkdir(parents=True, exist_ok=True)
        name = url.rstrip("/").split("/", 3)[-1].replace("/", "-")
        page.screenshot(path=str(Path(folder) / f"390-{name}.png"), full_page=True)
    return page.content()


def _alliance(page, url: str, name: str) -> str:
    page.goto(url + "/")
    return url + page.get_by_role("link", name=name).first.get_attribute("href")


def test_the_approval_in_progress_reads_well_for_sales_and_is_invisible_to_product(
    demo, live_server, chromium
) -> None:
    url = live_server.url
    ines = _page_of(chromium, url, "ines@northstar.example")
    home = _alliance(ines, url, NORTHSTAR)
    inbox = _check(ines, home + "approvals/")
    assert "Waiting for your approval" in inbox and "Pricing change charter" in inbox
    ines.get_by_role("link", name="Agreement version: Draft").first.click()
    detail = _check(ines, ines.url)
    assert "Cole Park" in detail and "Your answer" in detail
    ines.get_by_label("Ask for changes").check()
    ines.get_by_label("Comment").fill("The revenue target needs the finance data mart's figure.")
    ines.get_by_role("button", name="Send my answer").click()
    assert "Changes asked" in ines.content()

    ben = _page_of(chromium, url, "ben@northstar.example")
    assert "Pricing change charter" not in _check(ben, home + "approvals/")
    assert "finance data mart" not in ben.content()


def test_relationship_health_shows_the_overdue_check_in_at_390_px(
    demo, live_server, chromium
) -> None:
    url = live_server.url
    for email in ("maya@innovatetech.example", "raj@globalconnect.example"):
        page = _page_of(chromium, url, email)
        health = _check(page, _alliance(page, url, FLAGSHIP) + "stakeholders/relationships/")
        assert "Priya Raman" in health and "overdue" in health
