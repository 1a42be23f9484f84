"""A brand-new customer's first run, end to end, in two headless Chromium browsers.

Dana (Acme Robotics) is given an account by `detente createuser`, signs in, starts an
alliance with a partner detente has never heard of, invites the partner's manager (Pavel,
Borealis Logistics) by name with a note, and sees the pending invitation. Pavel opens the
emailed link in his own browser, sets his password and lands in the alliance. Both sides
then answer the first health check (one answer a "Don't know"), Dana checks whether a count
KPI can reach its number by a date with the three-field form, and both sides work through a
negotiation round typed in plain words until Pavel accepts the package.

Every step is saved as a screenshot (1280 px wide, a few at 390 px): into a temporary folder,
or, with ``DETENTE_UPDATE_SCREENSHOTS=1``, into docs/screenshots/first-run/ for
docs/first-run.md (so an ordinary run leaves the checkout as it was); and axe-core runs on every page visited: no serious or
critical violation. Uses Debian's ``chromium`` on PATH; skipped without it.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import AXE, CHROMIUM, CHROMIUM_FLAGS, RUN_AXE

DOC_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "first-run"
SHOTS = (
    DOC_SHOTS
    if os.environ.get("DETENTE_UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "detente-first-run-screenshots"
)
WIDE, NARROW, HEIGHT = 1280, 390, 800
DANA, PAVEL = "dana@acme-robotics.example", "pavel@borealis.example"
DANA_PASSWORD, PAVEL_PASSWORD = "first-run-Dana-2026", "first-run-Pavel-2026"
ALLIANCE = "Acme Robotics × Borealis Logistics warehouse pilots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH: install Debian's chromium package (apt-get install chromium)",
    ),
]


class Walk:
    """The two browsers of the story, the screenshots taken and the axe findings."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.found: list[str] = []
        self.shots: list[str] = []
        self.audited: set[str] = set()
        self.pages: list[Any] = []

    def new_page(self) -> Any:
        context = self.browser.new_context(viewport={"width": WIDE, "height": HEIGHT})
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(15_000)
        self.pages.append(page)
        return page

    def step(
        self, page: Any, name: str, *, narrow: bool = False, full: bool = False, at: str = ""
    ) -> None:
        """Screenshot the page (from its top, or from the element ``at``; at 390 px too when
        asked), then run axe-core on it."""
        page.wait_for_load_state("networkidle")
        page.evaluate("document.activeElement && document.activeElement.blur(); scrollTo(0, 0)")
        if at:
            page.locator(at).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)
        self.shots.append(name)
        if narrow:
            page.set_viewport_size({"width": NARROW, "height": HEIGHT})
            page.wait_for_timeout(50)  # one layout pass after the resize, not a wait for data
            if at:
                page.locator(at).first.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(SHOTS / f"{name}-390.png"))
            self.shots.append(f"{name}-390")
            self.audit(page, f"{name} at 390 px")
            page.set_viewport_size({"width": WIDE, "height": HEIGHT})
        self.audit(page, name)

    def audit(self, page: Any, where: str) -> None:
        self.audited.add(where)
        for v in page.evaluate(RUN_AXE):
            if v["impact"] in ("serious", "critical"):
                targets = "\n      ".join(v["targets"][:6])
                self.found.append(
                    f"{where} [{v['impact']}] {v['id']}: {v['help']}\n      {targets}"
                )


def _link_in_mail(to: str, pattern: str) -> str:
    from django.core import mail

    for message in reversed(mail.outbox):
        if to in message.to:
            match = re.search(pattern, message.body)
            if match:
                return match.group(0)
    raise AssertionError(f"no email to {to} with a link like {pattern}")


def _createuser(email: str, name: str, organisation: str, password: str) -> None:
    """What a new customer's operator runs: `detente createuser --email … --organisation …`."""
    from detente.accounts.commands import create_user_interactively

    args = argparse.Namespace(
        email=email,
        name=name,
        organisation=organisation,
        role="admin",
        superuser=False,
        password_stdin=True,
    )
    stdin = sys.stdin
    sys.stdin = io.StringIO(password + "\n")
    try:
        assert create_user_interactively(args) == 0
    finally:
        sys.stdin = stdin


@pytest.fixture
def walk(transactional_db: Any, live_server: Any) -> Any:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        walk = Walk(browser, live_server.url)
        try:
            yield walk
        finally:
            if os.environ.get("DETENTE_FIRST_RUN_DUMP"):  # where a failing walk stood
                for n, page in enumerate(walk.pages):
                    Path(f"{os.environ['DETENTE_FIRST_RUN_DUMP']}-{n}.html").write_text(
                        page.url + "\n" + page.content()
                    )
            browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_a_new_customer_starts_an_alliance_invites_checks_and_agrees_with_the_partner(
    walk: Walk,
) -> None:
    base = walk.base
    _createuser(DANA, "Dana Whitfield", "Acme Robotics", DANA_PASSWORD)

    # 1. Dana signs in and finds an empty portfolio that says what to do.
    dana = walk.new_page()
    dana.goto(base + "/accounts/login/")
    dana.fill("input[name=username]", DANA)
    dana.fill("input[name=password]", DANA_PASSWORD)
    walk.step(dana, "01-sign-in")
    dana.click("button[type=submit]")
    dana.wait_for_url(base + "/")
    dana.get_by_text("You are not in any alliance yet").wait_for()
    walk.step(dana, "02-empty-portfolio", narrow=True)

    # 2. She starts the alliance: her organisation and today are already filled in.
    dana.get_by_role("link", name="New alliance").first.click()
    dana.wait_for_selector("input[name=name]")
    assert dana.input_value("input[name=start_date]") != ""
    dana.fill("input[name=name]", ALLIANCE)
    dana.fill("textarea[name=purpose]", "Pilot Acme's picking robots in three Borealis warehouses.")
    dana.fill("textarea[name=partners]", "Borealis Logistics")
    walk.step(dana, "03-new-alliance-form")
    dana.click("main button[type=submit]")
    dana.wait_for_selector("#onboarding-checklist")
    assert dana.get_attribute("#step-counterparts", "data-done") == "no"
    walk.step(dana, "04-getting-started", narrow=True)
    overview = dana.url

    # 3. She invites Pavel by name, with a note; the invitation is listed as pending.
    dana.click("#step-counterparts a")
    dana.wait_for_selector("input[name=email]")
    assert "Borealis" in dana.locator("select[name=side] option:checked").inner_text()
    dana.fill("input[name=name]", "Pavel Novak")
    dana.fill("input[name=email]", PAVEL)
    dana.select_option("select[name=role]", "manager")
    dana.fill("textarea[name=note]", "Pavel, this is where we will keep the pilot's numbers.")
    walk.step(dana, "05-invite-the-partner")
    dana.get_by_role("button", name="Send invitation").click()
    dana.wait_for_url(overview)
    dana.get_by_text(PAVEL).first.wait_for()
    walk.step(dana, "06-invitation-pending")

    # 4. Pavel opens the emailed link in his own browser and joins.
    pavel = walk.new_page()
    pavel.goto(base + _link_in_mail(PAVEL, r"/accounts/invitation/[^\s/]+/"))
    pavel.wait_for_selector("input[name=password1]")
    pavel.fill("input[name=full_name]", "Pavel Novak")
    pavel.fill("input[name=password1]", PAVEL_PASSWORD)
    pavel.fill("input[name=password2]", PAVEL_PASSWORD)
    walk.step(pavel, "07-partner-accepts", narrow=True)
    pavel.click("main button[type=submit]")
    pavel.get_by_text("Welcome to detente").wait_for()
    assert ALLIANCE in pavel.content()
    walk.step(pavel, "08-partner-lands-in-the-alliance", narrow=True)
    pavel.goto(base + "/")
    pavel.get_by_role("link", name=ALLIANCE).first.wait_for()

    dana.goto(base + "/")
    dana.get_by_role("link", name=ALLIANCE).first.wait_for()
    walk.step(dana, "09-both-sides-see-the-alliance")
    dana.goto(overview)
    dana.wait_for_selector("#onboarding-checklist")
    assert dana.get_attribute("#step-counterparts", "data-done") == "yes"

    # 5. The partner's first page says what is waiting for them (nothing yet but the tabs).
    alliance_id = int(re.search(r"/alliances/(\d+)/", overview).group(1))
    home = f"{base}/alliances/{alliance_id}"

    # 6. Dana sets a shared objective with a count KPI and reports three months of it.
    dana.goto(home + "/objectives/new/")
    dana.wait_for_selector("input[name=title]")
    dana.fill("input[name=title]", "Robots picking in every pilot warehouse")
    dana.select_option("select[name=scope]", "shared")
    choose_joint(dana)
    dana.click("main button[type=submit]")
    dana.wait_for_url(home + "/objectives/")
    dana.goto(home + "/objectives/kpis/new/")
    dana.wait_for_selector("input[name=name]")
    dana.fill("input[name=name]", "Robots installed")
    dana.fill("input[name=metric]", "picking robots installed and running")
    dana.fill("input[name=unit]", "robots")
    dana.select_option("select[name=kind]", label="Cumulative count (adds up over the periods)")
    dana.fill("input[name=target]", "40")
    dana.fill("input[name=deadline]", "2027-06-30")
    dana.select_option("select[name=frequency]", "month")
    walk.step(dana, "10-a-count-kpi")
    submit(dana)
    for period, value in (("2026-09", "3"), ("2026-10", "4"), ("2026-11", "5")):
        dana.goto(home + "/objectives/measurements/new/")
        dana.wait_for_selector("input[name=period]")
        dana.fill("input[name=period]", period)
        dana.fill("input[name=value]", value)
        if dana.locator("select[name=visibility]").count():
            choose_joint(dana)
        submit(dana)
    dana.goto(home + "/objectives/")
    dana.get_by_text("Robots installed").first.wait_for()
    walk.step(dana, "11-objectives-and-kpis")

    # 7. Can we make 40 robots by the end of June? The three-field form answers.
    dana.goto(home + "/goals/")
    dana.get_by_role("link", name="Check realism").first.wait_for()
    walk.step(dana, "12-goal-realism")
    dana.get_by_role("link", name="Check realism").first.click()
    dana.wait_for_selector("input[name=target]")
    assert dana.input_value("input[name=target]") == "40"
    assert "Advanced" in dana.inner_text("main")  # the rest of the form is folded away
    walk.step(dana, "13-can-we-make-this-number", narrow=True)
    dana.get_by_role("button", name="Run and save the check").click()
    dana.wait_for_selector("#probability")
    walk.step(dana, "14-realism-answer", narrow=True)

    # 8. The first health check: Dana opens it and answers, with a "Don't know".
    dana.goto(home + "/health/")
    walk.step(dana, "15-health-empty")
    dana.goto(home + "/health/cycles/new/")
    dana.wait_for_selector("input[name=period]")
    assert dana.input_value("input[name=period]") != ""
    walk.step(dana, "16-first-health-check")
    dana.click("main button[type=submit]")
    dana.wait_for_url(re.compile(r".*/health/cycles/\d+/$"))
    cycle = dana.url
    walk.step(dana, "17-health-check-open")
    answer_survey(walk, dana, cycle, DANA, "Dana Whitfield", "18-survey", dont_know=True)

    pavel.goto(home + "/")
    pavel.wait_for_selector("#waiting-for-you")
    walk.step(pavel, "19-partner-waiting-for-you", narrow=True)
    assert "nobody of Borealis Logistics is asked" in pavel.inner_text("#waiting-for-you")
    answer_survey(walk, pavel, cycle, PAVEL, "Pavel Novak", None, dont_know=False)
    dana.goto(cycle)
    walk.step(dana, "20-answers-so-far")
    assert "results show at 3 answers" in dana.inner_text("main")

    # 9. A negotiation round in plain words, with a constraint in a sentence.
    dana.goto(home + "/negotiation/rounds/new/")
    dana.wait_for_selector("textarea[name=issues]")
    dana.fill("input[name=title]", "Terms of the second pilot phase")
    dana.fill(
        "textarea[name=issues]",
        "Number of sites: 2, 5, 10\nExclusivity: none, regional, global\n"
        "Revenue share: 50/50, 60/40, 70/30",
    )
    dana.fill("textarea[name=constraints]", "if Exclusivity = global then not Number of sites = 2")
    walk.step(dana, "21-a-round-in-plain-words")
    dana.click("main button[type=submit]")
    dana.wait_for_selector("#proposals")
    round_url = dana.url
    walk.step(dana, "22-round-waiting-for-preferences")
    enter_preferences(
        walk,
        dana,
        round_url,
        "23-private-preferences",
        {
            "number_of_sites": ("3", ["0", "0.6", "1"]),
            "exclusivity": ("2", ["0", "0.5", "1"]),
            "revenue_share": ("1", ["1", "0.6", "0"]),
        },
        "0.3",
    )
    enter_preferences(
        walk,
        pavel,
        round_url,
        None,
        {
            "number_of_sites": ("1", ["1", "0.7", "0"]),
            "exclusivity": ("1", ["1", "0.6", "0"]),
            "revenue_share": ("3", ["0", "0.6", "1"]),
        },
        "0.3",
    )
    dana.goto(round_url)
    dana.wait_for_selector("#proposals table.comparison")
    walk.step(dana, "24-proposals", narrow=True, at="#proposals")
    dana.locator("#proposals tbody tr").first.get_by_role("button").click()
    dana.get_by_text("Your side accepted the package").wait_for()
    pavel.goto(round_url)
    pavel.wait_for_selector("#proposals table.comparison")
    pavel.locator("#proposals tbody tr").first.get_by_role("button").click()
    pavel.get_by_text("the package is agreed").wait_for()
    walk.step(pavel, "25-agreed", narrow=True)
    agreed = pavel.inner_text("main")
    assert "Number of sites: 10" in agreed and "number_of_sites" not in agreed

    print("\n".join(walk.found))
    assert walk.found == [], f"{len(walk.found)} serious or critical axe violations"


def answer_survey(
    walk: Walk, page: Any, cycle: str, email: str, name: str, shot: str | None, dont_know: bool
) -> None:
    """Invite oneself to the open health check and answer through the emailed link."""
    page.goto(cycle + "invite/")
    page.wait_for_selector("textarea[name=others]")
    page.fill("textarea[name=others]", f"{name} <{email}>")
    page.click("main button[type=submit]")
    page.wait_for_url(cycle)
    page.goto(walk.base + _link_in_mail(email, r"/health/survey/[^\s/]+/"))
    selects = page.locator("main form select")
    selects.first.wait_for()
    for i in range(selects.count()):
        selects.nth(i).select_option("4" if i else ("" if dont_know else "3"))
    for box in page.locator("main form input[type=number]").all():
        box.fill("85")
    if shot:
        walk.step(page, shot, narrow=True)
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank").first.wait_for()


def enter_preferences(
    walk: Walk,
    page: Any,
    round_url: str,
    shot: str | None,
    prefs: dict[str, tuple[str, list[str]]],
    walk_away: str,
) -> None:
    page.goto(round_url + "preferences/")
    page.wait_for_selector("input[name=walk_away]")
    for issue, (weight, scores) in prefs.items():
        page.fill(f"input[name=weight__{issue}]", weight)
        for index, score in enumerate(scores):
            page.fill(f"input[name=score__{issue}__{index}]", score)
    page.fill("input[name=walk_away]", walk_away)
    if shot:
        walk.step(page, shot)
    page.click("main button[type=submit]")
    page.wait_for_url(round_url)


def choose_joint(page: Any) -> None:
    """Make the record joint: the form shows visibility as a list or as radio buttons."""
    if page.locator("select[name=visibility]").count():
        page.select_option("select[name=visibility]", "joint")
    elif page.locator("input[name=visibility][value=joint]").count():
        page.check("input[name=visibility][value=joint]")


def submit(page: Any, button: str = "main form button[type=submit]") -> None:
    """Send the form and wait for the next page; a form shown again with errors fails here."""
    before = page.url
    page.locator(button).last.click()
    page.wait_for_url(lambda url: url != before)
