"""The joint plan, the milestones and the reference class of the demo, in headless Chromium.

As the people of each side: EasyWeGo × SwiftRide's milestones and the 5,000-driver milestone
with its probability chart drawn, a milestone proposed by hand by one side and accepted in
another browser by the other, and the reference class that only the alliance's people open;
InnovateTech × GlobalConnect's numbered V2MOM with its flagged conflict, an item moved in place
(htmx) and the other side seeing neither the private item nor a gap in the numbers;
Northstar's OKRs with the guardrail and a key result's probability. Every page is checked at
1280 and 390 px (nothing scrolls sideways), through axe-core (no serious or critical
violation), for console errors and for Content-Security-Policy violations.

With DETENTE_SCREENSHOTS=folder the pages are saved into that folder at both widths.
Uses Debian's ``chromium`` on PATH; skipped without it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.chromium import AXE, CHROMIUM, CHROMIUM_FLAGS, RUN_AXE
from tests.browser.test_demo_in_chromium import REPORT_VIOLATIONS

ROLLOUT = "EasyWeGo × SwiftRide driver rollout"
FLAGSHIP = "InnovateTech × GlobalConnect network AI"
NORTHSTAR = "Northstar pricing change"
WIDTHS = (1280, 390)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
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
def demo(transactional_db):
    from detente.demo.build import build_demo

    return build_demo(reset=True)


class Person:
    """One signed-in person in a browser context of their own, collecting the console
    errors, uncaught exceptions and policy violations of every page they open."""

    def __init__(self, chromium, url: str, email: str) -> None:
        from detente.demo.build import DEMO_PASSWORD

        self.url, self.email, self.problems = url, email, []
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900})
        self.page = page = self.context.new_page()
        page.add_init_script(path=str(AXE))
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught {error}"))
        page.goto(url + "/accounts/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/")

    def alliance(self, name: str) -> str:
        """The address of the alliance's overview, as found on the portfolio."""
        self.page.goto(self.url + "/")
        return self.url + self.page.get_by_role("link", name=name).first.get_attribute("href")

    def look(self, address: str, name: str) -> str:
        """Open the page at each width: fits, passes axe, no error nor violation. Its text."""
        page = self.page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(address)
            page.wait_for_load_state("networkidle")
            assert response is not None and response.status == 200, address
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
            serious = [
                f"{v['id']}: {v['targets'][:3]}"
                for v in page.evaluate(RUN_AXE)
                if v["impact"] in ("serious", "critical")
            ]
            assert serious == [], f"{name} at {width} px: {serious}"
            self.check(f"{name} at {width} px")
            if folder := os.environ.get("DETENTE_SCREENSHOTS"):
                Path(folder).mkdir(parents=True, exist_ok=True)
                who = self.email.split("@")[0]
                page.screenshot(path=f"{folder}/{name}-{who}-{width}.png", full_page=True)
        return page.inner_text("main")

    def check(self, where: str) -> None:
        found = [*self.problems, *self.page.evaluate("window.__violations")]
        self.problems.clear()
        assert found == [], f"{where}: {found}"

    def close(self) -> None:
        self.context.close()


def _chart_is_drawn(page, selector: str) -> None:
    """The canvas has a size and pixels that are not all blank."""
    page.wait_for_function(
        """(sel) => {
          const c = document.querySelector(sel);
          if (!c || !c.width || !c.height) return false;
          const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
          return inked > 500;
        }""",
        arg=selector,
        polling=100,
    )


def test_both_sides_of_the_rollout_read_the_milestone_chart_and_agree_a_new_milestone(
    demo, live_server, chromium
) -> None:
    url = live_server.url
    linh = Person(chromium, url, "linh@easywego.example")
    dara = Person(chromium, url, "dara@swiftride.example")
    home = linh.alliance(ROLLOUT)
    for person in (linh, dara):
        listing = person.look(home + "goals/milestones/", "milestones")
        assert "Vietnam: 5,000 drivers onboarded in the first quarter" in listing
        person.page.get_by_role("link", name=re.compile("5,000 drivers")).first.click()
        person.page.wait_for_load_state("networkidle")
        detail = person.look(person.page.url, "milestone")
        assert "Agreed" in detail and "Probability over time" in detail
        for width in WIDTHS:
            person.page.set_viewport_size({"width": width, "height": 900})
            _chart_is_drawn(person.page, "#milestone-chart")
        person.check("the milestone chart")
    assert re.search(r"\d+%", detail)

    # Linh proposes a milestone by hand; Dara, in another browser, accepts it for SwiftRide.
    page = linh.page
    page.goto(home + "goals/milestones/new/")
    page.get_by_label("Title").fill("Cambodia: 1,000 drivers onboarded after the review")
    kpi = page.get_by_label("KPI")
    vietnam = next(o for o in kpi.locator("option").all_inner_texts() if "Vietnam" in o)
    kpi.select_option(label=vietnam)
    page.get_by_label("Target").fill("1000")
    page.get_by_label("Start").fill("2027-01-01")
    page.get_by_label("Due by").fill("2027-03-31")
    page.get_by_label("Joint").check()
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_load_state("networkidle")
    assert "Waiting for the other side to accept it." in page.inner_text("main"), page.url
    assert not page.get_by_role("button", name=re.compile("Accept")).count()
    proposed = page.url
    linh.check("the proposal")

    answer = dara.look(proposed, "proposed-milestone")
    assert "Cambodia: 1,000 drivers" in answer
    dara.page.get_by_role("button", name="Accept for SwiftRide").click()
    dara.page.wait_for_load_state("networkidle")
    assert "Milestone agreed by both sides." in dara.page.inner_text("main")
    assert "Accepted by" in linh.look(proposed, "agreed-milestone")

    # The reference class: each organisation reads its own, and nobody outside opens it.
    reference = home + "goals/reference/"
    assert "Reference class of EasyWeGo" in linh.look(reference, "reference")
    theirs = dara.look(reference, "reference")
    assert "Reference class of SwiftRide" in theirs and "Reference class of EasyWeGo" not in theirs
    tom = Person(chromium, url, "tom@borealis.example")
    assert tom.page.goto(reference).status == 404
    for person in (linh, dara, tom):
        person.close()


def test_the_flagship_plan_is_numbered_moves_in_place_and_hides_the_private_items(
    demo, live_server, chromium
) -> None:
    url = live_server.url
    maya = Person(chromium, url, "maya@innovatetech.example")
    raj = Person(chromium, url, "raj@globalconnect.example")
    plan = maya.alliance(FLAGSHIP) + "plan/"
    text = maya.look(plan, "plan")
    assert "pull against" in text or "conflict" in text.lower(), text[:2000]
    methods = maya.page.locator("#plan-method-joint ol.plan-list > li")
    titles = methods.locator("strong").all_inner_texts()
    assert titles[:4] == ["M1", "M2", "M3", "M4"], titles
    assert "Keep two of our engineers" in text  # Maya's own internal item

    # Moving the third method up renumbers it in place: no page load.
    maya.page.evaluate("window.sameDocument = true")
    third = methods.nth(2).inner_text()
    assert "Sell the enterprise offer" in third
    maya.page.get_by_role("button", name="Move M3 up").click()
    maya.page.wait_for_function(
        "() => document.querySelector('#plan-method-joint ol.plan-list > li:nth-child(2)')"
        ".textContent.includes('Sell the enterprise offer')"
    )
    assert maya.page.evaluate("window.sameDocument === true"), "the move loaded a new page"
    assert methods.nth(1).locator("strong").inner_text() == "M2"
    maya.check("the move")

    seen = raj.look(plan, "plan")
    assert "Keep two of our engineers" not in seen and "Keep two of our engineers" not in (
        raj.page.content()
    )
    assert "Ask the acquired unit to wait" in seen  # Raj's own internal item
    numbers = raj.page.locator("#plan-method-joint ol.plan-list > li > strong").all_inner_texts()
    assert numbers == [f"M{n}" for n in range(1, len(numbers) + 1)], numbers
    assert (
        "Sell the enterprise offer"
        in raj.page.locator("#plan-method-joint ol.plan-list > li").nth(1).inner_text()
    )
    maya.close()
    raj.close()


def test_northstar_okrs_show_the_guardrail_and_a_key_result_probability(
    demo, live_server, chromium
) -> None:
    url = live_server.url
    for email in ("ana@northstar.example", "ben@northstar.example"):
        person = Person(chromium, url, email)
        text = person.look(person.alliance(NORTHSTAR) + "plan/", "okr-plan")
        assert "guardrail" in text.lower(), text[:2000]
        assert re.search(r"\d+% chance of making it", text), text[:3000]
        person.close()
