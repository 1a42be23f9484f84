"""Demo differences registers. Seed 004's list (structures, business models, politics, org
charts, policies, cultures, philosophies, processes, contracts) and seed 001's telecom vs
start-up differences (decision speed, fiscal calendar, how joint ROI is measured)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from detente import audit
from detente.alliances.models import Stakeholder
from detente.differences.models import Difference
from detente.records.models import Alliance


def _day(days: int) -> Any:
    return timezone.localdate() + timedelta(days=days)


def _register(ws: Any, alliance: Alliance, rows: list[tuple]) -> None:
    a, b = list(alliance.sides.order_by("id"))
    people = {s.name: s for s in Stakeholder.objects.filter(alliance=alliance)}
    for (
        keeper,
        category,
        title,
        view_a,
        view_b,
        likelihood,
        impact,
        management,
        owner,
        review,
        *rest,
    ) in rows:
        side = a if keeper == "a" else b
        author = next(
            (
                m.user
                for m in side.organisation.memberships.select_related("user").order_by("-role")
            ),
            None,
        )
        difference = Difference.objects.create(
            alliance=alliance,
            owner_side=side,
            visibility=rest[0] if rest else "joint",
            created_by=author,
            category=category,
            title=title,
            views={str(s.id): v for s, v in ((a, view_a), (b, view_b)) if v},
            likelihood=likelihood,
            impact=impact,
            management=management,
            owner=people.get(owner),
            review_date=_day(review) if review is not None else None,
        )
        audit.log(author, "create", difference, after=audit.snapshot(difference))


def build(ws: Any) -> None:
    """Add this capability's demo records to the workspace ``ws`` (see demo.build)."""
    _register(
        ws,
        ws.alliances["InnovateTech × GlobalConnect network AI"],
        [
            (
                "a",
                "decision_speed",
                "Decision speed: days at the start-up, quarters at the telecom",
                "A product decision takes a week; we ship every two weeks.",
                "Network changes go through architecture board and change control; a quarter is normal.",
                5,
                4,
                "Agree up front which decisions the joint team may take alone; a monthly decision slot with the architecture board.",
                "Raj Menon",
                30,
            ),
            (
                "b",
                "fiscal_calendar",
                "Fiscal calendars do not line up",
                "Our year ends in December; budgets are set in November.",
                "Our fiscal year starts in April; the alliance budget is fixed in February.",
                4,
                3,
                "Budget requests for the joint team go in by January; both finance teams see one shared calendar.",
                "Sofia Lindqvist",
                60,
            ),
            (
                "b",
                "metric_definitions",
                "Joint ROI is measured differently (10% vs 7%)",
                "Network capacity is a sunk cost; we count only incremental costs.",
                "Network capacity is charged at the internal transfer price.",
                5,
                5,
                "One written ROI definition in the agreement's KPI; both finance teams reconcile quarterly before the health check.",
                "Maya Okafor",
                14,
            ),
            (
                "a",
                "structure",
                "A start-up of 120 people and a telecom of 40,000",
                "Everyone can reach the CEO.",
                "The alliance sits four levels below the executive committee.",
                3,
                4,
                "Named counterpart pairs at every level; the sponsors meet each quarter.",
                "Priya Raman",
                90,
            ),
            (
                "a",
                "business_model",
                "Subscription software vs network services",
                "We earn per model licence and per API call.",
                "We earn per connection and per managed service.",
                3,
                3,
                "Revenue-share table agreed per product bundle.",
                "Jonas Weber",
                120,
            ),
            (
                "b",
                "politics",
                "The acquired AI unit competes for the same budget",
                "",
                "The acquired unit reports to the CTO and wants the enterprise accounts.",
                4,
                5,
                "Joint roadmap session with the acquired unit's head before each planning round.",
                "Helen Park",
                21,
            ),
            (
                "a",
                "culture",
                "Move fast vs zero outages",
                "Experiment in production behind flags.",
                "No change without a rollback plan and a maintenance window.",
                3,
                4,
                "Canary regions and shared maintenance windows in the runbook.",
                "Jonas Weber",
                45,
            ),
            (
                "a",
                "policies",
                "Data residency and model-training policies",
                "We train on pooled anonymised telemetry.",
                "Customer telemetry may not leave the country.",
                2,
                5,
                "Training stays in GlobalConnect's regional clusters; legal reviews every new data use.",
                None,
                75,
            ),
            (
                "a",
                "contracts",
                "Our walk-away: quota cuts below 40% of plan",
                "Private: if the production quota falls below 40% of plan we exit.",
                "",
                3,
                5,
                "Prepare the exit-terms checklist before the next steering committee.",
                "Maya Okafor",
                10,
                "private",
            ),
            (
                "b",
                "org_chart",
                "Who leads enterprise accounts after the acquisition",
                "",
                "Private to GlobalConnect: leadership leans to the acquired unit.",
                4,
                4,
                "Decide before proposing any change to lead routing.",
                "Raj Menon",
                20,
                "private",
            ),
        ],
    )
    _register(
        ws,
        ws.alliances["EasyWeGo × SwiftRide driver rollout"],
        [
            (
                "a",
                "metric_definitions",
                "A 'driver' means a sign-up to SwiftRide, a first ride to us",
                "A driver counts once they have given a first ride.",
                "A driver counts at sign-up.",
                5,
                4,
                "The KPI definition says 'first ride'; SwiftRide reports both numbers.",
                "Linh Tran",
                14,
            ),
            (
                "b",
                "decision_speed",
                "HQ wants Cambodia before the Vietnam review",
                "Phase by phase, on evidence.",
                "Regional HQ sets country launches centrally.",
                4,
                4,
                "Phase review date fixed in the agreement; HQ invited to it.",
                "Vanna Chea",
                30,
            ),
            (
                "a",
                "processes",
                "Driver onboarding checks differ by market",
                "Background checks through a local partner.",
                "Our global checklist, done in-house.",
                3,
                3,
                "Shared checklist for Vietnam; review after 1,000 drivers.",
                "Sokha Lim",
                45,
            ),
        ],
    )
    _register(
        ws,
        ws.alliances["Altura × Borealis niche analytics"],
        [
            (
                "a",
                "business_model",
                "Partners in two niches, competitors everywhere else",
                "Cooperate only where neither wins alone.",
                "Every shared customer is a future competitive risk.",
                5,
                5,
                "Written list of the two niches; customer ownership decided per bid before it starts.",
                "She Wang",
                30,
            ),
            (
                "b",
                "contracts",
                "Referral fees from 2024 still unpaid",
                "Backlog caused by our old finance process.",
                "Two referral fees are owed to us.",
                4,
                3,
                "Altura pays the backlog before the relaunch; fees tracked in the commitments ledger.",
                "Tom Keller",
                15,
            ),
            (
                "a",
                "philosophy",
                "Open data-quality toolkit vs proprietary tools",
                "Open-source the shared toolkit.",
                "Keep it proprietary to protect our product.",
                3,
                3,
                "Toolkit stays closed during the relaunch; revisit at the first annual review.",
                "Robert Hale",
                180,
            ),
            (
                "a",
                "politics",
                "Our VP Sales sees the alliance as helping a competitor",
                "Private: Irene Costa will challenge every joint bid.",
                "",
                4,
                4,
                "Bring her into the bid reviews early.",
                "She Wang",
                25,
                "private",
            ),
        ],
    )
    _register(
        ws,
        ws.alliances["Northstar pricing change: Sales × Product"],
        [
            (
                "a",
                "metric_definitions",
                "Attrition measured over different windows",
                "12-month logo attrition.",
                "90-day usage attrition.",
                4,
                4,
                "One definition in the charter's KPI before any pilot.",
                "Ana Ruiz",
                20,
            ),
            (
                "b",
                "philosophy",
                "Revenue first vs customer experience first",
                "Growth pays for everything else.",
                "Attrition erodes growth within a year.",
                4,
                3,
                "Discuss the conditions under which each option wins, not positions.",
                "Ben Adeyemi",
                30,
            ),
        ],
    )
