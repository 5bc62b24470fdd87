from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from sidebar.safeguards.explanations import CATEGORY_EXPLANATIONS
from sidebar.safeguards.models import ConfidentialityException, Disclosure, PolicyDocument
from sidebar.safeguards.services import NOTE_MAX_LENGTH
from sidebar.support.categories import ExceptionCategory


class PublishForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Plain text. Leave a blank line between paragraphs.",
    )

    @classmethod
    def starting_from(cls, document: PolicyDocument | None) -> PublishForm:
        """A form filled with the current version, to edit into the next one."""
        return cls(initial={"title": document.title, "body": document.body} if document else None)


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RaiseForm(forms.Form):
    category = forms.ChoiceField(
        label="Which exception applies?", choices=ExceptionCategory.choices, widget=forms.RadioSelect
    )

    def options(self) -> list[tuple[Any, str]]:
        """Each radio button with its plain explanation, for the template to show together."""
        return [(radio, CATEGORY_EXPLANATIONS[radio.data["value"]]) for radio in self["category"]]


class AdviceForm(forms.Form):
    advice = forms.ChoiceField(
        label="Your advice", choices=ConfidentialityException.Advice.choices, widget=forms.RadioSelect
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The decision", choices=ConfidentialityException.Decision.choices, widget=forms.RadioSelect
    )


class DisclosureForm(forms.Form):
    recipient = forms.ChoiceField(label="Disclosed to", choices=[("", "Choose…"), *Disclosure.Recipient.choices])
    disclosed_on = forms.DateField(label="Date of the disclosure", widget=forms.DateInput(attrs={"type": "date"}))
    basis = forms.ChoiceField(label="Basis", choices=[("", "Choose…"), *Disclosure.Basis.choices])
    person_told = forms.TypedChoiceField(
        label="Was the person told?",
        choices=[("yes", "Yes, the person was told"), ("no", "No, the person was not told")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"At most {NOTE_MAX_LENGTH} characters, only what the record needs — never what was said. "
            "It is sealed: only the clinical advisor and the team leader can read it, and every reading is recorded."
        ),
    )

    def clean_disclosed_on(self) -> Any:
        disclosed_on = self.cleaned_data["disclosed_on"]
        if disclosed_on > timezone.localdate():
            raise forms.ValidationError("The date of the disclosure cannot be in the future.")
        return disclosed_on
