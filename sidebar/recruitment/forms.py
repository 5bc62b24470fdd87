from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django import forms

from sidebar.lib.people import PersonMultipleChoiceField
from sidebar.org.models import Person, Unit
from sidebar.recruitment.models import (
    ANSWER_MAX_LENGTH,
    DEFAULT_QUESTIONS,
    DEFAULT_RUBRIC,
    REASON_MAX_LENGTH,
    Application,
    Round,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_SCORE = 10


def questions_text(questions: list[dict[str, Any]]) -> str:
    return "\n".join(("* " if q.get("required") else "") + str(q["text"]) for q in questions)


def rubric_text(rubric: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['name']} | {c['max']}" for c in rubric)


class RoundForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Peer support team: call for members")
    job_description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What a peer supporter does, the time it takes, the training, and who makes a good one.",
    )
    announcement = forms.CharField(
        label="Announcement e-mail",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Sent to staff with a link to the job description, nominations and applications.",
    )
    opens_on = forms.DateField(label="Applications open on", widget=DATE)
    closes_on = forms.DateField(label="Applications close on", widget=DATE, help_text="Inclusive.")
    questions = forms.CharField(
        label="Screening questionnaire",
        widget=forms.Textarea(attrs={"rows": 7}),
        initial=questions_text(DEFAULT_QUESTIONS),
        help_text="One question per line. Start a line with * to make the question required.",
    )
    rubric = forms.CharField(
        label="Interview rubric",
        widget=forms.Textarea(attrs={"rows": 6}),
        initial=rubric_text(DEFAULT_RUBRIC),
        help_text=f"One criterion per line: its name, a bar |, and the highest score (1 to {MAX_SCORE}).",
    )
    audience = forms.ChoiceField(
        label="Announce to", choices=Round.Audience.choices, initial=Round.Audience.ALL, widget=forms.RadioSelect
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Units",
        help_text="Only when announcing to chosen units; the units below them are included.",
    )

    @classmethod
    def for_round(cls, round_: Round) -> RoundForm:
        return cls(
            initial={
                "title": round_.title,
                "job_description": round_.job_description,
                "announcement": round_.announcement,
                "opens_on": round_.opens_on,
                "closes_on": round_.closes_on,
                "questions": questions_text(round_.questions),
                "rubric": rubric_text(round_.rubric),
                "audience": round_.audience,
                "units": list(round_.units.all()),
            }
        )

    def clean_questions(self) -> list[dict[str, Any]]:
        questions = []
        for line in self.cleaned_data["questions"].splitlines():
            text = line.strip()
            required = text.startswith("*")
            text = text.lstrip("*").strip()
            if text:
                questions.append({"text": text[:300], "required": required})
        if not questions:
            raise forms.ValidationError("Write at least one question.")
        return questions

    def clean_rubric(self) -> list[dict[str, Any]]:
        rubric = []
        for number, line in enumerate(self.cleaned_data["rubric"].splitlines(), start=1):
            if not line.strip():
                continue
            name, bar, maximum = line.rpartition("|")
            if not bar or not name.strip() or not maximum.strip().isdigit() or not 1 <= int(maximum) <= MAX_SCORE:
                raise forms.ValidationError(
                    f"Line {number} should read like “Listening | 5” (a name, a bar, a number from 1 to {MAX_SCORE})."
                )
            rubric.append({"name": name.strip()[:120], "max": int(maximum)})
        if not rubric:
            raise forms.ValidationError("Give the panel at least one criterion.")
        return rubric

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The window must close on or after the day it opens.")
        if data.get("audience") == Round.Audience.UNITS and not data.get("units"):
            self.add_error("units", "Choose at least one unit, or announce to all active staff.")
        return data


class NomineeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name}, {obj.unit.name}" if obj.unit else obj.full_name


class NominationForm(forms.Form):
    nominee = NomineeField(queryset=Person.objects.none(), label="Colleague", empty_label="Choose a colleague…")
    reason = forms.CharField(
        label="Why would they make a good peer supporter?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"A sentence or two, at most {REASON_MAX_LENGTH} characters. Only the team leader reads it; "
        "your colleague is not told who nominated them.",
    )

    def __init__(self, *args: Any, nominees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = nominees


class ApplicationForm(forms.Form):
    """One text box per question of the round; the required ones are marked and enforced."""

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, question in enumerate(round_.questions):
            self.fields[f"answer_{n}"] = forms.CharField(
                label=str(question["text"]),
                required=bool(question.get("required")),
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="" if question.get("required") else "Optional.",
                error_messages={"required": "This question needs an answer."},
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=[(s, s) for s in (Application.Status.SCREENING, Application.Status.INTERVIEW)])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The decision",
        widget=forms.RadioSelect,
        choices=[
            (Application.Status.SELECTED, "Selected: joins the team and starts onboarding"),
            (Application.Status.NOT_NOW, "Not now: encouraged to apply again in a later round"),
            (Application.Status.DECLINED, "Declined"),
        ],
    )


class PanelistField(PersonMultipleChoiceField):
    @staticmethod
    def person_of(obj: Any) -> Any:
        # an account without a staff record is named by its address
        return getattr(obj, "person", None) or SimpleNamespace(full_name=obj.email, unit_id=None, title="")


class PanelForm(forms.Form):
    members = PanelistField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Panelists",
        help_text="Peer supporters, the clinical advisor and team leaders can sit on the panel.",
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = choices


class ScoreForm(forms.Form):
    """A score per rubric criterion, or a declared conflict instead."""

    conflict = forms.BooleanField(
        required=False,
        label="I have a conflict of interest with this candidate (I will not score them)",
    )

    def __init__(self, *args: Any, rubric: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, criterion in enumerate(rubric):
            self.fields[f"criterion_{n}"] = forms.IntegerField(
                label=f"{criterion['name']} (0 to {criterion['max']})",
                min_value=0,
                max_value=int(criterion["max"]),
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def criterion_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("criterion_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("conflict"):
            for name in self.fields:
                if name.startswith("criterion_") and data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Give a score, or declare a conflict.")
        return data

    def points(self) -> list[int] | None:
        if self.cleaned_data.get("conflict"):
            return None
        return [self.cleaned_data[name] for name in self.fields if name.startswith("criterion_")]
