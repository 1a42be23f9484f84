"""The one-page escalation brief for leadership: data, Markdown and PDF.

A brief is joint by default: it is built from the alliance's joint records only
(``JointAccess``, the visibility rule's joint-only view), whoever asks for it, so it can go
up a ladder rung that includes the partner without carrying the author side's private
positions (its walk-away, its private estimates, its private commitments and signals).

An internal brief is an explicit choice by a side (``internal=True``), and a brief of a
conflict private to a side is internal by nature. It is built through the reader's
``AllianceAccess`` (joint records and the reader's side's private ones, never the other
side's) and says "Contains <side>-internal positions" at the top of the Markdown, in a
banner of the page and in the header and footer of every PDF page. The Markdown, the PDF
and the page are all rendered from the one ``Brief`` structure and nothing else.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.utils import timezone

from detente.conflicts import linked, restructuring
from detente.conflicts.models import Comparison, Conflict, ConflictView
from detente.records import documents
from detente.records.visibility import JOINT, AllianceAccess


@dataclass
class Brief:
    title: str
    alliance: str
    prepared_for: str
    prepared_on: str
    issue: list[tuple[str, str]]
    description: str
    positions: list[dict[str, str]]
    data: list[str]
    options_title: str
    options_header: list[str]
    options: list[list[str]]
    conditions: list[str]
    recommendation: str
    decision: str
    notes: list[str] = field(default_factory=list)
    internal_to: str = ""  # the side whose internal positions the brief holds; "" when joint

    @property
    def internal_warning(self) -> str:
        return f"Contains {self.internal_to}-internal positions" if self.internal_to else ""

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__) | {
            "scope": "internal" if self.internal_to else "joint",
            "internal_warning": self.internal_warning,
        }


@dataclass
class JointAccess(AllianceAccess):
    """The joint records of an alliance and nothing else, whoever reads (no writes)."""

    def records(self, model: Any) -> Any:
        return model.objects.visible_to_side(None).filter(alliance=self.alliance)


def joint_access(access: AllianceAccess) -> JointAccess:
    return JointAccess(alliance=access.alliance, user=access.user, roles={}, sides=access.sides)


def _money(v: float, cur: str) -> str:
    return f"{v:,.0f} {cur}"


def build(
    access: AllianceAccess,
    conflict: Conflict,
    now: datetime | None = None,
    *,
    internal: bool = False,
) -> Brief:
    """The brief of ``conflict`` (which the reader may see): joint unless ``internal`` is
    asked for or the conflict itself is private to the reader's side."""
    now = now or timezone.now()
    internal = internal or conflict.visibility != JOINT
    author = access  # the reader's side: who the brief is prepared by
    internal_to = ""
    if internal:
        sides = [s for s in access.my_sides if conflict.visibility == JOINT
                 or s.pk == conflict.owner_side_id]  # fmt: skip
        internal_to = " and ".join(str(s) for s in sides)
    else:
        access = joint_access(access)
    step = conflict.current_step
    issue = [
        ("Source", conflict.get_source_display()),
        ("Kind", conflict.get_kind_display()),
        ("Status", conflict.get_status_display()),
        ("Open since", f"{conflict.opened_on:%d %b %Y}"),
    ]
    if step is not None:
        left = step.time_left(now)
        when = ""
        if left is not None:
            days = left.total_seconds() / 86400
            when = f"; {days:.0f} days left" if days >= 0 else f"; {-days:.0f} days overdue"
        issue.append(("Ladder", f"rung {step.number} of {len(conflict.ladder)}, {step.name}{when}"))
    views = (
        access.records(ConflictView)
        .filter(conflict=conflict)
        .select_related("owner_side__organisation")
    )
    positions = [
        {
            "side": str(v.owner_side),
            "position": v.position,
            "interests": v.interests,
            "data": v.data,
            "private": f"internal to {v.owner_side}" if v.is_private else "",
        }
        for v in views
    ]
    links = linked.visible_links(access, conflict)
    data = []
    for k in links["kpis"]:
        m = k.latest_measurement
        value = f"{m.value.normalize():f} {k.unit} in {m.period}" if m else "no measurement yet"
        data.append(
            f"KPI {k.name}: {value}; target {k.target.normalize():f} {k.unit} by {k.deadline:%d %b %Y}."
        )
    for c in links["commitments"]:
        data.append(
            f"Commitment owed by {c.owed_by}: {c.title}, due {c.due_date:%d %b %Y}, {c.display_status}."
        )
    for s in links["signals"]:
        data.append(f"Signal {s.date:%d %b %Y} ({s.get_severity_display().lower()}): {s.title}.")
    for o in links["objectives"]:
        data.append(f"Objective at stake: {o.title}.")
    comparison = (
        access.records(Comparison).filter(conflict=conflict).first()
        or access.records(Comparison).first()
    )
    options_header: list[str] = []
    options: list[list[str]] = []
    conditions: list[str] = []
    options_title = "No restructuring comparison yet."
    if comparison is not None:
        res = restructuring.result(access, comparison)
        cur = res["currency"]
        options_title = (
            f"{comparison.title}: value to each side, NPV at {res['discount_rate_percent']:g}% "
            f"over {res['periods']} {res['period_label']}s plus priced intangibles (likely, with low-high range)."
        )
        options_header = ["Option"] + [s["side"] for s in res["sides"]]
        for row in res["options"]:
            cells = [row["label"] + (" (chosen)" if row["option"] == res["chosen_option"] else "")]
            for v in row["values"]:
                cells.append(
                    f"{_money(v['value_likely'], cur)} ({v['value_low']:,.0f} to {v['value_high']:,.0f})"
                    if v
                    else "not shared"
                )
            options.append(cells)
        # One page: each side's preference, then the flip conditions of each side (the
        # engine's first statement restates the preferences; its settlers run long).
        flips = [c for c in res["conditions"] if " would prefer " in c]
        conditions = [f"{p['side']} prefers: {p['label']}." for p in res["preferred"]] + flips[:2]
    return Brief(
        title=conflict.title,
        alliance=access.alliance.name,
        prepared_for=", ".join(str(s) for s in author.my_sides),
        prepared_on=f"{timezone.localtime(now):%d %b %Y}",
        issue=issue,
        description=conflict.description,
        positions=positions,
        data=data,
        options_title=options_title,
        options_header=options_header,
        options=options,
        conditions=conditions,
        recommendation=conflict.recommendation or "No recommendation recorded yet.",
        decision=conflict.decision_asked or "No decision asked for yet.",
        internal_to=internal_to,
    )


def _html_escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list | tuple):
        return type(value)(_html_escaped(v) for v in value)
    if isinstance(value, dict):
        return {k: _html_escaped(v) for k, v in value.items()}
    return value


def markdown(brief: Brief) -> str:
    # Markdown passes raw HTML through to whatever renders it; every text in the brief,
    # typed by either side, goes in HTML-escaped ("<" as "&lt;"), which renders as typed.
    brief = replace(brief, **{k: _html_escaped(v) for k, v in brief.__dict__.items()})
    out = []
    if brief.internal_to:
        out += [f"> **{brief.internal_warning}.** Do not share this brief with the other side.", ""]
    out += [f"# Escalation brief: {brief.title}", ""]
    scope = "internal brief" if brief.internal_to else "joint brief: joint records only"
    out.append(
        f"*{brief.alliance} · prepared by {brief.prepared_for} · {brief.prepared_on} · {scope}*"
    )
    out += ["", "## The issue", ""]
    out += [f"- **{k}:** {v}" for k, v in brief.issue]
    if brief.description:
        out += ["", brief.description]
    out += ["", "## Positions and interests", ""]
    if not brief.positions:
        out.append("No side has recorded its view yet.")
    for p in brief.positions:
        tag = f" ({p['private']})" if p["private"] else ""
        out.append(f"### {p['side']}{tag}")
        out += ["", f"- **Position:** {p['position']}"]
        if p["interests"]:
            out.append(f"- **Interests:** {p['interests']}")
        if p["data"]:
            out.append(f"- **Looking at:** {p['data']}")
        out.append("")
    out += ["## The data", ""]
    out += [f"- {d}" for d in brief.data] or ["No data linked to this conflict."]
    out += ["", "## Options", "", brief.options_title, ""]
    if brief.options:
        out.append("| " + " | ".join(brief.options_header) + " |")
        out.append("|" + "---|" * len(brief.options_header))
        out += ["| " + " | ".join(row) + " |" for row in brief.options]
    if brief.conditions:
        out += ["", "## What needs to be true", ""]
        out += [f"- {c}" for c in brief.conditions]
    out += [
        "",
        "## Recommendation",
        "",
        brief.recommendation,
        "",
        "## Decision asked for",
        "",
        brief.decision,
        "",
    ]
    return "\n".join(out)


# The PDF's font, spelling and page are shared with the other exports (records.documents).
_plain = documents.plain
_pdf_text = documents.pdf_text


def pdf(brief: Brief) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.fontSize, body.leading = 8, 9.6
    h2 = styles["Heading3"]
    h2.fontSize, h2.leading, h2.spaceBefore, h2.spaceAfter = 10, 12, 4, 1
    title = styles["Heading1"]
    title.fontSize, title.leading, title.spaceAfter = 15, 18, 2

    def p(text: str, style: Any = body) -> Paragraph:
        return Paragraph(_pdf_text(text), style)

    story: list[Any] = [
        p(f"Escalation brief: {brief.title}", title),
        p(
            f"{brief.alliance} · prepared by {brief.prepared_for} · {brief.prepared_on} · "
            + ("internal brief" if brief.internal_to else "joint brief: joint records only")
        ),
        p("The issue", h2),
        Paragraph(
            "; ".join(f"<b>{_pdf_text(k)}:</b> {_pdf_text(v)}" for k, v in brief.issue), body
        ),
    ]
    if brief.description:
        story.append(p(brief.description))
    story.append(p("Positions and interests", h2))
    if not brief.positions:
        story.append(p("No side has recorded its view yet."))
    for pos in brief.positions:
        parts = [
            f"<b>{_pdf_text(pos['side'])}</b>{' (' + pos['private'] + ')' if pos['private'] else ''}: "
            + _pdf_text(pos["position"])
        ]
        if pos["interests"]:
            parts.append("<i>Interests:</i> " + _pdf_text(pos["interests"]))
        if pos["data"]:
            parts.append("<i>Looking at:</i> " + _pdf_text(pos["data"]))
        story.append(Paragraph(" ".join(parts), body))
    story.append(p("The data", h2))
    for d in (brief.data or ["No data linked to this conflict."])[:10]:
        story.append(p("• " + d))
    story.append(p("Options", h2))
    story.append(p(brief.options_title))
    if brief.options:
        rows = [[p(c) for c in brief.options_header]] + [
            [p(c) for c in row] for row in brief.options
        ]
        table = Table(rows, colWidths=[60 * mm] + [55 * mm] * (len(brief.options_header) - 1))
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [Spacer(1, 2 * mm), table]
    if brief.conditions:
        story.append(p("What needs to be true", h2))
        story += [p("• " + c) for c in brief.conditions]
    story += [
        p("Recommendation", h2),
        p(brief.recommendation),
        p("Decision asked for", h2),
        p(brief.decision),
    ]

    def mark(canvas: Any, document: Any) -> None:
        """The internal warning in the header and the footer of every page."""
        if not brief.internal_to:
            return
        text = _plain(brief.internal_warning)
        width, height = A4
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        canvas.setFillColor(colors.HexColor("#8a1c1c"))
        canvas.drawCentredString(width / 2, height - 7 * mm, text)
        canvas.drawCentredString(width / 2, 5 * mm, f"{text} · page {document.page}")
        canvas.restoreState()

    return documents.render_pdf(story, f"Escalation brief: {brief.title}", on_page=mark)
