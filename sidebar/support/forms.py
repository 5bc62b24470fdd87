from __future__ import annotations

import datetime
import secrets
from typing import Any

from django import forms
from django.utils import timezone

from sidebar.org.models import Person
from sidebar.support.categories import (
    ContactMode,
    DeclineReason,
    Language,
    Referral,
    ReferralReason,
    ResponseType,
    SupportKind,
    Topic,
    Urgency,
)
from sidebar.team.models import PeerProfile


class PeerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        unit = f", {obj.person.unit.name}" if obj.person.unit_id else ""
        return f"{obj.person.full_name}{unit}"


def active_peers() -> Any:
    return PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE).select_related("person__unit")


class OneTimeForm(forms.Form):
    """A form that creates something: a random one-time token rides along in a hidden field, so
    a reload, a double click or a second tab sends it once (services consume the token in the
    same transaction as the write). A bound form keeps the token it was sent with."""

    submission = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission"] = secrets.token_urlsafe(24)


class RequestBasicsForm(forms.Form):
    """What every request asks, named or anonymous: how soon, what kind, which topics."""

    urgency = forms.ChoiceField(
        choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect, label="How soon?"
    )
    kind = forms.ChoiceField(
        choices=SupportKind.choices,
        initial=SupportKind.POST_CRISIS,
        widget=forms.RadioSelect,
        label="What kind of support?",
    )
    topics = forms.MultipleChoiceField(
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What is it about? (optional — choose none if you prefer)",
    )


class AskForMyselfForm(OneTimeForm, RequestBasicsForm):
    email = forms.EmailField(
        required=False,
        label="E-mail to reach you (optional)",
        help_text="Leave empty to be reached at your work e-mail.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        required=False,
        max_length=40,
        label="Phone to reach you (optional)",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_times = forms.CharField(
        required=False,
        max_length=200,
        label="When is a good time? (optional)",
        help_text="For example: weekday evenings, not at the office.",
    )
    prefer_same_tier = forms.BooleanField(
        required=False, initial=True, label="Someone at my own level (supervisors are matched with supervisors)"
    )
    prefer_other_unit = forms.BooleanField(required=False, label="Someone from outside my unit")
    language = forms.ChoiceField(choices=[("", "No preference"), *Language.choices], required=False, label="Language")
    requested_peer = PeerChoiceField(
        queryset=PeerProfile.objects.none(),
        required=False,
        empty_label="Anyone suitable",
        label="A peer supporter you would like to talk to (optional)",
    )
    understood = forms.BooleanField(
        label="I have read how confidentiality works and its limits",
        error_messages={"required": "Tick this box to confirm you have read how confidentiality works."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_peer"].queryset = active_peers()


class ReferColleagueForm(OneTimeForm):
    colleague_email = forms.EmailField(label="Your colleague's work e-mail")
    reason = forms.ChoiceField(
        choices=ReferralReason.choices, widget=forms.RadioSelect, label="Why are you reaching out?"
    )
    urgency = forms.ChoiceField(
        choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect, label="How soon?"
    )

    def clean_colleague_email(self) -> Person:
        email = self.cleaned_data["colleague_email"].strip().lower()
        person = Person.objects.filter(work_email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError("No current staff member has this work e-mail. Check the spelling.")
        return person


class AssignForm(forms.Form):
    peer = forms.ModelChoiceField(
        queryset=PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE), widget=forms.HiddenInput
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    reason = forms.ChoiceField(
        choices=[("", "— choose —"), *DeclineReason.choices], required=False, label="Why are you declining?"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("answer") == "decline" and not cleaned.get("reason"):
            self.add_error("reason", "Choose why you decline, so the team leader can find someone else.")
        return cleaned


class ContactForm(OneTimeForm):
    """Statistics only: there is deliberately no place to write what was said."""

    date = forms.DateField(initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(min_value=1, max_value=600, label="Minutes")
    # No default: a peer who does not look must not record a wrong statistic.
    mode = forms.ChoiceField(choices=[("", "— choose —"), *ContactMode.choices], label="How")
    response_type = forms.ChoiceField(choices=[("", "— choose —"), *ResponseType.choices], label="Kind of support")
    topics = forms.MultipleChoiceField(
        choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Topics"
    )
    referrals = forms.MultipleChoiceField(
        choices=Referral.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Referrals made"
    )
    next_check_in = forms.DateField(
        required=False, label="Plan a check-in on (optional)", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("A contact cannot be in the future.")
        return date

    def clean_next_check_in(self) -> datetime.date | None:
        due: datetime.date | None = self.cleaned_data.get("next_check_in")
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date.")
        return due


class CloseForm(forms.Form):
    shred_now = forms.BooleanField(required=False, label="The person asked that their details be deleted now")


class HandBackForm(forms.Form):
    """Why the peer gives an accepted request back: a category, never a story."""

    reason = forms.ChoiceField(
        choices=[("", "— choose —"), *DeclineReason.choices],
        label="Why are you handing it back?",
        error_messages={"required": "Choose why you hand it back, so the team leader can find someone else."},
    )
