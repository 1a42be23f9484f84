"""Every page of the capability renders for a member of each side."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_it_renders_every_page(cast: Any, conflicts: dict, comparison: Any, who: str) -> None:
    a = cast.alliance.pk
    c = conflicts["joint"].pk
    client = cast.client(who)
    urls = [
        f"/alliances/{a}/conflicts/",
        f"/alliances/{a}/conflicts/new/",
        f"/alliances/{a}/conflicts/notifications/",
        f"/alliances/{a}/conflicts/{c}/",
        f"/alliances/{a}/conflicts/{c}/dialogue/",
        f"/alliances/{a}/conflicts/{c}/brief/",
        f"/alliances/{a}/conflicts/{c}/brief.md",
        f"/alliances/{a}/conflicts/{c}/brief.pdf",
        f"/alliances/{a}/conflicts/{c}/views/new/",
        f"/alliances/{a}/conflicts/{c}/escalate/",
        f"/alliances/{a}/conflicts/restructuring/new/",
        f"/alliances/{a}/conflicts/restructuring/{comparison.pk}/",
        f"/alliances/{a}/conflicts/restructuring/{comparison.pk}/estimates/new/",
        f"/alliances/{a}/conflicts/restructuring/{comparison.pk}/weights/",
        f"/alliances/{a}/conflicts/exit/",
        f"/alliances/{a}/conflicts/exit/plans/new/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
