"""The ``vision`` section of a story: the shared vision's versions (each proposed by one side
and accepted by the other), the ideas both sides add and vote on, and the idea that became an
issue of the story's negotiation round.

Everything goes through the vision app's own forms and services, as the people named.
"""

from __future__ import annotations

from typing import Any

from detente.demo.story import Story, moment
from detente.negotiation import services as negotiation
from detente.negotiation.forms import PreferencesForm
from detente.negotiation.models import NegotiationRound, SidePreferences
from detente.records import services as records
from detente.records.visibility import get_alliance_access
from detente.vision import services
from detente.vision.forms import IdeaForm, VisionForm
from detente.vision.models import Idea, VisionVersion


def vision(story: Story) -> None:
    spec = story.data["vision"]
    story.each("versions", lambda item: _version(story, item), spec.get("versions", []))
    story.each("ideas", lambda item: _idea(story, item), spec.get("ideas", []))


def _access(story: Story, handle: str) -> Any:
    return get_alliance_access(story.person(handle), story.alliance.pk, write=True)


def _version(story: Story, item: dict[str, Any]) -> None:
    access = _access(story, item["by"])
    current = services.current_vision(access)
    data = {"text": item["text"], "summary": item.get("summary", ""), "side": access.my_side.pk}
    form = VisionForm(data=data, access=access, current=current.text if current else "")
    if not form.is_valid():
        raise story.error(form.errors.as_text())
    version = services.propose(access, form)
    if "accepted_by" in item:
        services.accept(_access(story, item["accepted_by"]), version)
    when = moment(item["at"]) if "at" in item else None
    if when is not None:
        VisionVersion.objects.filter(pk=version.pk).update(
            created_at=when, accepted_at=when if "accepted_by" in item else None
        )


def _idea(story: Story, item: dict[str, Any]) -> None:
    access = _access(story, item["by"])
    data = {
        "owner_side": access.my_side.pk,
        "title": item["title"],
        "description": item.get("description", ""),
        "status": item.get("status", "new"),
        "visibility": item.get("visibility", "joint"),
    }
    form = IdeaForm(data=data, access=access)
    if not form.is_valid():
        raise story.error(form.errors.as_text())
    idea = records.save_form(access, form)
    votes = {"up": 1, "down": -1}
    for handle, vote in item.get("votes", {}).items():
        with story.at("votes", handle):
            services.vote(_access(story, handle), idea, votes[vote])
    if "at" in item:
        Idea.objects.filter(pk=idea.pk).update(created_at=moment(item["at"]))
    if "becomes_issue" in item:
        with story.at("becomes_issue"):
            _to_issue(story, access, idea, item["becomes_issue"])


def _to_issue(story: Story, access: Any, idea: Idea, spec: dict[str, Any]) -> None:
    """The idea becomes an issue of the story's round; each side then scores its options, so
    the round's proposals stay computable."""
    rnd = access.records(NegotiationRound).get(title=story.data["negotiation"]["title"])
    services.convert(access, idea, "negotiation_issue", rnd.pk)
    issue = rnd.issues.order_by("-position").first()
    for letter, scoring in spec["preferences"].items():
        side_access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
        prefs = side_access.records(SidePreferences).get(round=rnd)
        merged = {
            "weights": {**prefs.weights, issue.name: scoring["weight"]},
            "scores": {**prefs.scores, issue.name: scoring["scores"]},
            "walk_away": float(prefs.walk_away),
        }
        issues = list(rnd.issues.all())
        data, errors = PreferencesForm.data_from_json(merged, issues)
        form = PreferencesForm(data=data, issues=issues)
        if errors or not form.is_valid():
            raise story.error(str(errors) if errors else form.errors.as_text())
        negotiation.save_preferences(side_access, rnd, form)
