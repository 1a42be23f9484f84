"""The sections of an alliance, shown as tabs on every alliance page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# (label, URL name). Each capability's app defines its URL name with (alliance_id).
SECTIONS = [
    ("Overview", "alliance_overview"),
    ("Agreement", "agreement_home"),
    ("Objectives & KPIs", "objectives_home"),
    ("Plan", "plan_home"),
    ("Commitments", "commitments_home"),
    ("Differences", "differences_home"),
    ("Health", "health_home"),
    ("Goal realism", "goals_home"),
    ("Decisions", "decisions_home"),
    ("Negotiation", "negotiation_home"),
    ("Conflicts", "conflicts_home"),
    ("Meetings", "meetings_home"),
    ("Activity", "activity_alliance"),
    ("Audit", "audit_log"),
]


def sections(alliance_id: int, current_path: str = "") -> list[dict[str, object]]:
    out = []
    for label, name in SECTIONS:
        try:
            url = reverse(name, args=[alliance_id])
        except NoReverseMatch:  # a capability not installed in this build
            continue
        active = current_path == url or (
            name != "alliance_overview" and current_path.startswith(url)
        )
        out.append({"label": label, "url": url, "active": active})
    return out
