"""The two forms of internal approval: asking colleagues, and answering."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from detente.approvals.models import Decision
from detente.records.models import Side


def colleagues(side: Side, user: Any) -> Any:
    """The people of ``side`` other than ``user``: who may be named as approvers."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id=side.organisation_id)
        .exclude(pk=user.pk)
        .order_by("full_name", "email")
        .distinct()
    )


class RequestForm(forms.Form):
    approvers = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Colleagues of your side who must approve before it goes to the partner.",
        error_messages={"required": "Name at least one colleague who must approve."},
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What they should look at (only your side reads it).",
    )

    def __init__(self, *args: Any, side: Side, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approvers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = colleagues(side, user)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.APPROVED, "Approve"), (Decision.CHANGES, "Ask for changes")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Required when you ask for changes: say what should change.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.CHANGES and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what should change when you ask for changes.")
        return data
