from __future__ import annotations

from django import forms

from detente.relationships.models import ContactCadence


class CadenceForm(forms.ModelForm):
    class Meta:
        model = ContactCadence
        fields = ["days"]
        labels = {"days": "Check in at least every (days)"}
