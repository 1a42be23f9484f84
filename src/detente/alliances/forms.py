"""Forms for alliances and their records. Every choice of a related object is limited to
what the user may see, so an id from another alliance or organisation is refused."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from detente.accounts.models import ROLE_RANK, Membership, Organisation, Role
from detente.alliances.models import HistoryEntry, Interaction, Signal, Stakeholder
from detente.records.forms import DateInput, DateTimeInput, RecordForm, choose_from, field
from detente.records.models import Alliance, Visibility
from detente.records.visibility import AllianceAccess


def managed_organisations(user: Any) -> models.QuerySet[Organisation]:
    """Organisations in which the user may start an alliance (manager or admin)."""
    roles = [r for r, rank in ROLE_RANK.items() if rank >= ROLE_RANK[Role.MANAGER]]
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=roles)


NOT_A_MANAGER = (
    "Only a manager or admin of an organisation may start an alliance for it, and you manage "
    "none. Ask one of your organisation's managers to start it and invite you."
)


def require_managed_organisation(user: Any) -> None:
    """403 for a user who manages no organisation: starting an alliance is a manager's change,
    refused like every other change a role may not make (not a form error on a valid form)."""
    if not managed_organisations(user).exists():
        raise PermissionDenied(NOT_A_MANAGER)


class AllianceForm(forms.ModelForm):
    class Meta:
        model = Alliance
        fields = ["name", "purpose", "kind", "start_date"]
        widgets = {"start_date": DateInput(), "purpose": forms.Textarea(attrs={"rows": 3})}


class NewAllianceForm(AllianceForm):
    my_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Your organisation"
    )
    partners = forms.CharField(
        label="Partner organisations",
        help_text="One name per line. An organisation not yet in detente is created.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = managed_organisations(user)
        field(self, "my_organisation", forms.ModelChoiceField).queryset = mine
        # Sensible defaults: the one organisation a user manages, and today.
        only = list(mine[:2])
        if len(only) == 1:
            self.fields["my_organisation"].initial = only[0].pk
        self.fields["start_date"].initial = timezone.localdate

    def clean_partners(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["partners"].splitlines()]
        names = list(dict.fromkeys(n for n in names if n))
        if not names:
            raise forms.ValidationError("Name at least one partner organisation.")
        for n in names:
            if len(n) > 200:
                raise forms.ValidationError(f"'{n[:20]}…' is longer than 200 characters.")
        return names

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        mine = data.get("my_organisation")
        if mine and mine.name in data.get("partners", []):
            self.add_error("partners", "Your own organisation cannot also be a partner side.")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Alliance.Status.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, alliance: Alliance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alliance = alliance

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        if status == self.alliance.status:
            raise forms.ValidationError(
                f"The alliance is already {self.alliance.get_status_display().lower()}."
            )
        return status


class SideForm(forms.Form):
    organisation = forms.CharField(
        max_length=200, help_text="The organisation's name; created if it is new to detente."
    )
    label = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: Any, alliance: Alliance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alliance = alliance

    def clean_organisation(self) -> str:
        name: str = self.cleaned_data["organisation"].strip()
        if self.alliance.sides.filter(organisation__name=name).exists():
            raise forms.ValidationError(f"{name} already has a side in this alliance.")
        return name


def visible_stakeholders(access: AllianceAccess) -> models.QuerySet[Stakeholder]:
    """The stakeholders a record form may link to: those the user may see."""
    return access.records(Stakeholder).select_related("owner_side__organisation")


def stakeholder_label(stakeholder: Stakeholder) -> str:
    """A stakeholder in a picker: the name and the side, as two sides may have a "Jane"."""
    return f"{stakeholder.name} ({stakeholder.owner_side})"


class StakeholderForm(RecordForm):
    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "title",
            "role",
            "influence",
            "stance",
            "email",
            "phone",
            "user",
            "counterpart",
            "visibility",
        ]
        widgets = {"influence": forms.NumberInput(attrs={"min": 1, "max": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        alliance = self.access.alliance
        counterparts = visible_stakeholders(self.access).exclude(pk=self.instance.pk)
        choose_from(self, "counterpart", counterparts, label=stakeholder_label)
        # Accounts of people in the alliance's organisations only.
        field(self, "user", forms.ModelChoiceField).queryset = (
            get_user_model()
            .objects.filter(memberships__organisation__sides__alliance=alliance)
            .distinct()
        )
        self.fields["user"].label = "detente account"
        # A counterpart the other side has since made private is not in the picker; an
        # edit that leaves the picker empty keeps it rather than removing it unseen.
        self.hidden_counterpart_id = None
        if (
            self.instance.counterpart_id is not None
            and not counterparts.filter(pk=self.instance.counterpart_id).exists()
        ):
            self.hidden_counterpart_id = self.instance.counterpart_id

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        side_id = self.owner_side_id
        counterpart = data.get("counterpart")
        if counterpart is not None and side_id is not None:
            if counterpart.owner_side_id == side_id:
                self.add_error("counterpart", "A counterpart must be on another side.")
            elif data.get("visibility") == Visibility.JOINT and counterpart.is_private:
                self.add_error(
                    "counterpart", "A joint stakeholder cannot be paired with a private one."
                )
        user = data.get("user")
        if user is not None and side_id is not None:
            side = next(s for s in self.access.sides if s.id == side_id)
            if not Membership.objects.filter(
                user=user, organisation_id=side.organisation_id
            ).exists():
                self.add_error("user", "This account does not belong to the side's organisation.")
        return data

    def save(self, commit: bool = True) -> Any:
        if self.cleaned_data.get("counterpart") is None and self.hidden_counterpart_id:
            self.instance.counterpart_id = self.hidden_counterpart_id
        return super().save(commit=commit)


class HistoryEntryForm(RecordForm):
    class Meta:
        model = HistoryEntry
        fields = ["date", "category", "title", "notes", "visibility"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


class SignalForm(RecordForm):
    class Meta:
        model = Signal
        fields = ["date", "kind", "severity", "title", "notes", "visibility"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


class InteractionForm(RecordForm):
    class Meta:
        model = Interaction
        fields = [
            "date",
            "kind",
            "subject",
            "participants",
            "response_requested_at",
            "responded_at",
            "notes",
            "visibility",
        ]
        widgets = {
            "date": DateInput(),
            "response_requested_at": DateTimeInput(),
            "responded_at": DateTimeInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "participants": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "participants", visible_stakeholders(self.access), stakeholder_label)

    def _save_m2m(self) -> None:
        # The picker lists only the stakeholders this user may see; the others (another
        # side's people it has since made private) are not this user's to remove.
        hidden = []
        if self.instance.pk is not None:
            visible = visible_stakeholders(self.access).values("pk")
            hidden = list(self.instance.participants.exclude(pk__in=visible))
        super()._save_m2m()  # type: ignore[misc]  # the stubs omit ModelForm._save_m2m
        if hidden:
            self.instance.participants.add(*hidden)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        asked, answered = data.get("response_requested_at"), data.get("responded_at")
        if answered and not asked:
            self.add_error("responded_at", "Give when the response was asked for first.")
        elif asked and answered and answered < asked:
            self.add_error("responded_at", "The response cannot come before it was asked for.")
        if data.get("visibility") == Visibility.JOINT:
            private = [p.name for p in data.get("participants") or [] if p.is_private]
            if private:
                self.add_error(
                    "participants",
                    "A joint interaction cannot list private stakeholders: " + ", ".join(private),
                )
        return data


TIMELINE_FORMS: dict[str, type[RecordForm]] = {
    "history": HistoryEntryForm,
    "signal": SignalForm,
    "interaction": InteractionForm,
}
