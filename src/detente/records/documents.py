"""What every PDF export shares: an A4 page with the same margins, reportlab's built-in
Helvetica (Latin-1 glyphs, so other characters are spelled out), and text escaped for
reportlab's paragraph markup. The meeting exports and the escalation brief use it."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

SPELLED = {
    "→": "->",
    "←": "<-",
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "≥": ">=",
    "≤": "<=",
}


def plain(text: str) -> str:
    """Text the PDF's Latin-1 font can draw."""
    for k, v in SPELLED.items():
        text = text.replace(k, v)
    return text.encode("cp1252", "replace").decode("cp1252")


def pdf_text(text: str) -> str:
    """Text for a reportlab Paragraph: drawable, escaped, its line breaks kept."""
    return escape(plain(text)).replace("\n", "<br/>")


def render_pdf(
    story: list[Any], title: str, on_page: Callable[[Any, Any], None] | None = None
) -> bytes:
    """The story on A4 pages (15 mm sides, 12 mm top and bottom), ``on_page`` drawn on each."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=plain(title),
        author="detente",
    )
    if on_page is None:
        doc.build(story)
    else:
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
