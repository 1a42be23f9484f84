"""What the agreement pages show: one function per page builds it for the page and its JSON
twin.

``home`` is the agreement page and ``GET .../agreement/versions``; ``version`` is a
version's page and ``GET .../agreement/versions/{pk}``; ``compare`` is the comparison page
and ``GET .../agreement/diff``. Everything reads through the visibility rule; each part is
read lazily and at most once.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Prefetch

from detente.agreements import diff
from detente.agreements.models import AgreementVersion, Signature
from detente.records.visibility import AllianceAccess

Status = AgreementVersion.Status


def visible_versions(access: AllianceAccess) -> list[AgreementVersion]:
    """The versions the reader may see, newest first, each with its signatures."""
    signatures = Signature.objects.select_related("signed_by", "side__organisation")
    return list(
        access.records(AgreementVersion)
        .select_related("owner_side__organisation", "created_by", "proposed_by")
        .prefetch_related(Prefetch("signatures", queryset=signatures))
    )


def side_names(access: AllianceAccess) -> dict[int, str]:
    return {s.id: str(s) for s in access.sides}


class Home:
    """The versions, the one in force, the one waiting for signatures and the drafts."""

    def __init__(self, access: AllianceAccess) -> None:
        self.access = access

    @cached_property
    def versions(self) -> list[AgreementVersion]:
        return visible_versions(self.access)

    @cached_property
    def visible_ids(self) -> set[int]:
        return {v.pk for v in self.versions}

    @property
    def in_force(self) -> AgreementVersion | None:
        return next((v for v in self.versions if v.status == Status.IN_FORCE), None)

    @property
    def pending(self) -> AgreementVersion | None:
        return next((v for v in self.versions if v.status == Status.PROPOSED), None)

    @property
    def drafts(self) -> list[AgreementVersion]:
        return [v for v in self.versions if v.status == Status.DRAFT]

    @property
    def shown(self) -> AgreementVersion | None:
        """The version the page shows: in force, else waiting, else the newest draft."""
        drafts = self.drafts
        return self.in_force or self.pending or (drafts[0] if drafts else None)


def home(access: AllianceAccess) -> Home:
    return Home(access)


class Version:
    """One visible version (else 404), the version it is based on and the other versions."""

    def __init__(self, access: AllianceAccess, pk: Any) -> None:
        self.access = access
        self.version = access.get_record(AgreementVersion, pk)

    @cached_property
    def others(self) -> list[AgreementVersion]:
        return [v for v in visible_versions(self.access) if v.pk != self.version.pk]

    @cached_property
    def based_on(self) -> AgreementVersion | None:
        """Only when the reader may see it (a private draft of the other side stays hidden)."""
        if not self.version.based_on_id:
            return None
        return self.access.records(AgreementVersion).filter(pk=self.version.based_on_id).first()


def version(access: AllianceAccess, pk: Any) -> Version:
    return Version(access, pk)


class Comparison:
    """What changed between two versions: the two asked for (both, else neither), else the
    newest numbered version against the one before it."""

    def __init__(self, access: AllianceAccess, a: Any = None, b: Any = None) -> None:
        self.access = access
        self.a: AgreementVersion | None = None
        self.b: AgreementVersion | None = None
        self.parts: list[diff.PartDiff] = []
        if a is not None and b is not None:
            self.a = access.get_record(AgreementVersion, a)
            self.b = access.get_record(AgreementVersion, b)
            self.parts = diff.diff(self.a.content, self.b.content, side_names(access))
        elif len(self.versions) >= 2:
            versions = self.versions
            numbered = (
                [v for v in versions if v.number]
                if sum(1 for v in versions if v.number) >= 2
                else versions
            )
            self.b, self.a = numbered[0], numbered[1]
            self.parts = diff.diff(self.a.content, self.b.content, side_names(access))

    @cached_property
    def versions(self) -> list[AgreementVersion]:
        return visible_versions(self.access)


def compare(access: AllianceAccess, a: Any = None, b: Any = None) -> Comparison:
    return Comparison(access, a, b)
