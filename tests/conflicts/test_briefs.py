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


def renderings(cast: Any, who: str, conflict: Any, query: str = "") -> dict[str, str]:
    """The brief as the page, the Markdown, the PDF's text and the API answer."""
    base = f"/alliances/{cast.alliance.pk}/conflicts/{conflict.pk}/brief"
    client = cast.client(who)
    pdf = client.get(base + ".pdf" + query)
    assert pdf["Content-Type"] == "application/pdf"
    api = f"/api/v1/alliances/{cast.alliance.pk}/conflicts/{conflict.pk}/brief"
    return {
        "markdown": client.get(base + ".md" + query).content.decode(),
        "pdf": pdf_text(pdf.content),
        "page": client.get(base + "/" + query).content.decode(),
        "api": cast.api(who)
        .get(api + query.replace("internal=1", "internal=true"))
        .content.decode(),
    }


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_brief_is_joint_by_default_and_holds_no_side_s_private_strings(
    cast: Any, linked: Any, who: str
) -> None:
    for rendered in renderings(cast, who, linked).values():
        for secret in PRIVATE["alice"] + PRIVATE["bob"]:
            assert secret not in rendered
        assert "Signal A-JOINT" in rendered
        assert "-internal positions" not in rendered


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_an_internal_brief_is_asked_for_and_says_so_on_every_page(
    cast: Any, linked: Any, who: str
) -> None:
    side = str(cast.side_a if who == "alice" else cast.side_b)
    for kind, rendered in renderings(cast, who, linked, "?internal=1").items():
        for secret in PRIVATE[who]:
            assert secret not in rendered
        for own in OWN[who]:
            assert own in rendered
        assert f"Contains {side}-internal positions" in rendered, kind
    markdown = renderings(cast, who, linked, "?internal=1")["markdown"]
    assert markdown.startswith(f"> **Contains {side}-internal positions.**")


def test_an_internal_pdf_carries_the_warning_in_the_header_and_footer_of_every_page(
    cast: Any, linked: Any
) -> None:
    linked.description = "A long history of the dispute. " * 400  # several pages
    linked.save()
    response = cast.client("alice").get(
        f"/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief.pdf?internal=1"
    )
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert text.count("Contains Acme-internal positions") == 2  # header and footer
        assert f"Contains Acme-internal positions · page {number}" in text
    joint = cast.client("alice").get(
        f"/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief.pdf"
    )
    assert "internal positions" not in pdf_text(joint.content)


def test_a_brief_of_a_conflict_private_to_a_side_is_internal(cast: Any, conflicts: dict) -> None:
    md = (
        cast.client("alice")
        .get(f"/alliances/{cast.alliance.pk}/conflicts/{conflicts['a_private'].pk}/brief.md")
        .content.decode()
    )
    assert md.startswith("> **Contains Acme-internal positions.**")


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
    base = f"/alliances/{cast.alliance.pk}/conflicts/{linked.pk}/brief.md"
    md = cast.client("alice").get(base + "?internal=1").content.decode()
    exit_row = next(line for line in md.splitlines() if line.startswith("| Exit"))
    assert exit_row.endswith("| not shared |")
    md_b = cast.client("bob").get(base + "?internal=1").content.decode()
    assert "not shared" not in next(line for line in md_b.splitlines() if line.startswith("| Exit"))
    # The joint brief shows side B's private estimate as not shared, to side B as well.
    md_b = cast.client("bob").get(base).content.decode()
    assert next(line for line in md_b.splitlines() if line.startswith("| Exit")).endswith(
        "| not shared |"
    )


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
