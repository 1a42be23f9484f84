"""Changes to the ledger that are more than a form: marking a commitment done in one step."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from detente import audit
from detente.commitments.models import Commitment
from detente.records.visibility import AllianceAccess


class AlreadySettled(Exception):
    """The commitment is already done or waived."""


@transaction.atomic
def mark_done(access: AllianceAccess, commitment: Commitment, note: str = "") -> Commitment:
    """Done today; ``note`` (what shows it was done) is added to the evidence. Audited as an
    update. The caller has checked the reader may write the record."""
    if commitment.status in (Commitment.Status.DONE, Commitment.Status.WAIVED):
        raise AlreadySettled(
            f"'{commitment}' is already {commitment.get_status_display().lower()}."
        )
    before = audit.snapshot(commitment)
    commitment.status = Commitment.Status.DONE
    commitment.done_on = timezone.localdate()
    note = note.strip()
    if note:
        commitment.evidence = f"{commitment.evidence}\n{note}".strip()
    commitment.save(update_fields=["status", "done_on", "evidence"])
    audit.log(access.user, "update", commitment, before=before, after=audit.snapshot(commitment))
    return commitment
