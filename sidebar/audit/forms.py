from __future__ import annotations

from django import forms

from sidebar.audit.checkpoints import CheckpointLine, InvalidCheckpoint
from sidebar.audit.models import Action, Result
from sidebar.audit.services import checked_line


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


class VerifyForm(forms.Form):
    """ "Verify the chain now", optionally against a checkpoint line a person kept."""

    checkpoint = forms.CharField(
        required=False,
        max_length=400,
        label="Also compare with this checkpoint (optional)",
        help_text="Paste the line from a checkpoint e-mail or the system log.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_checkpoint(self) -> CheckpointLine | None:
        text = self.cleaned_data["checkpoint"].strip()
        if not text:
            return None
        try:
            return checked_line(text)
        except InvalidCheckpoint as exc:
            raise forms.ValidationError(str(exc)) from exc
