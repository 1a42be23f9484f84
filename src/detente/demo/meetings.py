"""The ``meetings`` section of a story: a past meeting with its minutes, decisions and
actions, and the next one with the agenda the alliance's data gives it; then last month's
progress digest, sent to both sides' managers as the monthly job sends it.

Meetings are made through the meetings app's own services (the form, the generated
agenda, minutes, actions into the ledger), as the side's writer.
"""

from __future__ import annotations

from typing import Any

from detente.demo.story import Story, moment
from detente.meetings import services
from detente.meetings.forms import MeetingForm
from detente.meetings.models import Meeting
from detente.records.visibility import get_alliance_access


def meetings(story: Story) -> None:
    story.each("meetings", lambda item: _meeting(story, item))
    services.send_digest(story.alliance)


def _meeting(story: Story, item: dict[str, Any]) -> Meeting:
    letter = item["side"]
    writer = story.writer(letter)
    access = get_alliance_access(writer, story.alliance.pk, write=True)
    attendees = [story.person(handle).pk for handle in item.get("attendees", [])]
    data = {
        "owner_side": story.side(letter).pk,
        "visibility": "private" if item["kind"] == "preparation" else "joint",
        "kind": item["kind"],
        "title": item["title"],
        "starts_at": moment(item["when"]).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": item.get("minutes_long", 60),
        "location": item.get("location", ""),
        "purpose": item.get("purpose", ""),
        "attendees": attendees,
    }
    form = MeetingForm(data=data, access=access)
    if not form.is_valid():
        raise story.error(form.errors.as_text())
    meeting = services.create_meeting(access, form)
    for added in item.get("added_items", []):
        services.add_item(access, meeting, added)
    if "minutes" in item or "decisions" in item:
        items = list(meeting.items.all())
        minutes = {
            items[index].pk: text
            for index, text in enumerate(item.get("minutes", []))
            if index < len(items)
        }
        services.save_minutes(access, meeting, minutes, "\n".join(item.get("decisions", [])))
    rows = [
        services.ActionRow(
            title=a["title"],
            side_id=story.side(a["side"]).pk,
            owner_id=story.person(a["owner"]).pk,
            due_date=moment(a["due"]).date().isoformat(),
        )
        for a in item.get("actions", [])
    ]
    if rows:
        try:
            services.create_actions(access, meeting, rows)
        except services.ActionsInvalid as refused:
            raise story.error("; ".join(refused.errors)) from None
    return meeting
