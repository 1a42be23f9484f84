"""Customer overlap runs and the rules of engagement they lead to.

An ``OverlapRun`` is one private set intersection between the two sides, relayed by this
server. The asking side (the record's owner side) posts a request of blinded accounts, the
answering side posts its reply, and the asking side posts the counts it computed on its
own machine. The server stores blinded messages and counts only: it never receives an
account name or domain of either side, and the list of shared accounts (when both sides
agree to reveal it) is computed and shown on each side's own machine, never sent here.

An ``EngagementRule`` is the rule the two sides agree for the accounts they share: who
leads, and when the account is handed over.
"""

from __future__ import annotations

from django.db import models

from detente.records.models import AllianceRecord, Side


class OverlapRun(AllianceRecord):
    answering_side = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="+")
    # The asking side asked for the list of shared accounts, not just counts. Answering
    # such a run is the answering side's consent (its software refuses to answer it
    # otherwise); the asking side consented by asking.
    reveal = models.BooleanField(default=False)
    # Blinded accounts per kind, as the server counted them in the request.
    request_sizes = models.JSONField(default=dict)
    # The library's messages (base64 protocol buffers in JSON): blinded, never plaintext.
    request = models.JSONField()
    reply = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    # What the asking side computed: {its kind: {the other side's kind: count}}.
    counts = models.JSONField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Customer overlap run {self.pk}"

    @property
    def status(self) -> str:
        if self.declined_at:
            return "declined"
        if self.counts is not None:
            return "done"
        if self.reply is not None:
            return "answered"
        return "asked"

    @property
    def total(self) -> int | None:
        if self.counts is None:
            return None
        return sum(n for row in self.counts.values() for n in row.values())


class EngagementRule(AllianceRecord):
    class Leader(models.TextChoices):
        OWNER = "owner", "The side whose customer it already is"
        ASKING = "first", "The side that registered the opportunity first"
        JOINT = "joint", "Both, with one named account lead"

    title = models.CharField(max_length=200, default="Rule of engagement on shared accounts")
    leader = models.CharField(
        "Who leads", max_length=5, choices=Leader.choices, default=Leader.OWNER
    )
    handover = models.TextField(
        "When to hand over",
        help_text="When and how the account passes to the other side, in plain words.",
    )
    run = models.ForeignKey(
        OverlapRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="rules"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
