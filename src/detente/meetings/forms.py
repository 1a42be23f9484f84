from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib.auth import get_user_model

from detente.meetings.models import Cadence, Meeting
from detente.records.forms import DateTimeInput, RecordForm
from detente.records.models import Visibility


def alliance_people(access: Any) -> Any:
    """The people of every side of the alliance (attendees come from both sides)."""
    orgs = [s.organisation_id for s in access.sides]
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id__in=orgs, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def person_label(user: Any) -> str:
    return user.full_name or user.email


class MeetingForm(RecordForm):
    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "location",
            "purpose",
            "attendees",
            "visibility",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "attendees": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attendees = self.fields["attendees"]
        assert isinstance(attendees, forms.ModelMultipleChoiceField)
        attendees.queryset = alliance_people(self.access)
        attendees.label_from_instance = person_label  # type: ignore[method-assign, assignment]
        self.fields[
            "visibility"
        ].help_text = (
            "An internal preparation is always private to your side; the other kinds are joint."
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind") or self.instance.kind
        if kind == Meeting.Kind.PREPARATION:
            data["visibility"] = Visibility.PRIVATE
            side_id = self.owner_side_id
            for person in data.get("attendees") or []:
                if (
                    side_id is not None
                    and not person.memberships.filter(organisation__sides__pk=side_id).exists()
                ):
                    self.add_error(
                        "attendees",
                        f"{person_label(person)} is not on your side: "
                        "an internal preparation is for your side only.",
                    )
        elif data.get("visibility") == Visibility.PRIVATE:
            self.add_error("visibility", "Only an internal preparation is private; choose joint.")
        return data

    def save(self, commit: bool = True) -> Meeting:
        self.instance.visibility = self.cleaned_data["visibility"]
        saved: Meeting = super().save(commit=commit)
        return saved


class CadenceForm(forms.ModelForm):
    class Meta:
        model = Cadence
        fields = [
            "health_check_months",
            "operational_months",
            "strategy_months",
            "time_zone",
            "meeting_day",
            "meeting_time",
            "active",
        ]
        widgets = {"meeting_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args: Any, access: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access

    def clean_time_zone(self) -> str:
        name: str = self.cleaned_data["time_zone"].strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                f"'{name}' is not a time zone; write it like Europe/Paris or America/New_York."
            ) from None
        return name


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="New item", max_length=300)
    detail = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionRowForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    side = forms.CharField(required=False)
    owner = forms.CharField(required=False)
    due_date = forms.CharField(required=False)
