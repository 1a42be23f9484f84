"""axe-core in headless Chromium: the login page, the portfolio and every tab of the flagship
demo alliance, as a person of each side, have no serious or critical accessibility violation.

axe-core is vendored under ``vendor/axe-core`` (MPL-2.0, see its README) and given to each
page by Playwright's ``add_init_script``, which the browser runs outside the page's
Content-Security-Policy: the policy stays as strict as it is for everyone else.
Uses Debian's ``chromium`` on PATH, like test_demo_in_chromium.py; skipped without it.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.chromium import AXE, CHROMIUM, CHROMIUM_FLAGS, RUN_AXE

FLAGSHIP = "InnovateTech × GlobalConnect network AI"
SIDE_A, SIDE_B = "maya@innovatetech.example", "raj@globalconnect.example"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH: install Debian's chromium package (apt-get install chromium)",
    ),
]


@pytest.fixture
def axe_page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(path=str(AXE))
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo(transactional_db):
    from detente.demo.build import build_demo

    return build_demo(reset=True)


def _sign_in(page, url: str, email: str) -> None:
    from detente.demo.build import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def _audit(page, url: str, where: str) -> list[str]:
    """The serious and critical violations on the page at url, one line per rule."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200, url
    found = []
    for v in page.evaluate(RUN_AXE):
        if v["impact"] in ("serious", "critical"):
            targets = "\n      ".join(v["targets"][:8])
            more = f" (+{len(v['targets']) - 8} more)" if len(v["targets"]) > 8 else ""
            found.append(f"{where} [{v['impact']}] {v['id']}: {v['help']}{more}\n      {targets}")
    return found


def test_the_login_portfolio_and_every_alliance_tab_pass_axe_for_both_sides(
    demo, live_server, axe_page
):
    url, page = live_server.url, axe_page
    found = _audit(page, url + "/accounts/login/", "login")
    tabs_seen = set()
    for email in (SIDE_A, SIDE_B):
        _sign_in(page, url, email)
        found += _audit(page, url + "/", f"{email} portfolio")
        overview = page.get_by_role("link", name=FLAGSHIP).first.get_attribute("href")
        page.goto(url + overview)
        tabs = page.eval_on_selector_all(
            ".alliance-nav a", "els => els.map(e => [e.textContent.trim(), e.href])"
        )
        assert len(tabs) >= 10
        for label, href in tabs:
            tabs_seen.add(label)
            found += _audit(page, href, f"{email} {label}")
    print("\n\n".join(found))
    assert {"Overview", "Commitments", "Health"} <= tabs_seen
    assert found == [], f"{len(found)} serious or critical axe violations:\n" + "\n".join(found)


def test_the_long_lists_and_their_filter_forms_pass_axe_for_both_sides(demo, live_server, axe_page):
    """The portfolio filtered and sorted by risk, the health portfolio and the alert inbox,
    with their labelled filter forms."""
    url, page = live_server.url, axe_page
    found = []
    for email in (SIDE_A, SIDE_B):
        _sign_in(page, url, email)
        for path in ("/?sort=risk&status=active", "/health/portfolio/?q=a", "/health/alerts/"):
            found += _audit(page, url + path, f"{email} {path}")
    assert found == [], f"{len(found)} serious or critical axe violations:\n" + "\n".join(found)


def test_the_meetings_pages_pass_axe_for_both_sides(demo, live_server, axe_page):
    """The meetings list, a past and an upcoming meeting with their agendas, the cadence and
    the scheduling form of the flagship alliance."""
    url, page = live_server.url, axe_page
    found = []
    for email in (SIDE_A, SIDE_B):
        _sign_in(page, url, email)
        overview = page.get_by_role("link", name=FLAGSHIP).first.get_attribute("href")
        home = f"{url}{overview}meetings/"
        found += _audit(page, home, f"{email} meetings")
        meetings = page.eval_on_selector_all(
            "main a[href*='/meetings/']", "els => els.map(e => e.href)"
        )
        details = [h for h in meetings if re.search(r"/meetings/\d+/$", h)]
        assert details, "the flagship alliance has meetings"
        for href in dict.fromkeys([details[0], details[-1]]):
            found += _audit(page, href, f"{email} meeting {href.rsplit('/', 2)[-2]}")
            assert page.locator("main").inner_text().lower().count("agenda") >= 1
        found += _audit(page, home + "cadence/", f"{email} cadence")
        found += _audit(page, home + "new/", f"{email} schedule a meeting")
    print("\n\n".join(found))
    assert found == [], f"{len(found)} serious or critical axe violations:\n" + "\n".join(found)
