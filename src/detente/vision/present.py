"""What the vision pages show: one function per page, for the page and its JSON twin.

``home`` is the vision and ideas page and ``GET .../vision``; ``version`` is a version's page
(its text and its diff against the version before) and ``GET .../vision/versions/{pk}``.
Ideas are read through the visibility rule, and their votes only through the ideas read, so
a side's private idea adds nothing the other side can see or count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Q

from detente.records.visibility import AllianceAccess
from detente.vision import conversions, services
from detente.vision.diff import Segment, changed_words, word_diff
from detente.vision.models import Idea, IdeaVote, VisionVersion

STATUS_FILTERS = [value for value, _ in Idea.Status.choices]


@dataclass
class IdeaRow:
    id: int
    title: str
    description: str
    status: str
    status_label: str
    side_id: int
    side: str
    visibility: str
    up: int
    down: int
    score: int
    my_vote: int  # 1, -1 or 0
    converted_to: str
    converted_label: str
    converted_url: str
    can_edit: bool


@dataclass
class Choice:
    id: int
    label: str


@dataclass
class Target:
    name: str
    label: str
    choices: list[Choice]


@dataclass
class VersionRow:
    id: int
    number: int
    status: str
    status_label: str
    summary: str
    side_id: int
    side: str
    author: str
    created_at: str
    accepted_side: str
    accepted_at: str | None


@dataclass
class Home:
    current: VersionRow | None
    current_text: str
    waiting: VersionRow | None
    waiting_text: str
    can_accept: bool
    versions: list[VersionRow]
    ideas: list[IdeaRow]
    status: str  # the status the ideas are filtered by ("" for all)
    conversions: list[Target] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        return asdict(self)


def version_row(version: VisionVersion) -> VersionRow:
    author = version.created_by
    return VersionRow(
        id=version.pk,
        number=version.number,
        status=version.status,
        status_label=version.get_status_display(),
        summary=version.summary,
        side_id=version.owner_side_id,
        side=version.owner_side.name,
        author=(author.get_full_name() or author.get_username()) if author else "",
        created_at=version.created_at.isoformat(),
        accepted_side=version.accepted_side.name if version.accepted_side else "",
        accepted_at=version.accepted_at.isoformat() if version.accepted_at else None,
    )


def ideas(access: AllianceAccess, status: str = "") -> list[IdeaRow]:
    """The ideas the reader sees, most votes first; votes counted only on those ideas."""
    visible = access.records(Idea).select_related("owner_side__organisation")
    if status in STATUS_FILTERS:
        visible = visible.filter(status=status)
    found = list(visible)
    tallies = {
        row["idea_id"]: row
        for row in IdeaVote.objects.filter(idea__in=[i.pk for i in found])
        .values("idea_id")
        .annotate(up=Count("id", filter=Q(value=1)), down=Count("id", filter=Q(value=-1)))
    }
    mine: dict[int, int] = defaultdict(int)
    if access.user.is_authenticated:
        for idea_id, value in IdeaVote.objects.filter(
            idea__in=[i.pk for i in found], user=access.user
        ).values_list("idea_id", "value"):
            mine[idea_id] = value
    rows = []
    for idea in found:
        tally = tallies.get(idea.pk, {"up": 0, "down": 0})
        rows.append(
            IdeaRow(
                id=idea.pk,
                title=idea.title,
                description=idea.description,
                status=idea.status,
                status_label=idea.get_status_display(),
                side_id=idea.owner_side_id,
                side=idea.owner_side.name,
                visibility=idea.visibility,
                up=tally["up"],
                down=tally["down"],
                score=tally["up"] - tally["down"],
                my_vote=mine[idea.pk],
                converted_to=idea.converted_to,
                converted_label=idea.converted_label,
                converted_url=idea.converted_url,
                can_edit=access.can_write_on(idea.owner_side_id),
            )
        )
    # Most votes first; among equals the newest (the list came newest first, sort is stable).
    rows.sort(key=lambda r: (-r.score, -r.up))
    return rows


def idea(access: AllianceAccess, pk: Any) -> IdeaRow:
    """One idea as the list shows it (404 when the reader may not see it)."""
    record = access.get_record(Idea, pk)
    return next(r for r in ideas(access) if r.id == record.pk)


def targets(access: AllianceAccess) -> list[Target]:
    """What a shared idea can become, and where, for a user who writes (none otherwise)."""
    if not access.can_write:
        return []
    return [
        Target(t.name, t.label, [Choice(pk, label) for pk, label in t.choices(access, None)])
        for t in conversions.TARGETS.values()
    ]


def home(access: AllianceAccess, status: str = "") -> Home:
    versions = list(
        access.records(VisionVersion).select_related(
            "owner_side__organisation", "accepted_side__organisation", "created_by"
        )
    )
    current = services.current_vision(access)
    waiting = next((v for v in versions if v.status == VisionVersion.Status.PROPOSED), None)
    return Home(
        current=version_row(current) if current else None,
        current_text=current.text if current else "",
        waiting=version_row(waiting) if waiting else None,
        waiting_text=waiting.text if waiting else "",
        can_accept=bool(waiting and services.accepting_sides(access, waiting)),
        versions=[version_row(v) for v in versions],
        ideas=ideas(access, status),
        status=status if status in STATUS_FILTERS else "",
        conversions=targets(access),
    )


@dataclass
class VersionPage:
    version: VersionRow
    text: str
    previous: VersionRow | None
    diff: list[Segment]
    words_added: int
    words_removed: int
    can_accept: bool

    @property
    def data(self) -> dict[str, Any]:
        return asdict(self)


def version(access: AllianceAccess, pk: Any) -> VersionPage:
    """A version and what it changed from the version before it (the whole text is added
    for the first)."""
    record = access.get_record(VisionVersion, pk)
    previous = (
        access.records(VisionVersion)
        .filter(number__lt=record.number)
        .select_related("owner_side__organisation", "accepted_side__organisation", "created_by")
        .order_by("-number")
        .first()
    )
    segments = word_diff(previous.text if previous else "", record.text)
    added, removed = changed_words(segments)
    return VersionPage(
        version=version_row(record),
        text=record.text,
        previous=version_row(previous) if previous else None,
        diff=segments,
        words_added=added,
        words_removed=removed,
        can_accept=bool(services.accepting_sides(access, record)),
    )
