"""The meeting exports and the escalation brief draw their PDFs on one shared page setup."""

from __future__ import annotations

import inspect

from detente.conflicts import briefs
from detente.meetings import exports
from detente.records import documents


def test_the_meeting_and_brief_pdfs_share_one_page_setup() -> None:
    for module in (briefs, exports):
        source = inspect.getsource(module)
        assert "SimpleDocTemplate" not in source and "documents.render_pdf" in source


def test_the_shared_setup_spells_what_the_font_cannot_draw_and_makes_a_pdf() -> None:
    assert documents.pdf_text("a → b ≥ c <d>\nnext") == "a -&gt; b &gt;= c &lt;d&gt;<br/>next"
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    body = getSampleStyleSheet()["BodyText"]
    made = documents.render_pdf([Paragraph(documents.pdf_text("Agenda → minutes"), body)], "T → U")
    assert made.startswith(b"%PDF")
