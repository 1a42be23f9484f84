"""Forms of the vision pages; the API validates its input through the same forms."""

from __future__ import annotations

from typing import Any

from django import forms

from detente.records.forms import RecordForm
from detente.records.models import Side, Visibility
from detente.records.visibility import AllianceAccess
from detente.vision.models import Idea, VisionVersion


class VisionForm(forms.ModelForm):
    """A proposed revision of the vision: the whole text, what it changes, and the side that
    proposes it (a side the user writes for)."""

    side = forms.ModelChoiceField(queryset=Side.objects.none(), label="Proposed by")

    class Meta:
        model = VisionVersion
        fields = ["text", "summary"]
        labels = {"text": "The vision", "summary": "What this revision changes"}
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        error_messages = {"text": {"required": "Write the vision."}}

    def __init__(self, *args: Any, access: AllianceAccess, current: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.access = access
        self.current = current
        sides = access.writable_sides
        side = self.fields["side"]
        assert isinstance(side, forms.ModelChoiceField)
        side.queryset = Side.objects.filter(id__in=[s.id for s in sides])
        side.initial = sides[0] if sides else None
        if len(sides) == 1:
            side.widget = forms.HiddenInput()

    def clean_text(self) -> str:
        text = "\n".join(line.rstrip() for line in self.cleaned_data["text"].strip().splitlines())
        if not text:
            raise forms.ValidationError("Write the vision.")
        if text == self.current:
            raise forms.ValidationError("This is the vision as it stands; change something.")
        return text


class IdeaForm(RecordForm):
    class Meta:
        model = Idea
        fields = ["title", "description", "status", "visibility"]
        labels = {"title": "The idea"}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, access=access, **kwargs)
        self.fields[
            "visibility"
        ].help_text = (
            "Keep it private while your side drafts it; share it when it is ready for a vote."
        )

    def clean_visibility(self) -> str:
        visibility: str = self.cleaned_data["visibility"]
        was = self.instance.visibility if self.instance.pk else None
        if was == Visibility.JOINT and visibility == Visibility.PRIVATE:
            # The other side has seen it and may have voted on it: it cannot be taken back.
            raise forms.ValidationError(
                "A shared idea stays shared; mark it dropped if it is no longer wanted."
            )
        return visibility
