from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from sidebar.lib.people import PersonChoiceField
from sidebar.org.models import Unit
from sidebar.support.categories import Language, Topic
from sidebar.team.models import PeerProfile, PeerStatusChange
from sidebar.team.photos import MAX_BYTES, PhotoError, clean_photo
from sidebar.team.selectors import directory_units
from sidebar.team.services import STATUS_CHANGES

# English is taken for granted: the lists offer the other languages.
OTHER_LANGUAGES = [(code, label) for code, label in Language.choices if code != Language.ENGLISH]
# "Other / not disclosed" describes a request, not something a peer prepares for.
SKILLS = [(code, label) for code, label in Topic.choices if code != Topic.OTHER]


class DirectoryFilterForm(forms.Form):
    """The directory's filters, sent as a GET query so they work without JavaScript."""

    language = forms.ChoiceField(choices=[("", "Any language"), *OTHER_LANGUAGES], required=False, label="Speaks")
    level = forms.ChoiceField(choices=[("", "Any level"), *PeerProfile.Level.choices], required=False, label="Level")
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, empty_label="Any unit", label="Unit"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = directory_units()  # type: ignore[type-arg]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is shown with its error and left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"language": data.get("language", ""), "level": data.get("level", ""), "unit": data.get("unit")}


class OwnProfileForm(forms.Form):
    introduction = forms.CharField(
        max_length=400,
        required=False,
        label="A few words about you",
        help_text="Up to 400 characters. Every staff member can read this in the peer directory.",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 400}),
    )
    languages = forms.MultipleChoiceField(
        choices=OTHER_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Languages you can support someone in, besides English",
    )
    skills = forms.MultipleChoiceField(
        choices=SKILLS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What you are prepared to help with",
        help_text="The team leader's suggestions prefer peers prepared for what a person asks about.",
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=10,
        label="Open requests at most",
        help_text="From 1 to 10. No new requests are offered to you while you have this many.",
    )
    photo = forms.FileField(
        required=False,
        label="A photo for the directory (optional)",
        help_text="JPEG or PNG, up to 400 KB. Sidebar removes the hidden details a phone adds (such as where it "
        "was taken). Only signed-in staff see it.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    remove_photo = forms.BooleanField(required=False, label="Remove my photo")
    unavailable_until = forms.DateField(
        required=False,
        label="Away until (optional)",
        help_text="No new requests are offered to you up to and including this day. Leave empty when you are around.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    @classmethod
    def for_peer(cls, peer: PeerProfile) -> OwnProfileForm:
        return cls(
            initial={
                "introduction": peer.introduction,
                "languages": peer.languages,
                "skills": peer.skills,
                "capacity": peer.capacity,
                "unavailable_until": peer.unavailable_until,
            }
        )

    def clean_photo(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return clean_photo(upload.read(MAX_BYTES + 1))
        except PhotoError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_unavailable_until(self) -> datetime.date | None:
        until: datetime.date | None = self.cleaned_data.get("unavailable_until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date, or leave it empty.")
        return until


class OnCallForm(forms.Form):
    on_call = forms.TypedChoiceField(
        choices=[("on", "On call"), ("off", "Not on call")], coerce=lambda value: value == "on"
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        help_text="On leave, a peer keeps the requests they have but gets no new ones. Removed or stepped down, "
        "they are off the directory and the suggestions at once, lose access to their requests, and those "
        "requests go back to the queue for someone else.",
    )

    reason = forms.ChoiceField(
        label="Reason for a removal",
        required=False,
        choices=[("", "Choose…"), *PeerStatusChange.RemovalReason.choices],
        help_text="For a removal only: the category, for the record. Write nothing else down.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == PeerProfile.Status.REMOVED and not data.get("reason"):
            self.add_error("reason", "Choose the reason for the removal.")
        return data

    def __init__(self, *args: Any, peer: PeerProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_CHANGES.get(peer.status, ())
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", "Choose…"),
            *((status.value, status.label) for status in allowed),
        ]


class ShiftForm(forms.Form):
    peer = PersonChoiceField(queryset=PeerProfile.objects.none(), label="Peer supporter")
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Until (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["peer"])  # type: ignore[type-arg]
        field.queryset = PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE).select_related("person__unit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day cannot come before the first.")
        if starts and starts < timezone.localdate() - datetime.timedelta(days=1):
            self.add_error("starts_on", "The rota is for today and the days ahead.")
        return data
