from __future__ import annotations

from django import forms

from sidebar.audit.models import Action, Result


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(choices=[("", "Any action"), *Action.choices], required=False)
    result = forms.ChoiceField(choices=[("", "Any result"), *Result.choices], required=False)
    since = forms.DateField(required=False, label="From (date)", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To (date)", widget=forms.DateInput(attrs={"type": "date"}))
    object_id = forms.CharField(required=False, max_length=64, label="Object id")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be on or after the start date.")
        return cleaned
