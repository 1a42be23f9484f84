"""A word-level diff of two vision texts, for the version history.

The agreement's diff (``detente.agreements.diff``) compares structured clauses by key; a
vision is free text, so this compares words with ``difflib``, keeping the spaces and line
breaks between them so that the text reads as written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "added" or "removed"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """``old`` to ``new`` as runs of kept, removed and added text (a replaced run is its
    removal then its addition); joining the kept and removed runs gives ``old`` back, the
    kept and added ones ``new``."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(b[j1:j2])))
    return segments


def changed_words(segments: list[Segment]) -> tuple[int, int]:
    """(words added, words removed), for the history's one-line summary."""
    added = sum(len(s.text.split()) for s in segments if s.kind == "added")
    removed = sum(len(s.text.split()) for s in segments if s.kind == "removed")
    return added, removed
