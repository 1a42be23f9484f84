"""The ``plan`` section of a story: the alliance's joint plan, its items in the order they
are numbered, and versions proposed and signed.

Items are made through the plan's own form and service, as the writer of the side that
keeps them; versions through ``plans.services.propose_version`` and ``sign_version``, the
path every page and API route takes.

```yaml
plan:
  side: a                      # the side that starts it
  format: v2mom                # or okr
  title: Network AI plan 2027
  items:                       # each list numbered in the order given
    - {side: a, section: method, title: ..., owner: maya, kpis: [Pilot sites], commitments: [...]}
    - {side: b, section: obstacle, title: ..., parent: <a method's title>}
    - {side: a, section: method, visibility: private, title: ..., feeds: <a joint item's title>}
  versions:
    - {side: a, summary: ..., signed: [b, a]}   # proposed by side a, signed in that order
```
"""

from __future__ import annotations

from typing import Any

from detente.commitments.models import Commitment
from detente.demo.story import Story, day
from detente.objectives.models import KPI, Objective
from detente.plans import services
from detente.plans.forms import PlanItemForm
from detente.plans.models import PlanItem
from detente.records.visibility import get_alliance_access

LINKED = {"objectives": Objective, "kpis": KPI, "commitments": Commitment}


def plan(story: Story) -> None:
    spec = story.data.get("plan")
    if not spec:
        return
    with story.at("plan"):
        access = get_alliance_access(story.writer(spec["side"]), story.alliance.pk, write=True)
        made = services.start_plan(access, format=spec["format"], title=spec.get("title", ""))
        items: dict[str, PlanItem] = {}
        story.each("items", lambda item: _item(story, made, items, item), spec.get("items", []))
        story.each("versions", lambda item: _version(story, made, item), spec.get("versions", []))


def _item(story: Story, plan: Any, items: dict[str, PlanItem], item: dict[str, Any]) -> PlanItem:
    letter = item["side"]
    access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)

    def named(key: str) -> int | None:
        title = item.get(key)
        if title is None:
            return None
        found = next((i for t, i in items.items() if t.startswith(title)), None)
        if found is None:
            raise ValueError(f"no plan item above whose title starts with {title!r}")
        return found.pk

    data = {
        "owner_side": story.side(letter).pk,
        "visibility": item.get("visibility", "joint"),
        "section": item["section"],
        "title": item["title"],
        "description": item.get("description", ""),
        "owner": story.person(item["owner"]).pk if item.get("owner") else "",
        "target": item.get("target", ""),
        "due_date": day(item["due_date"]).isoformat() if item.get("due_date") else "",
        "parent": named("parent") or "",
        "feeds": named("feeds") or "",
    }
    for key, model in LINKED.items():
        data[key] = [story.find(model, name).pk for name in item.get(key, [])]
    form = PlanItemForm(data=data, access=access, plan=plan)
    if not form.is_valid():
        raise story.error(form.errors.as_text())
    saved: PlanItem = services.save_item(access, form)
    items[saved.title] = saved
    return saved


def _version(story: Story, plan: Any, item: dict[str, Any]) -> Any:
    proposer = get_alliance_access(story.writer(item["side"]), story.alliance.pk, write=True)
    version = services.propose_version(
        proposer, plan, side=story.side(item["side"]), summary=item.get("summary", "")
    )
    for letter in item.get("signed", []):
        signer = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
        services.sign_version(signer, version, story.side(letter))
    return version
