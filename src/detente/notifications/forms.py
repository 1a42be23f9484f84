from __future__ import annotations

from typing import Any

from django import forms

from detente.notifications.models import EMAILED_ELSEWHERE, EmailMode, Kind, Webhook


class PreferencesForm(forms.Form):
    """Two fields per kind of event: in the inbox (yes/no) and email (each, digest, none)."""

    def __init__(self, *args: Any, current: dict[str, tuple[bool, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind in Kind:
            in_app, email = current[kind]
            self.fields[f"{kind}_in_app"] = forms.BooleanField(
                required=False, initial=in_app, label=f"{kind.label}: in the inbox"
            )
            self.fields[f"{kind}_email"] = forms.ChoiceField(
                choices=EmailMode.choices,
                initial=email,
                label=f"{kind.label}: email",
                disabled=kind in EMAILED_ELSEWHERE,
            )
            self.rows.append(
                (kind, self[f"{kind}_in_app"], self[f"{kind}_email"], kind in EMAILED_ELSEWHERE)
            )


class WebhookForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label="URL (https://…)")
    kinds = forms.MultipleChoiceField(
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every kind your side may see.",
    )

    class Meta:
        model = Webhook
        fields = ["owner_side", "label", "url", "kinds"]
        labels = {"owner_side": "For side", "url": "URL (https://…)"}

    def __init__(self, *args: Any, sides: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_side = self.fields["owner_side"]
        if not isinstance(owner_side, forms.ModelChoiceField) or owner_side.queryset is None:
            raise TypeError("owner_side must be a ModelChoiceField with a queryset")
        owner_side.queryset = owner_side.queryset.filter(pk__in=[s.pk for s in sides])
        owner_side.empty_label = None

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("The URL must start with https:// or http://.")
        return url
