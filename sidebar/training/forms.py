from __future__ import annotations

from typing import Any, cast

from django import forms

from sidebar.lib.people import PersonMultipleChoiceField
from sidebar.team.models import PeerProfile
from sidebar.training.defaults import POLL_TOPICS
from sidebar.training.models import Course, NeedsPoll, TrainingSession
from sidebar.training.selectors import attendance_candidates


class CourseForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")
    is_basic = forms.BooleanField(
        required=False,
        label="This is basic training",
        help_text="Its hours count towards the basic peer support training a member completes before serving; "
        "every other course counts as continuing education.",
    )
    description = forms.CharField(
        max_length=400,
        required=False,
        label="Short description (optional)",
        help_text="Up to 400 characters.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 400}),
    )
    active = forms.BooleanField(
        required=False, initial=True, label="Offered now", help_text="Untick to stop scheduling it; its history stays."
    )

    @classmethod
    def for_course(cls, course: Course) -> CourseForm:
        return cls(
            initial={
                "name": course.name,
                "is_basic": course.is_basic,
                "description": course.description,
                "active": course.active,
            }
        )


class SessionForm(forms.Form):
    course: forms.ModelChoiceField[Course] = forms.ModelChoiceField(
        queryset=Course.objects.none(), empty_label="Choose…", label="Course"
    )
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        min_value=0.5,
        max_value=40,
        max_digits=4,
        decimal_places=1,
        label="Hours",
        help_text="Each attendee is credited with these hours, e.g. 1.5.",
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    trainer = forms.CharField(max_length=120, label="Trainer", help_text="Usually the program's licensed professional.")
    online = forms.BooleanField(required=False, label="Online")
    place = forms.CharField(
        max_length=120, required=False, label="Place", help_text="Where it is held; leave empty when online."
    )

    def __init__(self, *args: Any, session: TrainingSession | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = Course.objects.filter(active=True)
        if session is not None:  # a course retired since keeps its sessions editable
            offered = offered | Course.objects.filter(pk=session.course_id)
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = offered.order_by("-is_basic", "name")  # type: ignore[type-arg]

    @classmethod
    def for_session(cls, session: TrainingSession) -> SessionForm:
        initial = {
            "course": session.course_id,
            "date": session.date,
            "hours": session.hours,
            "trainer": session.trainer,
            "online": session.online,
            "place": session.place,
        }
        return cls(initial=initial, session=session)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", "Say where the session is held, or tick “Online”.")
        return data


class PeerChoiceField(PersonMultipleChoiceField):
    def decorate(self, obj: PeerProfile, label: str) -> str:
        return f"{label} ({obj.get_status_display().lower()})"


class AttendanceForm(forms.Form):
    peers = PeerChoiceField(
        queryset=PeerProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who attended",
        help_text="Tick everyone who attended; untick someone recorded by mistake.",
    )

    def __init__(self, *args: Any, session: TrainingSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["peers"]).queryset = attendance_candidates(session)  # type: ignore[type-arg]
        if not self.is_bound:
            self.initial["peers"] = list(session.attendances.values_list("peer_id", flat=True))


class PollForm(forms.Form):
    question = forms.CharField(max_length=200, initial="What training would help you?", label="Question")
    courses = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Courses to offer as choices"
    )
    topics = forms.MultipleChoiceField(
        choices=[(topic, topic) for topic in POLL_TOPICS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Other topics to offer",
    )
    more_topics = forms.CharField(
        required=False,
        max_length=600,
        label="More topics (optional)",
        help_text="One a line, up to 5. Members only tick choices: they cannot write anything.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = list(Course.objects.filter(active=True).order_by("-is_basic", "name").values_list("name", flat=True))
        cast(forms.MultipleChoiceField, self.fields["courses"]).choices = [(name, name) for name in names]
        if not self.is_bound:
            self.initial["courses"] = [name for name in names]

    def clean_more_topics(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("more_topics", "").splitlines() if line.strip()]
        if len(lines) > 5:
            raise forms.ValidationError("Up to 5 more topics, one a line.")
        if any(len(line) > 120 for line in lines):
            raise forms.ValidationError("Keep each topic under 120 characters.")
        return lines

    def labels(self) -> list[str]:
        data = self.cleaned_data
        return [*data["courses"], *data["topics"], *data["more_topics"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = {*data.get("courses", []), *data.get("topics", []), *(data.get("more_topics") or [])}
        if "more_topics" in data and len(chosen) < 2:
            raise forms.ValidationError("Offer at least two choices.")
        return data


class PollAnswerForm(forms.Form):
    choices = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Tick everything that would help you",
        error_messages={"required": "Tick at least one choice."},
    )

    def __init__(self, *args: Any, poll: NeedsPoll, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["choices"]).choices = [
            (choice.pk, choice.label) for choice in poll.choices.all()
        ]
        self.fields["choices"].label = poll.question


class AnnouncementForm(forms.Form):
    """The title becomes the e-mail's subject line, so it stays on one line."""

    title = forms.CharField(max_length=120, label="Title", help_text="E.g. “Webinar on secondary trauma, 12 March”.")
    body = forms.CharField(
        max_length=2000,
        label="Message",
        help_text="Up to 2,000 characters. It is e-mailed as written to every active and in-training peer: "
        "never write about a person or a request here.",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
    )

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"]
        if "\n" in title or "\r" in title:
            raise forms.ValidationError("Keep the title on one line.")
        return title
