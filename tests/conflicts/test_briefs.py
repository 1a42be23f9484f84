"""Escalation briefs: a brief built by one side holds none of the other side's private
records, in the Markdown and in the text of the rendered PDF; the PDF's text extracts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from detente.commitments.models import Commitment

PRIVATE = {
    "alice": [
        "B-PRIVATE-POSITION",
        "B-PRIVATE-WALKAWAY",
        "Signal B-PRIVATE",
        "B-PRIVATE-COMMITMENT",
    ],
    "bob": ["A-PRIVATE-POSITION", "A-PRIVATE-WALKAWAY", "Signal A-PRIVATE", "A-PRIVATE-COMMITMENT"],
}
OWN = {"alice": ["A-PRIVATE-POSITION"], "bob": ["B-PRIVATE-POSITION"]}


@pytest.fixture
def linked(cast: Any, conflicts: dict, comparison: Any) -> Any:
    """The joint conflict links each side's private signal and commitment, as if each had
    made them private after linking them."""
    conflict = conflicts["joint"]
    conflict.signals.add(
        cast.records["a_private_signal"],
        cast.records["b_private_signal"],
        cast.records["a_joint_signal"],
    )
    for side, tag in ((cast.side_a, "A"), (cast.side_b, "B")):
        conflict.commitments.add(
            Commitment.objects.create(
                alliance=cast.alliance,
                owner_side=side,
                visibility="private",
                owed_by=side,
                title=f"{tag}-PRIVATE-COMMITMENT",
                due_date="2026-05-01",
            )
        )
    return conflict


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_brief_holds_none_of_the_other_sides_private_strings(
    cast: Any, linked: Any, who: str
) -> None:
    base = f"/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief"
    client = cast.client(who)
    markdown = client.get(base + ".md").content.decode()
    pdf = client.get(base + ".pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    page = client.get(base + "/").content.decode()
    api = cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief")
    for rendered in (markdown, text, page, api.content.decode()):
        for secret in PRIVATE[who]:
            assert secret not in rendered
        for own in OWN[who]:
            assert own in rendered
        assert "Signal A-JOINT" in rendered


def test_the_pdf_renders_with_extractable_text(cast: Any, linked: Any) -> None:
    response = cast.client("alice").get(
        f"/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief.pdf"
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for heading in (
        "Escalation brief: Conflict JOINT",
        "The issue",
        "Positions and interests",
        "The data",
        "Options",
        "Recommendation",
        "Decision asked for",
    ):
        assert heading in text
    assert "Choose a model." in text
    assert "B wants its own AI first" in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1  # a one-page brief


def test_a_brief_shows_the_other_sides_private_estimate_as_not_shared(
    cast: Any, linked: Any
) -> None:
    md = (
        cast.client("alice")
        .get(f"/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief.md")
        .content.decode()
    )
    exit_row = next(line for line in md.splitlines() if line.startswith("| Exit"))
    assert exit_row.endswith("| not shared |")
    md_b = (
        cast.client("bob")
        .get(f"/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief.md")
        .content.decode()
    )
    assert "not shared" not in next(line for line in md_b.splitlines() if line.startswith("| Exit"))


def test_the_other_side_cannot_build_a_brief_of_a_private_conflict(
    cast: Any, conflicts: dict
) -> None:
    pk = conflicts["a_private"].pk
    for suffix in ("brief/", "brief.pdf", "brief.md", "dialogue/"):
        assert (
            cast.client("bob")
            .get(f"/alliances/{cast.alliance.pk}/conflicts/{pk}/{suffix}")
            .status_code
            == 404
        )
        assert (
            cast.client("alice")
            .get(f"/alliances/{cast.alliance.pk}/conflicts/{pk}/{suffix}")
            .status_code
            == 200
        )
