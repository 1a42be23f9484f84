"""The Content-Security-Policy: strict, on every response, and the templates keep to it.

The browser side (no page of the demo triggers a violation or a console error) is in
tests/browser/test_demo_in_chromium.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import detente

TEMPLATES = Path(detente.__file__).parent / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/accounts/login/"),
        ("bob", "/"),
        ("bob", "/alliances/{alliance}/"),
        ("alice", "/alliances/{alliance}/objectives/"),
    ],
)
def test_it_sends_a_strict_policy_with_every_page(cast, who, path) -> None:
    response = cast.client(who).get(path.format(alliance=cast.alliance.id))
    assert response.status_code == 200

    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "*" not in header


def test_it_sends_the_policy_with_error_pages_and_api_answers_too(cast) -> None:
    not_found = cast.client("oscar").get(f"/alliances/{cast.alliance.id}/")
    unauthorised = cast.api(None).get("/api/v1/alliances")
    answer = cast.api("bob").get("/api/v1/alliances")
    assert [not_found.status_code, unauthorised.status_code, answer.status_code] == [404, 401, 200]
    for response in (not_found, unauthorised, answer):
        assert _policy(response)["script-src"] == ["'self'"]


# What the policy blocks in a page: an inline <script> (a json_script data block, typed
# application/json, is data and allowed), a <style> element, a style attribute, an inline
# event handler and a javascript: URL.
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>"),
    "style element": re.compile(r"<style[\s>]"),
    "style attribute": re.compile(r"\sstyle="),
    "event handler": re.compile(r"\son[a-z]+=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_has_inline_script_style_or_event_handler() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in templates
        for what, pattern in FORBIDDEN.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_the_rendered_pages_have_no_inline_script_or_style_either(cast) -> None:
    client = cast.client("alice")
    alliance = cast.alliance.id
    pages = {
        path: client.get(path).content.decode()
        for path in ["/", f"/alliances/{alliance}/", f"/alliances/{alliance}/commitments/"]
    }
    # The charts' data still reaches the page, as a json_script data block.
    assert '<script id="activity-data" type="application/json">' in pages[f"/alliances/{alliance}/"]
    for path, page in pages.items():
        for what, pattern in FORBIDDEN.items():
            assert not pattern.search(page), f"{path}: {what}"
