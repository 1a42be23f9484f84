"""A meeting as Markdown, PDF and an iCalendar invitation, all from the one ``Detail``.

The ``Detail`` is built through the reader's access, and its agenda was generated through
the meeting's own reading of the rule (joint only for a joint meeting), so an export carries
nothing the page does not.
"""

from __future__ import annotations

import html
from typing import Any

from django.conf import settings
from django.utils import timezone

from detente.meetings.present import Detail
from detente.meetings.services import meeting_url
from detente.records import documents


def _when(detail: Detail) -> str:
    m = detail.meeting
    start = timezone.localtime(m.starts_at)
    return f"{start:%d %B %Y, %H:%M} ({timezone.get_current_timezone_name()}), {m.duration_minutes} min"


def markdown(detail: Detail) -> str:
    m = detail.meeting

    def esc(text: str) -> str:  # Markdown passes HTML through; text goes in escaped
        return html.escape(text, quote=False)

    out = []
    if m.is_private:
        out += [
            f"> **Internal preparation of {esc(str(m.owner_side))}.** Not for the other side.",
            "",
        ]
    out += [
        f"# {esc(m.title)}",
        "",
        f"*{esc(detail.alliance)} · {m.get_kind_display()} · {_when(detail)}*",
        "",
    ]
    if m.location:
        out += [f"Where: {esc(m.location)}", ""]
    if detail.attendees:
        out += (
            ["## Attendees", ""]
            + [
                f"- {esc(u.full_name or u.email)}{' (' + esc(side) + ')' if side else ''}"
                for u, side in detail.attendees
            ]
            + [""]
        )
    out += ["## Agenda", ""]
    if not detail.items:
        out.append("No items yet.")
    for n, item in enumerate(detail.items, start=1):
        out.append(f"{n}. **{esc(item.title)}**")
        if item.detail:
            out += [f"   {esc(line)}" for line in item.detail.splitlines()]
        if item.url:
            out.append(f"   <{settings.SITE_URL}{item.url}>")
        if item.minutes:
            out.append(f"   *Minutes:* {esc(item.minutes)}")
    if m.decision_lines:
        out += ["", "## Decisions", ""] + [f"- {esc(d)}" for d in m.decision_lines]
    if detail.actions:
        out += ["", "## Actions", ""] + [
            f"- {esc(c.title)}: {esc(str(c.owed_by))}"
            + (f", {esc(a.owner.full_name or a.owner.email)}" if a.owner else "")
            + f", due {c.due_date:%d %b %Y}"
            for a, c in detail.actions
        ]
    return "\n".join(out) + "\n"


_pdf_text = documents.pdf_text


def pdf(detail: Detail) -> bytes:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    m = detail.meeting
    styles = getSampleStyleSheet()
    body, h2, h1 = styles["BodyText"], styles["Heading3"], styles["Heading1"]

    def p(text: str, style: Any = body) -> Paragraph:
        return Paragraph(_pdf_text(text), style)

    story: list[Any] = []
    if m.is_private:
        story.append(p(f"Internal preparation of {m.owner_side}: not for the other side.", h2))
    story += [p(m.title, h1), p(f"{detail.alliance} · {m.get_kind_display()} · {_when(detail)}")]
    if m.location:
        story.append(p(f"Where: {m.location}"))
    if detail.attendees:
        story.append(p("Attendees", h2))
        story += [
            p(f"• {u.full_name or u.email}" + (f" ({side})" if side else ""))
            for u, side in detail.attendees
        ]
    story.append(p("Agenda", h2))
    if not detail.items:
        story.append(p("No items yet."))
    for n, item in enumerate(detail.items, start=1):
        story.append(p(f"{n}. {item.title}"))
        if item.detail:
            story.append(p(item.detail))
        if item.minutes:
            story.append(p(f"Minutes: {item.minutes}"))
    if m.decision_lines:
        story.append(p("Decisions", h2))
        story += [p(f"• {d}") for d in m.decision_lines]
    if detail.actions:
        story.append(p("Actions", h2))
        story += [
            p(
                f"• {c.title}: {c.owed_by}"
                + (f", {a.owner.full_name or a.owner.email}" if a.owner else "")
                + f", due {c.due_date:%d %b %Y}"
            )
            for a, c in detail.actions
        ]
    return documents.render_pdf(story, m.title)


def ics(detail: Detail) -> bytes:
    """The meeting as an invitation: one VEVENT with UID, DTSTAMP, DTSTART, SUMMARY and URL."""
    from icalendar import Calendar, Event  # type: ignore[import-untyped]

    m = detail.meeting
    cal = Calendar()
    cal.add("prodid", "-//detente//meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{m.pk}@detente")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", m.starts_at)
    event.add("dtend", m.ends_at)
    event.add("summary", m.title)
    event.add("url", settings.SITE_URL + meeting_url(m))
    if m.location:
        event.add("location", m.location)
    lines = [f"{n}. {i.title}" for n, i in enumerate(detail.items, start=1)]
    event.add("description", "Agenda:\n" + "\n".join(lines) if lines else m.purpose)
    if m.is_private:
        event.add("class", "PRIVATE")
    cal.add_component(event)
    return bytes(cal.to_ical())
