"""The commitment form, used by the pages and the API alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from detente.alliances.models import HistoryEntry, Interaction
from detente.commitments.models import Commitment
from detente.records.forms import DateInput, RecordForm, field
from detente.records.models import Side, Visibility


class CommitmentForm(RecordForm):
    class Meta:
        model = Commitment
        fields = [
            "owed_by",
            "owed_by_person",
            "kind",
            "title",
            "description",
            "due_date",
            "status",
            "done_on",
            "evidence",
            "source_clause",
            "source_interaction",
            "source_history",
            "visibility",
        ]
        widgets = {
            "due_date": DateInput(),
            "done_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        access = self.access
        # Sides of this alliance only: a side id from another alliance is refused.
        field(self, "owed_by", forms.ModelChoiceField).queryset = Side.objects.filter(
            alliance=access.alliance
        )
        self.fields["owed_by"].label = "Owed by"
        # A person of one of the alliance's sides; checked against the owing side in clean.
        field(self, "owed_by_person", forms.ModelChoiceField).queryset = (
            get_user_model()
            .objects.filter(memberships__organisation__in=[s.organisation_id for s in access.sides])
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["owed_by_person"].label = "Person who owes it"
        # Sources: visible records of this alliance only (foreign or private ids are refused).
        field(self, "source_interaction", forms.ModelChoiceField).queryset = access.records(
            Interaction
        )
        self.fields["source_interaction"].label = "From the meeting or call"
        field(self, "source_history", forms.ModelChoiceField).queryset = access.records(
            HistoryEntry
        )
        self.fields["source_history"].label = "From the history entry"
        self.fields["source_clause"].label = "From the agreement clause"
        self.fields["done_on"].help_text = "When it was done; needed when the status is done."
        self.fields[
            "status"
        ].help_text = "Late is not a status: an open commitment past its due date shows as late."

    def clean_done_on(self) -> Any:
        done_on = self.cleaned_data.get("done_on")
        if done_on and done_on > timezone.localdate():
            raise forms.ValidationError("A commitment cannot be done in the future.")
        return done_on

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status, done_on = data.get("status"), data.get("done_on")
        person, owed_by = data.get("owed_by_person"), data.get("owed_by")
        if (
            person is not None
            and owed_by is not None
            and not person.memberships.filter(organisation_id=owed_by.organisation_id).exists()
        ):
            self.add_error("owed_by_person", f"{person} is not a member of {owed_by}.")
        if status == Commitment.Status.DONE and not done_on:
            self.add_error("done_on", "Give the date it was done.")
        if status and status != Commitment.Status.DONE and done_on:
            self.add_error("done_on", "Only a done commitment has a done date.")
        if data.get("visibility") == Visibility.JOINT:
            for name in ("source_interaction", "source_history"):
                source = data.get(name)
                if source is not None and source.is_private:
                    self.add_error(name, "A joint commitment cannot cite a private record.")
        return data
