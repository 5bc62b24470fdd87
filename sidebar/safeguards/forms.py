from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from sidebar.safeguards.explanations import ExplainedCategory, explained_categories
from sidebar.safeguards.models import ConfidentialityException, Disclosure, PolicyDocument
from sidebar.safeguards.services import NOTE_MAX_LENGTH, consent_problem, follows_advice
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
    """Only the exceptions of the agency's statute template are offered (issue 16, section 4)."""

    category = forms.ChoiceField(
        label="Which exception applies?", choices=ExceptionCategory.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, template_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.explained = {item.code: item for item in explained_categories(template_code)}
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (code, item.label) for code, item in self.explained.items()
        ]

    def options(self) -> list[tuple[Any, ExplainedCategory]]:
        """Each radio button with its statutory test, for the template to show together."""
        return [(radio, self.explained[radio.data["value"]]) for radio in self["category"]]


class AdviceForm(forms.Form):
    advice = forms.ChoiceField(
        label="Your advice", choices=ConfidentialityException.Advice.choices, widget=forms.RadioSelect
    )


class DecisionForm(forms.Form):
    """The decision, and, when it departs from the clinical advisor's advice, the reason from a
    list (never free text)."""

    decision = forms.ChoiceField(
        label="The decision", choices=ConfidentialityException.Decision.choices, widget=forms.RadioSelect
    )
    override_reason = forms.ChoiceField(
        label="If the decision departs from the clinical advisor's advice: why",
        required=False,
        choices=[("", "The decision follows the advice"), *ConfidentialityException.OverrideReason.choices],
        help_text="A decision that follows the advice records the advice as binding. Any other decision needs a reason.",
    )

    def __init__(self, *args: Any, advice: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.advice = advice

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        # Without advice yet the service refuses the step itself, with its own message.
        if self.advice and decision and not follows_advice(self.advice, decision) and not data.get("override_reason"):
            self.add_error(
                "override_reason", "This decision departs from the clinical advisor's advice: choose the reason."
            )
        return data


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
            "It is sealed: only the clinical advisor who advised and the team leader who raised or decided "
            "the exception can read it, every reading is recorded, and it is destroyed with the person's details."
        ),
    )

    written_consent = forms.BooleanField(
        label="Written, signed consent was obtained (after a group session, from every participant)",
        required=False,
        help_text="Needed when the exception or the basis is consent. Record that it exists, never what it says.",
    )
    written_consent_on = forms.DateField(
        label="Date of the written consent",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, exception: ConfidentialityException | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exception = exception

    def clean_disclosed_on(self) -> Any:
        disclosed_on = self.cleaned_data["disclosed_on"]
        if disclosed_on > timezone.localdate():
            raise forms.ValidationError("The date of the disclosure cannot be in the future.")
        return disclosed_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = self.exception.category if self.exception is not None else ""
        problem = consent_problem(
            category=category,
            basis=data.get("basis", ""),
            written_consent=bool(data.get("written_consent")),
            written_consent_on=data.get("written_consent_on"),
            disclosed_on=data.get("disclosed_on"),
        )
        if problem:
            field = "written_consent_on" if data.get("written_consent") else "written_consent"
            self.add_error(field, problem)
        return data
