"""The escalation brief's Markdown carries user text HTML-escaped: a Markdown viewer that
renders raw HTML shows the text, it does not run it (docs/security.md, "Markdown")."""

from __future__ import annotations

import json
from typing import Any

from detente.conflicts.models import Conflict, ConflictView

SCRIPT = "<script>alert('brief')</script>"
IMAGE = '<img src=x onerror="alert(1)">'


def test_the_brief_markdown_escapes_html_in_every_user_text(cast: Any, conflicts: dict) -> None:
    conflict = conflicts["joint"]
    Conflict.objects.filter(pk=conflict.pk).update(
        title=f"Title {SCRIPT}",
        description=f"Description {IMAGE} & more",
        recommendation=f"Recommend {SCRIPT}",
        decision_asked=f"Decide {IMAGE}",
    )
    ConflictView.objects.filter(conflict=conflict, owner_side=cast.side_b).update(
        position=f"Position {SCRIPT}", interests=f"Interests {IMAGE}"
    )
    base = f"/alliances/{cast.alliance.pk}/conflicts/{conflict.pk}/brief"
    page_md = cast.client("alice").get(base + ".md").content.decode()
    api = cast.api("alice").get(
        f"/api/v1/alliances/{cast.alliance.pk}/conflicts/{conflict.pk}/brief"
    )
    api_md = json.loads(api.content)["markdown"]
    for markdown in (page_md, api_md):
        assert "<script" not in markdown and "<img" not in markdown
        assert "Title &lt;script&gt;alert('brief')&lt;/script&gt;" in markdown
        assert 'Description &lt;img src=x onerror="alert(1)"&gt; &amp; more' in markdown
        assert "Position &lt;script&gt;" in markdown and "Interests &lt;img" in markdown
        assert "Recommend &lt;script&gt;" in markdown and "Decide &lt;img" in markdown
    # The JSON twin keeps the text as typed: escaping is the Markdown rendering's job.
    assert json.loads(api.content)["title"] == f"Title {SCRIPT}"
