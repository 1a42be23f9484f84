"""The demo workspace, built from the story files next to this module.

``workspace.yaml`` lists the organisations and people; each numbered file (``10_network_ai.yaml``,
…) tells one alliance's story from a seed article. The builder runs the sections of
``PHASES`` in order, each across all stories in file order: every alliance first, then every
story's objectives, then commitments, and so on, so that a capability finds what it builds
on (a conflict links the signals that the measurements raised). A story with ``build_with:
<section>`` is built whole when that section's phase comes, before the other stories'.

To add a story, copy a numbered file and change it; docs/demo.md describes the sections.
Every person signs in with the password ``DEMO_PASSWORD``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.test.utils import override_settings

from detente.accounts.models import Membership, Organisation, Role, User
from detente.demo.sections import SECTIONS
from detente.demo.story import DEMO_PASSWORD, Story, StoryError
from detente.records.models import Alliance

__all__ = ["DEMO_PASSWORD", "Workspace", "build_demo", "print_logins"]

STORIES = Path(__file__).parent
PHASES = [
    ["alliance", "status_changes", "stakeholders", "history", "signals", "interactions"],
    ["objectives", "guardrails"],
    ["quarterly_commitments", "commitments"],
    ["agreement"],
    ["differences"],
    ["health"],
    ["realism_checks"],
    ["milestones"],
    ["decision"],
    ["negotiation"],
    ["vision"],
    ["conflicts", "exit_plan"],
    ["overlap"],
    ["meetings"],
    ["plan"],
    ["threads"],
    ["approvals", "check_ins"],
]
STORY_KEYS = {"sides", "logins", "build_with", *SECTIONS}

# Demo emails (the conflict ladder's notifications) are not sent anywhere; the
# notifications still record them as sent.
# Their jobs run at once while the demo is built, so no story's email waits in a queue for
# the worker of `detente demo` to print.
QUIET_MAIL = override_settings(
    EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
)


@dataclass
class Workspace:
    users: dict[str, User] = field(default_factory=dict)  # by email
    organisations: dict[str, Organisation] = field(default_factory=dict)
    alliances: dict[str, Alliance] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@transaction.atomic
def build_demo(reset: bool = True) -> Workspace:
    """Build (or rebuild) the demo workspace. Touches only the demo's own organisations."""
    setup = _read(STORIES / "workspace.yaml")
    if reset:
        _remove_previous_demo(setup)
    ws, people, homes = _workspace(setup)
    stories = [Story(p, _read(p), people, homes) for p in sorted(STORIES.glob("[0-9]*.yaml"))]
    for story in stories:
        _check_keys(story)
    with QUIET_MAIL:
        for phase in PHASES:
            for story in stories:
                if story.data.get("build_with") == phase[0]:
                    for every_phase in PHASES:
                        _build(story, every_phase)
            for story in stories:
                if "build_with" not in story.data:
                    _build(story, phase)
    for story in stories:
        ws.alliances[story.alliance.name] = story.alliance
        a, b = (story.writer(k).email for k in "ab")
        ws.logins.append((story.data["logins"], a, b))
    return ws


def _build(story: Story, phase: list[str]) -> None:
    for section in phase:
        if section in story.data:
            SECTIONS[section](story)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise StoryError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise StoryError(f"{path.name}: expected sections (a mapping), not {type(data).__name__}")
    return data


def _check_keys(story: Story) -> None:
    for key in story.data:
        if key not in STORY_KEYS:
            raise story.error(f"unknown section {key!r}; known: {', '.join(sorted(STORY_KEYS))}")
    for key in ("sides", "logins", "alliance"):
        if key not in story.data:
            raise story.error(f"missing section {key!r}")
    for letter, handle in story.data["sides"].items():
        with story.at("sides", letter):
            story.person(handle)
    if story.data.get("build_with", PHASES[0][0]) not in (phase[0] for phase in PHASES):
        raise story.error(f"build_with must name the first section of a phase: {PHASES}")


def _workspace(setup: dict[str, Any]) -> tuple[Workspace, dict[str, User], dict[str, Organisation]]:
    """The organisations and people of workspace.yaml; people by handle and their homes."""
    check = Story(STORIES / "workspace.yaml", setup, {}, {})
    ws, people, homes = Workspace(), {}, {}
    for name, kind in setup["organisations"].items():
        with check.at("organisations", name):
            if kind not in Organisation.Kind.values:
                raise ValueError(f"kind must be one of {', '.join(Organisation.Kind.values)}")
            ws.organisations[name] = Organisation.objects.create(name=name, kind=kind)
    for handle, person in setup["people"].items():
        with check.at("people", handle):
            if person["role"] not in Role.values:
                raise ValueError(f"role must be one of {', '.join(Role.values)}")
            user = User.objects.create_user(
                person["email"], DEMO_PASSWORD, full_name=person["name"]
            )
            home = ws.organisations[person["organisation"]]
            Membership.objects.create(user=user, organisation=home, role=person["role"])
        ws.users[user.email], people[handle], homes[handle] = user, user, home
    return ws, people, homes


def _remove_previous_demo(setup: dict[str, Any]) -> None:
    emails = [person["email"] for person in setup["people"].values()]
    Alliance.objects.filter(sides__organisation__name__in=setup["organisations"]).delete()
    User.objects.filter(email__in=emails).delete()
    Organisation.objects.filter(name__in=setup["organisations"]).delete()


def print_logins(ws: Workspace, url: str) -> None:
    print(f"\ndetente demo is ready at {url}")
    print(f"Every demo account uses the password: {DEMO_PASSWORD}\n")
    for alliance, side_a, side_b in ws.logins:
        print(f"  {alliance:32} side A: {side_a:30} side B: {side_b}")
    print()
