"""An agreement draft as a kind of record a side approves internally before proposing or
signing it (see ``detente.approvals``)."""

from __future__ import annotations

from detente.agreements.models import AgreementVersion
from detente.approvals.registry import ApprovalKind, register

KIND = "agreement_version"

register(
    ApprovalKind(
        key=KIND,
        label="Agreement version",
        model=AgreementVersion,
        url_name="agreement_version",
        # What colleagues approve: the words of the version (not its number or status,
        # which proposing changes).
        content=lambda v: {"title": v.title, "summary": v.summary, "content": v.content},
    )
)
