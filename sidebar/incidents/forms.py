from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.utils import timezone

from sidebar.incidents.models import DEFAULT_FOLLOW_UP_DAYS, GroupSession, Incident, MutualAid
from sidebar.org.models import Person, Unit
from sidebar.team.models import PeerProfile

MAX_FOLLOW_UP_DAY = 730


class PeerMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        unit = f", {obj.person.unit.name}" if obj.person.unit_id else ""
        return f"{obj.person.full_name}{unit}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def serving_peers() -> Any:
    return PeerProfile.objects.filter(
        status__in=[PeerProfile.Status.ACTIVE, PeerProfile.Status.INACTIVE], person__is_active=True
    ).select_related("person__unit")


class FollowUpDaysField(forms.CharField):
    """Days after the incident, written as a list: "2, 7, 30, 90"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Check in again after (days)")
        kwargs.setdefault(
            "help_text",
            "Days after the incident, separated by commas. Peers who take on someone get these check-ins "
            "proposed, with reminders.",
        )
        kwargs.setdefault("initial", ", ".join(str(day) for day in DEFAULT_FOLLOW_UP_DAYS))
        super().__init__(max_length=100, **kwargs)

    def clean(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().clean(value)
        parts = [part for part in re.split(r"[\s,;]+", text or "") if part]
        if not parts:
            raise forms.ValidationError("Give at least one day, for example 2, 7, 30, 90.")
        days = []
        for part in parts:
            if not part.isdigit() or not 1 <= int(part) <= MAX_FOLLOW_UP_DAY:
                raise forms.ValidationError(
                    f"“{part}” is not a number of days between 1 and {MAX_FOLLOW_UP_DAY}. Write them like 2, 7, 30, 90."
                )
            days.append(int(part))
        return sorted(set(days))


class ActivationForm(forms.Form):
    kind = forms.ChoiceField(choices=Incident.Kind.choices, label="What happened", widget=forms.RadioSelect)
    occurred_on = forms.DateField(
        label="When", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    units = UnitMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Units affected",
        help_text="Everyone in these units (and the units inside them) is offered support.",
    )
    people = forms.CharField(
        required=False,
        label="People affected, one by one (work e-mails)",
        help_text="For an injury on duty or a family tragedy, the person; or anyone outside the units above. "
        "Separate several with commas.",
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    witnesses = PeerMultipleChoiceField(
        queryset=PeerProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Peer supporters who were witnesses or parties",
        help_text="They will not be asked to support anyone for this incident. They are offered support like "
        "everyone else if they are in an affected unit or named above.",
    )
    follow_up_days = FollowUpDaysField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = Unit.objects.order_by("name")  # type: ignore[type-arg]
        cast(forms.ModelMultipleChoiceField, self.fields["witnesses"]).queryset = serving_peers()  # type: ignore[type-arg]

    def clean_occurred_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return day

    def clean_people(self) -> list[Person]:
        emails = [part.lower() for part in re.split(r"[\s,;]+", self.cleaned_data.get("people", "")) if part]
        found = {
            person.work_email.lower(): person
            for person in Person.objects.filter(is_active=True).filter(work_email__in=emails)
        }
        missing = [email for email in emails if email not in found]
        if missing:
            raise forms.ValidationError(
                "No current staff member has this work e-mail: " + ", ".join(missing) + ". Check the spelling."
            )
        return [found[email] for email in dict.fromkeys(emails)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("units") and not data.get("people"):
            raise forms.ValidationError("Choose the units affected, or give the work e-mail of the person affected.")
        return data


class FollowUpForm(forms.Form):
    follow_up_days = FollowUpDaysField()


class SessionForm(forms.Form):
    kind = forms.ChoiceField(choices=GroupSession.Kind.choices, widget=forms.RadioSelect, label="Kind of session")
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(min_value=15, max_value=480, initial=90, label="Length (minutes)")
    place = forms.CharField(
        max_length=300, label="Place or video link", help_text="A room people can reach easily, or a video link."
    )
    facilitators = PeerMultipleChoiceField(
        queryset=PeerProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Peer facilitators",
        help_text="Peers trained in group crisis intervention. Witnesses, parties and affected peers who have not "
        "opted in are not listed.",
    )
    clinical_advisor_facilitates = forms.BooleanField(
        required=False, initial=True, label="The clinical advisor facilitates (and is invited)"
    )

    def __init__(self, *args: Any, facilitators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["facilitators"]).queryset = facilitators  # type: ignore[type-arg]

    def clean_starts_at(self) -> datetime.datetime:
        starts: datetime.datetime = self.cleaned_data["starts_at"]
        if starts < timezone.now() - datetime.timedelta(minutes=5):
            raise forms.ValidationError("The start is in the past. Choose a time from now on.")
        return starts


class AttendanceForm(forms.Form):
    attendance = forms.IntegerField(min_value=0, max_value=10000, label="How many came", help_text="A count only.")

    def __init__(self, *args: Any, session: GroupSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if session.invited is not None:  # the browser says so too, before sending
            field = self.fields["attendance"]
            field.widget.attrs["max"] = session.invited
            field.help_text = f"A count only, at most the {session.invited} invited."


class MutualAidForm(forms.Form):
    direction = forms.ChoiceField(choices=MutualAid.Direction.choices, widget=forms.RadioSelect, label="Direction")
    other_agency = forms.CharField(max_length=200, label="The other agency")
    starts_on = forms.DateField(
        label="From", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label="Until (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        min_value=0, max_value=99999, decimal_places=1, initial=0, label="Hours of the whole team (so far)"
    )
    peers = PeerMultipleChoiceField(
        queryset=PeerProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Peers sent out",
        help_text="Each gets an assignment to record their contacts against.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["peers"]).queryset = PeerProfile.objects.filter(  # type: ignore[type-arg]
            status=PeerProfile.Status.ACTIVE
        ).select_related("person__unit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end cannot come before the start.")
        return data
