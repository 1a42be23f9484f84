"""Demo data for the negotiation capability: InnovateTech × GlobalConnect re-negotiating
from full integration to a modular partnership (seed 001; the numbers are those of
examples/negotiation/innovatetech_globalconnect.yaml, without its two constraints)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from detente.negotiation import services
from detente.negotiation.forms import PreferencesForm, RoundForm
from detente.records.visibility import get_alliance_access

EXAMPLE = {
    "parties": ["InnovateTech", "GlobalConnect"],
    "issues": {
        "model": ["full_integration", "modular", "licensing"],
        "scope": ["all_segments", "top_tier_clients", "enterprise_pilot"],
        "innovatetech_share": ["30%", "40%", "50%"],
        "co_development": ["none", "niche_apps", "joint_roadmap"],
        "exclusivity": ["none", "regional", "global"],
        "growth_commitment": ["10", "15", "20", "25", "30"],
    },
}
EXAMPLE_FILE = Path(__file__).parents[3] / "examples/negotiation/innovatetech_globalconnect.yaml"


def _preferences(name: str) -> dict[str, Any]:
    if EXAMPLE_FILE.exists():
        doc = yaml.safe_load(EXAMPLE_FILE.read_text())
        prefs = doc["preferences"][name]
        prefs["scores"]["growth_commitment"] = {
            str(k): v for k, v in prefs["scores"]["growth_commitment"].items()
        }
        return prefs
    raise FileNotFoundError(EXAMPLE_FILE)


def _enter(access: Any, rnd: Any, prefs: dict[str, Any]) -> None:
    issues = list(rnd.issues.all())
    data, errors = PreferencesForm.data_from_json(prefs, issues)
    form = PreferencesForm(data=data, issues=issues)
    if errors or not form.is_valid():
        raise ValueError(f"demo negotiation preferences: {errors or form.errors.as_text()}")
    services.save_preferences(access, rnd, form)


def build(ws: Any) -> None:
    """Add this capability's demo records to the workspace ``ws`` (see demo.build)."""
    alliance = next(
        (a for name, a in ws.alliances.items() if name.startswith("InnovateTech × GlobalConnect")),
        None,
    )
    if alliance is None or not EXAMPLE_FILE.exists():
        return
    maya = get_alliance_access(ws.users["maya@innovatetech.example"], alliance.pk)
    raj = get_alliance_access(ws.users["raj@globalconnect.example"], alliance.pk)
    form = RoundForm(
        data={
            "owner_side": maya.my_side.pk,
            "title": "From full integration to a modular partnership",
            "purpose": "GlobalConnect bought a rival AI firm and wants AI across its whole "
            "network; InnovateTech wants to stay the specialised layer for high-value "
            "clients. Six issues decide the new terms.",
            "issues": "\n".join(f"{k}: {', '.join(v)}" for k, v in EXAMPLE["issues"].items()),
        },
        access=maya,
    )
    if not form.is_valid():
        raise ValueError(f"demo negotiation round: {form.errors.as_text()}")
    rnd = services.save_round(maya, form)
    _enter(maya, rnd, _preferences("InnovateTech"))
    _enter(raj, rnd, _preferences("GlobalConnect"))
    # Both managers name a neutral mediator, who belongs to neither company, as the
    # facilitator of the talks: she sees this round's facilitator view and nothing else.
    mediator = _neutral_mediator()
    services.grant(maya, rnd, mediator)
    services.grant(raj, rnd, mediator)


MEDIATOR_EMAIL = "ines@mediation.example"


def _neutral_mediator() -> Any:
    """The demo's facilitator: an account with no membership in any organisation. Kept
    across demo rebuilds (the reset removes only members of the demo's organisations)."""
    from detente.accounts.models import User
    from detente.demo.build import DEMO_PASSWORD

    user = User.objects.filter(email=MEDIATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(MEDIATOR_EMAIL, DEMO_PASSWORD, full_name="Ines Moreau")
    return user
