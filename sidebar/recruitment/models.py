"""Recruitment: a round (job description, announcement, application window, screening
questionnaire, interview rubric), nominations by colleagues, applications, the interview panel
and its scores. Selection hands over to the team's roster (sidebar.team.models.PeerProfile)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models

from sidebar.org.models import Person, Unit
from sidebar.team.models import PeerProfile

REASON_MAX_LENGTH = 300
ANSWER_MAX_LENGTH = 2000

# Defaults the team leader edits per round; drawn from the seeds (who makes a good peer supporter).
DEFAULT_QUESTIONS: list[dict[str, object]] = [
    {"text": "Why would you like to join the peer support team?", "required": True},
    {"text": "Tell us about a time a colleague came to you when things were hard. What did you do?", "required": True},
    {
        "text": "Peer supporters keep what they hear in confidence, with a few exceptions. How do you feel about that?",
        "required": True,
    },
    {"text": "How much time could you give in a typical month, and at what hours?", "required": True},
    {"text": "Anything else we should know (languages, experience, training)?", "required": False},
]
DEFAULT_RUBRIC: list[dict[str, object]] = [
    {"name": "Listening", "max": 5},
    {"name": "Judgement about confidentiality", "max": 5},
    {"name": "Credibility with colleagues", "max": 5},
    {"name": "Availability", "max": 5},
    {"name": "Self-care and knowing their limits", "max": 5},
]


class Round(models.Model):
    """One recruitment round: what the team looks for, when applications are open, what
    applicants answer and what the panel scores."""

    class Audience(models.TextChoices):
        ALL = "all", "All active staff"
        UNITS = "units", "Chosen units (and the units below them)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    job_description = models.TextField()
    announcement = models.TextField(help_text="The text of the e-mail to staff.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    # [{"text": str, "required": bool}, ...] and [{"name": str, "max": int}, ...]; an answer or a
    # score refers to its question or criterion by position, and both are frozen once used.
    questions = models.JSONField(default=list)
    rubric = models.JSONField(default=list)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ALL)
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    announced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: datetime.date) -> bool:
        """Nominations and applications are taken (announced, and today within the window)."""
        return self.announced_at is not None and self.opens_on <= today <= self.closes_on


class Nomination(models.Model):
    """A colleague thinks ``nominee`` would make a good peer supporter. The nominee is told they
    were nominated, never by whom."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    declined_at = models.DateTimeField(null=True, blank=True, help_text="The nominee said no, thank you.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "nominee", "nominated_by"], name="nominate_once_per_round")
        ]

    def __str__(self) -> str:
        return f"nomination {self.pk}"


class Application(models.Model):
    """A candidate's answers to the round's questionnaire, and where the candidate stands."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SCREENING = "screening", "Screening"
        INTERVIEW = "interview", "Interview"
        SELECTED = "selected", "Selected"
        NOT_NOW = "not_now", "Not now"
        DECLINED = "declined", "Declined"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # one answer per question of the round, by position ("" for an optional one left blank)
    answers = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    screening_at = models.DateTimeField(null=True, blank=True)
    interview_at = models.DateTimeField(null=True, blank=True, help_text="When the candidate went to the panel.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    peer = models.ForeignKey(PeerProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["submitted_at"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="apply_once_per_round")]

    def __str__(self) -> str:
        return f"application {self.pk}"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED


DECIDED = (Application.Status.SELECTED, Application.Status.NOT_NOW, Application.Status.DECLINED)


class PanelMember(models.Model):
    """An account on a round's interview panel."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="on_a_panel_once")]

    def __str__(self) -> str:
        return f"panel member {self.pk}"


class Score(models.Model):
    """One panelist's submitted scores for one candidate (or their declared conflict, and then
    no scores). Submitted once; other panelists' scores open to them only after this."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    panelist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conflict = models.BooleanField(default=False)
    points = models.JSONField(default=list, help_text="One score per rubric criterion, by position.")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at"]
        constraints = [models.UniqueConstraint(fields=["application", "panelist"], name="score_once")]

    def __str__(self) -> str:
        return f"score {self.pk}"

    @property
    def total(self) -> int:
        return sum(self.points)
