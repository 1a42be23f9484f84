"""Drives headless Chromium through the demo: what a side sees, and the Content-Security-Policy.

Uses Debian's ``chromium`` on PATH (Playwright's own browser download does not work on a
closed network). Skipped, with the reason, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import re
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


# The Content-Security-Policy in a real browser: every main page of the demo loads without
# a policy violation or a console error (a blocked script, style or request shows as both).
REPORT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " in " + e.sourceFile));
"""
UNTIL_REPORTED = """() => new Promise((resolve) => {
  const poll = () => (window.__violations.length ? resolve() : requestAnimationFrame(poll));
  poll();
})"""
# Links to follow from the tabs of an alliance: one page of each kind with a chart or form.
DETAIL_PAGES = [
    r"/objectives/kpis/\d+/$",
    r"/decisions/\d+/$",
    r"/decisions/\d+/guardrails/$",
    r"/negotiation/rounds/\d+/$",
    r"/goals/kpis/\d+/$",
    r"/goals/checks/\d+/$",
    r"/conflicts/\d+/$",
    r"/conflicts/restructuring/\d+/$",
    r"/health/cycles/\d+/$",
    r"/agreement/\d+/$",
    r"/differences/\d+/$",
]


class PageProblems:
    """Console errors, uncaught exceptions and policy violations, page by page."""

    def __init__(self, page):
        self.page, self.found, self.current = page, [], []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", lambda m: self.current.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.current.append(f"uncaught {error}"))

    def visit(self, url: str) -> None:
        self.current.clear()
        response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        assert response is not None and response.status == 200, url
        self.check(url)

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__violations")
        self.found += [f"{where}: {problem}" for problem in [*self.current, *violations]]
        self.current.clear()

    def links(self, pattern: str = r".") -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), location.href).href)"
        )
        return list(dict.fromkeys(h for h in hrefs if re.search(pattern, h)))


def _sign_in(page, url: str, email: str) -> None:
    from detente.demo.build import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def test_the_main_pages_keep_to_the_content_security_policy(demo, live_server, browser_page):
    from detente.negotiation.models import NegotiationRound

    url, page = live_server.url, browser_page
    problems = PageProblems(page)
    # The detector works: a style attribute set from a script is blocked and reported.
    _sign_in(page, url, "maya@innovatetech.example")
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    # (page.wait_for_function would need eval, which the policy forbids: poll in the page.)
    page.evaluate(UNTIL_REPORTED)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    page.evaluate("window.__violations = []")
    problems.current.clear()

    visited = set()
    # One user per demo alliance: the portfolio, every tab of the alliance and one page of
    # each kind linked from the tabs (charts of KPIs, decisions, goals, negotiation, ...).
    for email, alliance in [
        ("maya@innovatetech.example", "InnovateTech × GlobalConnect"),
        ("linh@easywego.example", "EasyWeGo × SwiftRide"),
        ("ana@northstar.example", "Northstar pricing change"),
        ("tom@borealis.example", "Borealis × GlobalConnect"),
    ]:
        _sign_in(page, url, email)
        problems.visit(url + "/")
        problems.visit(url + "/health/portfolio/")
        overview = page.get_by_role("link", name=re.compile(re.escape(alliance))).first
        problems.visit(url + overview.get_attribute("href"))
        tabs = page.eval_on_selector_all(".alliance-nav a", "els => els.map(e => e.href)")
        assert len(tabs) >= 10
        # The tabs, then one page of each kind found on them or on those pages.
        queue, covered = list(tabs), set()
        while queue:
            link = queue.pop(0)
            problems.visit(link)
            visited.add(re.sub(r"\d+", "N", link[len(url) :]))
            for pattern in DETAIL_PAGES:
                found = problems.links(pattern)
                if pattern not in covered and found:
                    covered.add(pattern)
                    queue.append(found[0])

    # The facilitator's frontier chart, as the neutral facilitator sees it.
    _sign_in(page, url, "ines@mediation.example")
    round_ = NegotiationRound.objects.order_by("id").first()
    problems.visit(
        f"{url}/alliances/{round_.alliance_id}/negotiation/rounds/{round_.id}/facilitator/"
    )

    # htmx at work under the policy: filtering the timeline swaps it in place.
    _sign_in(page, url, "maya@innovatetech.example")
    page.get_by_role("link", name=re.compile("InnovateTech × GlobalConnect")).first.click()
    page.wait_for_selector("[data-testid=timeline-entry]")
    entries = page.locator("[data-testid=timeline-entry]").count()
    with page.expect_response(lambda r: "fragment=timeline" in r.url):
        page.select_option("form.filters select[name=kind]", "signal")
    page.wait_for_load_state("networkidle")
    assert 0 < page.locator("[data-testid=timeline-entry]").count() < entries
    assert "kind=signal" in page.url  # hx-push-url
    problems.check("timeline filter")

    for kind in [
        "/objectives/kpis/N/",
        "/decisions/N/",
        "/decisions/N/guardrails/",
        "/goals/checks/N/",
        "/negotiation/rounds/N/",
        "/conflicts/restructuring/N/",
        "/health/",
    ]:
        assert any(v.endswith(kind) for v in visited), kind
    assert problems.found == []


def test_a_delete_asks_first_and_nothing_is_sent_when_declined(demo, live_server, browser_page):
    from detente.commitments.models import Commitment

    page = browser_page
    _sign_in(page, live_server.url, "maya@innovatetech.example")
    page.get_by_role("link", name=re.compile("InnovateTech × GlobalConnect")).first.click()
    page.locator(".alliance-nav a", has_text="Commitments").click()
    page.wait_for_url(re.compile("/commitments/$"))
    before = Commitment.objects.count()
    posts, questions = [], []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    delete = page.locator("form[data-confirm] button", has_text="Delete").first

    # Declined: the form is not sent. Then accepted: it is, once; so the first sent nothing.
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    delete.click()
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        delete.click()
    assert questions == ["Delete this commitment?", "Delete this commitment?"]
    assert len(posts) == 1 and posts[0].endswith("/delete/")
    assert Commitment.objects.count() == before - 1
