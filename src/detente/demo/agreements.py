"""Demo agreements: every demo alliance gets a structured agreement from the seeds' stories.

InnovateTech × GlobalConnect (seed 001) has the full history: the integration charter,
its production amendment (in force, signed by both sides), the modular partnership proposed
after GlobalConnect's acquisition (signed by InnovateTech, waiting for GlobalConnect), and a
private GlobalConnect counter-draft.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from django.utils import timezone

from detente.agreements import services
from detente.agreements.models import AgreementVersion, Signature
from detente.records.models import Alliance, Side
from detente.records.visibility import get_alliance_access


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _moment(days_ago: int) -> Any:
    return timezone.now() - timedelta(days=days_ago)


def _sides(alliance: Alliance) -> tuple[Side, Side]:
    a, b = list(alliance.sides.order_by("id"))
    return a, b


def _ladder(*rungs: tuple[str, str, int | None]) -> list[dict[str, Any]]:
    return [
        {"key": f"l{i}", "step": i, "name": name, "owner": owner, "days": days}
        for i, (name, owner, days) in enumerate(rungs, start=1)
    ]


def _history(
    ws: Any,
    alliance: Alliance,
    versions: list[dict[str, Any]],
) -> list[AgreementVersion]:
    """Create the versions in order; each dict gives author, side, content and its fate."""
    made: list[AgreementVersion] = []
    for v in versions:
        author = ws.users[v["author"]]
        access = get_alliance_access(author, alliance.pk, write=True)
        draft = services.create_draft(
            access,
            owner_side=v["side"],
            title=v["title"],
            summary=v.get("summary", ""),
            visibility=v.get("visibility", "joint"),
            based_on=made[-1] if made and v.get("based_on_previous", True) else None,
        )
        draft = services.update_draft(access, draft, parts=v["content"])
        for code, reason in v.get("waivers", []):
            services.waive(access, draft, code, reason)
        if v.get("waive_all"):
            for gap in services.open_gaps(draft, access.sides):
                services.waive(access, draft, gap.code, v["waive_all"])
        AgreementVersion.objects.filter(pk=draft.pk).update(created_at=_moment(v["days_ago"]))
        if v.get("propose"):
            services.propose(access, draft)
            AgreementVersion.objects.filter(pk=draft.pk).update(proposed_at=_moment(v["days_ago"]))
            for email, side, days_ago in v.get("signatures", []):
                signer = get_alliance_access(ws.users[email], alliance.pk, write=True)
                services.sign(signer, draft, side)
                Signature.objects.filter(version=draft, side=side).update(
                    signed_at=_moment(days_ago)
                )
                draft.refresh_from_db()
                if draft.status == AgreementVersion.Status.IN_FORCE:
                    AgreementVersion.objects.filter(pk=draft.pk).update(
                        in_force_at=_moment(days_ago)
                    )
                    AgreementVersion.objects.filter(
                        alliance=alliance,
                        status=AgreementVersion.Status.SUPERSEDED,
                        ended_at__gt=_moment(days_ago),
                    ).update(ended_at=_moment(days_ago))
        draft.refresh_from_db()
        made.append(draft)
    return made


def _network_ai(ws: Any) -> None:
    alliance = ws.alliances["InnovateTech × GlobalConnect network AI"]
    it, gc = _sides(alliance)
    a, b = str(it.id), str(gc.id)
    charter = {
        "objectives": [
            {
                "key": "orev",
                "title": "Joint revenue from AI-enabled network services",
                "side": "",
                "description": "Sell the joint anomaly-detection module to GlobalConnect's enterprise customers.",
            },
            {
                "key": "oreach",
                "title": "Market penetration for InnovateTech's AI",
                "side": a,
                "description": "Reach carrier-scale traffic and reference customers.",
            },
            {
                "key": "omodern",
                "title": "Modernise GlobalConnect's network operations",
                "side": b,
                "description": "Cut incident triage time across the core network.",
            },
        ],
        "kpis": [
            {
                "key": "krev",
                "objective": "orev",
                "metric": "Joint revenue",
                "unit": "EUR",
                "direction": "higher",
                "target": "12000000",
                "deadline": _day(240),
                "definition": "Invoiced revenue from contracts that include the joint module, net of credits.",
            },
            {
                "key": "kroi",
                "objective": "orev",
                "metric": "Joint project ROI",
                "unit": "%",
                "direction": "higher",
                "target": "12",
                "deadline": _day(240),
                "definition": "(Joint revenue − joint costs) ÷ joint costs, per quarter.",
            },
            {
                "key": "kref",
                "objective": "oreach",
                "metric": "Enterprise reference customers",
                "unit": "customers",
                "direction": "higher",
                "target": "15",
                "deadline": _day(240),
                "definition": "Customers who agree to be named in joint marketing.",
            },
            {
                "key": "kreg",
                "objective": "omodern",
                "metric": "Metro regions live",
                "unit": "regions",
                "direction": "higher",
                "target": "12",
                "deadline": _day(120),
                "definition": "Regions where the module runs on production traffic.",
            },
            {
                "key": "ktri",
                "objective": "omodern",
                "metric": "Median incident triage time",
                "unit": "minutes",
                "direction": "lower",
                "target": "40",
                "deadline": _day(120),
                "definition": "From first alarm to assigned root cause, network operations centre log.",
            },
        ],
        "scope": [
            {
                "key": "sin1",
                "kind": "in",
                "item": "AI anomaly detection across GlobalConnect's core network",
                "notes": "",
            },
            {
                "key": "sin2",
                "kind": "in",
                "item": "Joint go-to-market to enterprise customers",
                "notes": "Co-selling, shared pipeline reviews.",
            },
            {"key": "sout1", "kind": "out", "item": "Consumer mobile products", "notes": ""},
            {
                "key": "sout2",
                "kind": "out",
                "item": "GlobalConnect's internal IT systems",
                "notes": "",
            },
        ],
        "scope_change": {
            "process": "Either alliance manager files a written change request; the joint working team assesses cost and impact.",
            "approver": "Joint steering committee",
            "days": 30,
        },
        "decisions": [
            {
                "key": "droad",
                "topic": "Roadmap of the joint module",
                "decider": "Joint steering committee",
                "rule": "Unanimous",
            },
            {
                "key": "ddeploy",
                "topic": "Network deployment schedule",
                "decider": "GlobalConnect",
                "rule": "After consulting InnovateTech",
            },
            {
                "key": "dmodel",
                "topic": "Model architecture and training data",
                "decider": "InnovateTech",
                "rule": "Within GlobalConnect's data policies",
            },
            {
                "key": "dprice",
                "topic": "Enterprise bundle pricing",
                "decider": "Joint steering committee",
                "rule": "Unanimous",
            },
        ],
        "stalemate": {
            "process": "The alliance managers write a one-page options paper; the executive sponsors decide in a joint meeting.",
            "days": 20,
        },
        "resources": [
            {
                "key": "rit1",
                "side": a,
                "kind": "people",
                "description": "Machine-learning engineers on the joint team",
                "amount": "8",
                "unit": "FTE",
                "per": "year",
                "start": "",
                "end": "",
            },
            {
                "key": "rit2",
                "side": a,
                "kind": "technology",
                "description": "AI platform licences for GlobalConnect",
                "amount": "1",
                "unit": "enterprise licence",
                "per": "year",
                "start": "",
                "end": "",
            },
            {
                "key": "rgc1",
                "side": b,
                "kind": "money",
                "description": "Integration budget",
                "amount": "4000000",
                "unit": "EUR",
                "per": "year",
                "start": "",
                "end": "",
            },
            {
                "key": "rgc2",
                "side": b,
                "kind": "people",
                "description": "Network engineers on the joint team",
                "amount": "5",
                "unit": "FTE",
                "per": "year",
                "start": "",
                "end": "",
            },
        ],
        "ladder": _ladder(
            ("Working team", "Integration leads (Jonas Weber, Sofia Lindqvist)", 10),
            ("Alliance managers", "Maya Okafor and Raj Menon", 15),
            ("Executive sponsors", "Priya Raman and Helen Park", 30),
            ("Mediation", "Mediator named in advance", 45),
            ("Arbitration", "Arbitral tribunal, ICC rules", 120),
        ),
        "exit": {
            "notice_days": 180,
            "triggers": [
                "Change of control of either side",
                "A side misses its resource commitments for two quarters in a row",
            ],
            "customers": "Enterprise customers stay with GlobalConnect; InnovateTech supports them for 12 months after exit.",
            "assets": "Jointly trained models licensed to both sides; each side keeps its own background IP.",
        },
    }
    amendment = copy.deepcopy(charter)
    amendment["resources"].append(
        {
            "key": "rgc3",
            "side": b,
            "kind": "technology",
            "description": "Production API quota for the joint module",
            "amount": "50000000",
            "unit": "API calls",
            "per": "month",
            "start": "",
            "end": "",
        }
    )
    amendment["kpis"][3]["target"] = "20"
    amendment["decisions"].append(
        {
            "key": "dquota",
            "topic": "Allocation of the production API quota",
            "decider": "GlobalConnect",
            "rule": "Within the committed quota",
        }
    )

    modular = copy.deepcopy(amendment)
    modular["objectives"][0].update(
        title="Joint revenue from the premium AI layer",
        description="InnovateTech's specialised AI as a premium module for GlobalConnect's top-tier enterprise clients.",
    )
    modular["objectives"][2].update(
        title="Deploy AI across GlobalConnect's whole infrastructure",
        description="With GlobalConnect's in-house platform; InnovateTech's modules plug in where they add most.",
    )
    modular["objectives"].append(
        {
            "key": "oniche",
            "title": "Co-develop niche AI applications",
            "side": "",
            "description": "",
        }
    )
    modular["kpis"][0].update(
        target="14400000",
        deadline=_day(540),
        definition="Invoiced revenue from top-tier enterprise contracts that include the premium layer, net of credits.",
    )
    modular["kpis"].append(
        {
            "key": "kniche",
            "objective": "oniche",
            "metric": "Niche applications launched",
            "unit": "applications",
            "direction": "higher",
            "target": "3",
            "deadline": _day(540),
            "definition": "Generally available, with at least one paying customer.",
        }
    )
    modular["scope"] = [s for s in modular["scope"] if s["key"] != "sin1"]
    modular["scope"].insert(
        0,
        {
            "key": "sin3",
            "kind": "in",
            "item": "Premium AI layer for top-tier enterprise clients",
            "notes": "Modular: each client opts in.",
        },
    )
    modular["scope"].append(
        {
            "key": "sout3",
            "kind": "out",
            "item": "General network AI (GlobalConnect's in-house platform)",
            "notes": "",
        }
    )
    for r in modular["resources"]:
        if r["key"] == "rgc2":
            r["amount"] = "3"
        if r["key"] == "rgc3":
            r["amount"] = "30000000"
    modular["exit"]["triggers"].append(
        "GlobalConnect routes top-tier enterprise leads to its in-house AI unit"
    )

    counter = copy.deepcopy(amendment)
    counter["decisions"].append(
        {
            "key": "dlead",
            "topic": "Routing of enterprise leads",
            "decider": "GlobalConnect",
            "rule": "Sales leadership decides account by account",
        }
    )

    maya, raj = "maya@innovatetech.example", "raj@globalconnect.example"
    _history(
        ws,
        alliance,
        [
            {
                "author": maya,
                "side": it,
                "title": "Network AI integration charter",
                "summary": "The original charter: full integration of InnovateTech's AI into the core network.",
                "content": charter,
                "days_ago": 410,
                "propose": True,
                "signatures": [(maya, it, 402), (raj, gc, 400)],
            },
            {
                "author": raj,
                "side": gc,
                "title": "Production rollout amendment",
                "summary": "Adds the production API quota and raises the regions target.",
                "content": amendment,
                "days_ago": 215,
                "propose": True,
                "signatures": [(raj, gc, 205), (maya, it, 200)],
            },
            {
                "author": maya,
                "side": it,
                "title": "Modular partnership: premium AI layer",
                "summary": "After GlobalConnect's acquisition: a premium layer for top-tier clients and co-developed niche applications, instead of full integration.",
                "content": modular,
                "days_ago": 12,
                "propose": True,
                "signatures": [(maya, it, 10)],
            },
        ],
    )
    _history(
        ws,
        alliance,
        [
            {
                "author": raj,
                "side": gc,
                "title": "Counter-draft: lead routing",
                "summary": "Private to GlobalConnect while leadership decides who leads enterprise accounts.",
                "content": counter,
                "days_ago": 6,
                "visibility": "private",
                "based_on_previous": False,
            }
        ],
    )


def _ride_hailing(ws: Any) -> None:
    alliance = ws.alliances["EasyWeGo × SwiftRide driver rollout"]
    ew, sr = _sides(alliance)
    a, b = str(ew.id), str(sr.id)
    phased = {
        "objectives": [
            {
                "key": "odrivers",
                "title": "Drivers on the platform in Vietnam",
                "side": "",
                "description": "Phase 1: Vietnam. Cambodia only after the phase review.",
            },
            {
                "key": "orides",
                "title": "Rides booked by EasyWeGo travellers",
                "side": a,
                "description": "",
            },
            {
                "key": "ocambodia",
                "title": "Launch in Cambodia",
                "side": b,
                "description": "Phase 2, after the Vietnam review.",
            },
        ],
        "kpis": [
            {
                "key": "kdrv",
                "objective": "odrivers",
                "metric": "Drivers onboarded",
                "unit": "drivers",
                "direction": "higher",
                "target": "5000",
                "deadline": _day(20),
                "definition": "Drivers who completed onboarding and gave a first ride.",
            },
            {
                "key": "krides",
                "objective": "orides",
                "metric": "Rides booked through EasyWeGo",
                "unit": "rides per month",
                "direction": "higher",
                "target": "60000",
                "deadline": _day(110),
                "definition": "Completed rides booked in the EasyWeGo app.",
            },
            {
                "key": "kcam",
                "objective": "ocambodia",
                "metric": "Cities live in Cambodia",
                "unit": "cities",
                "direction": "higher",
                "target": "2",
                "deadline": _day(290),
                "definition": "Cities with at least 300 active drivers.",
            },
        ],
        "scope": [
            {"key": "s1", "kind": "in", "item": "Ho Chi Minh City and Hanoi", "notes": ""},
            {
                "key": "s2",
                "kind": "in",
                "item": "Driver onboarding and in-app booking",
                "notes": "",
            },
            {
                "key": "s3",
                "kind": "out",
                "item": "Cambodia, until the Vietnam phase review",
                "notes": "",
            },
        ],
        "scope_change": {
            "process": "Phase review after each milestone; a new phase needs a written plan with the activity it requires.",
            "approver": "Both founders",
            "days": 21,
        },
        "decisions": [
            {
                "key": "d1",
                "topic": "Start of a new country phase",
                "decider": "Both sides",
                "rule": "Unanimous, after the phase review",
            },
            {
                "key": "d2",
                "topic": "Driver incentives",
                "decider": "SwiftRide",
                "rule": "Within the agreed budget",
            },
        ],
        "stalemate": {
            "process": "Founders meet in person; if still split, the current phase continues unchanged.",
            "days": 14,
        },
        "resources": [
            {
                "key": "r1",
                "side": a,
                "kind": "money",
                "description": "Traveller marketing",
                "amount": "300000",
                "unit": "USD",
                "per": "quarter",
                "start": "",
                "end": "",
            },
            {
                "key": "r2",
                "side": b,
                "kind": "people",
                "description": "Driver onboarding staff",
                "amount": "25",
                "unit": "FTE",
                "per": "quarter",
                "start": "",
                "end": "",
            },
            {
                "key": "r3",
                "side": b,
                "kind": "money",
                "description": "Driver incentives",
                "amount": "450000",
                "unit": "USD",
                "per": "quarter",
                "start": "",
                "end": "",
            },
        ],
        "ladder": _ladder(
            ("Operations leads", "Sokha Lim and EasyWeGo operations", 7),
            ("Partnership leads", "Linh Tran and Dara Sok", 14),
            ("Founders and regional VP", "Quang Nguyen and Vanna Chea", 21),
            ("Mediation", "Singapore mediation centre", 45),
        ),
        "exit": {
            "notice_days": 90,
            "triggers": ["Fewer than 40% of the driver milestone two quarters running"],
            "customers": "Travellers keep their bookings; each side keeps its own customers.",
            "assets": "Each side keeps its own data; shared booking data deleted after 12 months.",
        },
    }
    cambodia = copy.deepcopy(phased)
    cambodia["scope"] = [s for s in cambodia["scope"] if s["key"] != "s3"] + [
        {"key": "s4", "kind": "in", "item": "Phnom Penh and Siem Reap", "notes": ""}
    ]
    cambodia["objectives"].append(
        {
            "key": "ocamdrv",
            "title": "Drivers on the platform in Cambodia",
            "side": "",
            "description": "",
        }
    )
    cambodia["resources"] = [r for r in cambodia["resources"] if r["side"] == b]
    linh, dara = "linh@easywego.example", "dara@swiftride.example"
    _history(
        ws,
        alliance,
        [
            {
                "author": linh,
                "side": ew,
                "title": "Phased rollout agreement",
                "summary": "Vietnam first; Cambodia after review.",
                "content": phased,
                "days_ago": 160,
                "propose": True,
                "signatures": [(linh, ew, 152), (dara, sr, 150)],
            },
            {
                "author": dara,
                "side": sr,
                "title": "Cambodia phase",
                "summary": "SwiftRide's draft for phase 2.",
                "content": cambodia,
                "days_ago": 9,
            },
        ],
    )


def _competitor(ws: Any) -> None:
    alliance = ws.alliances["Altura × Borealis niche analytics"]
    al, bo = _sides(alliance)
    a, b = str(al.id), str(bo.id)
    old = {
        "objectives": [
            {
                "key": "o1",
                "title": "Win public-sector data-quality contracts together",
                "side": "",
                "description": "",
            }
        ],
        "kpis": [
            {
                "key": "k1",
                "objective": "o1",
                "metric": "Joint contracts won",
                "unit": "contracts",
                "direction": "higher",
                "target": "4",
                "deadline": _day(-1700),
                "definition": "",
            }
        ],
        "scope": [
            {"key": "s1", "kind": "in", "item": "Public-sector data quality", "notes": ""},
            {"key": "s2", "kind": "in", "item": "Clinical-trial analytics", "notes": ""},
        ],
        "scope_change": {"process": "", "approver": "", "days": None},
        "decisions": [
            {"key": "d1", "topic": "Which bids to pursue", "decider": "Both sides", "rule": ""}
        ],
        "stalemate": {"process": "", "days": None},
        "resources": [
            {
                "key": "r1",
                "side": a,
                "kind": "people",
                "description": "Bid team",
                "amount": "3",
                "unit": "FTE",
                "per": "year",
                "start": "",
                "end": "",
            },
            {
                "key": "r2",
                "side": b,
                "kind": "people",
                "description": "Bid team",
                "amount": "3",
                "unit": "FTE",
                "per": "year",
                "start": "",
                "end": "",
            },
        ],
        "ladder": _ladder(
            ("Partner managers", "Partner managers", None), ("Arbitration", "", None)
        ),
        "exit": {"notice_days": 30, "triggers": [], "customers": "", "assets": ""},
    }
    relaunch = copy.deepcopy(old)
    relaunch["objectives"].append(
        {
            "key": "o2",
            "title": "Mend the relationship before new programs",
            "side": "",
            "description": "Clear the referral-fee backlog; one joint listening session per quarter.",
        }
    )
    relaunch["kpis"][0].update(
        target="3",
        deadline=_day(365),
        definition="Signed contracts where both firms are named suppliers.",
    )
    relaunch["scope"].append(
        {
            "key": "s3",
            "kind": "out",
            "item": "Every market outside the two niches (we remain competitors)",
            "notes": "",
        }
    )
    relaunch["stalemate"] = {
        "process": "Sponsors (Robert Hale, Greta Holm) decide within two weeks; otherwise the proposal lapses.",
        "days": 14,
    }
    relaunch["ladder"] = _ladder(
        ("Partner managers", "She Wang and Tom Keller", 10),
        ("Sponsors", "Robert Hale and Greta Holm", 20),
        ("Mediation", "", 45),
        ("Arbitration", "Arbitral tribunal", 120),
    )
    she, tom = "she@altura.example", "tom@borealis.example"
    _history(
        ws,
        alliance,
        [
            {
                "author": tom,
                "side": bo,
                "title": "Niche cooperation agreement",
                "summary": "The original two-niche agreement.",
                "content": old,
                "days_ago": 2150,
                "propose": True,
                "signatures": [(tom, bo, 2100), (she, al, 2100)],
                "waive_all": "Signed before detente; recorded as it was.",
            },
            {
                "author": she,
                "side": al,
                "title": "Clean-slate relaunch",
                "summary": "New charter: mend fences, then relaunch joint programs.",
                "content": relaunch,
                "days_ago": 20,
                "waivers": [
                    ("exit:assets", "No shared assets until the first joint program starts.")
                ],
            },
        ],
    )


def _internal(ws: Any) -> None:
    alliance = ws.alliances["Northstar pricing change: Sales × Product"]
    sa, pr = _sides(alliance)
    draft = {
        "objectives": [
            {
                "key": "orev",
                "title": "Revenue growth from usage-based pricing",
                "side": str(sa.id),
                "description": "",
            },
            {
                "key": "osat",
                "title": "Customer satisfaction and lower attrition",
                "side": str(pr.id),
                "description": "",
            },
        ],
        "kpis": [
            {
                "key": "krev",
                "objective": "orev",
                "metric": "Net new annual recurring revenue",
                "unit": "USD",
                "direction": "higher",
                "target": "2500000",
                "deadline": _day(300),
                "definition": "",
            },
            {
                "key": "katt",
                "objective": "osat",
                "metric": "Customer attrition",
                "unit": "% per year",
                "direction": "lower",
                "target": "8",
                "deadline": _day(300),
                "definition": "",
            },
        ],
        "scope": [
            {"key": "s1", "kind": "in", "item": "Pricing of the analytics add-on", "notes": ""}
        ],
        "decisions": [
            {
                "key": "d1",
                "topic": "Final pricing model",
                "decider": "Chief operating officer",
                "rule": "On both VPs' recommendation",
            }
        ],
        "ladder": _ladder(
            ("VP Sales and VP Product", "Ana Ruiz and Ben Adeyemi", 10),
            ("Chief operating officer", "COO", None),
        ),
    }
    _history(
        ws,
        alliance,
        [
            {
                "author": "ana@northstar.example",
                "side": sa,
                "title": "Pricing change charter",
                "summary": "First sketch: each team's goal and who decides.",
                "content": draft,
                "days_ago": 30,
            }
        ],
    )


def build(ws: Any) -> None:
    """Add this capability's demo records to the workspace ``ws`` (see demo.build)."""
    _network_ai(ws)
    _ride_hailing(ws)
    _competitor(ws)
    _internal(ws)
