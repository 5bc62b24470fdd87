"""Training and continuing education: courses, sessions and who attended them, the reminders sent
before the year's hours lapse, training-needs polls, and announcements to the team.

A peer's hours are never stored: they are the sum of the hours of the sessions they attended,
counted when they are read (see sidebar.training.selectors)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from sidebar.team.models import PeerProfile


class Course(models.Model):
    """A kind of training the program gives. The basic course(s) count towards the agency's basic
    training hours; every other course is continuing education."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120, unique=True)
    is_basic = models.BooleanField(
        "basic training", default=False, help_text="Counts towards the basic peer support training hours."
    )
    description = models.CharField(max_length=400, blank=True)
    active = models.BooleanField(default=True, help_text="Inactive courses keep their history but get no new sessions.")

    class Meta:
        ordering = ["-is_basic", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    """One session of a course: a date, its length in hours, the licensed professional (or other
    trainer) who gives it, and where."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    trainer = models.CharField(max_length=120)
    online = models.BooleanField(default=False)
    place = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "course__name"]
        indexes = [models.Index(fields=["date"], name="training_session_date_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_session_hours_positive"),
            models.CheckConstraint(condition=models.Q(hours__lte=40), name="training_session_hours_at_most_40"),
        ]

    def __str__(self) -> str:
        return f"training session {self.pk}"

    @property
    def where(self) -> str:
        return "Online" if self.online else self.place


class Attendance(models.Model):
    """A peer attended a session: credits them with the session's hours."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    peer = models.ForeignKey(PeerProfile, on_delete=models.CASCADE, related_name="training_attendances")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "peer"], name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"attendance {self.pk}"


class TrainingReminder(models.Model):
    """A reminder e-mail sent to a peer below the yearly hours, at one stage (days before the year
    ends) of one year: stored so that each goes once however often the job runs."""

    peer = models.ForeignKey(PeerProfile, on_delete=models.CASCADE, related_name="training_reminders")
    year = models.PositiveSmallIntegerField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "year", "days_before"], name="training_reminder_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"training reminder {self.pk}"


class NeedsPoll(models.Model):
    """A training-needs poll ("what training would help you?"): peers answer once, by choosing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.CharField(max_length=200, default="What training would help you?")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on"]

    def __str__(self) -> str:
        return f"needs poll {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class PollChoice(models.Model):
    """One choice of a poll and how many peers chose it.

    Answers are kept as a tally, not as rows: rows keep the order they were written in (SQLite's
    rowid, PostgreSQL's physical order), and that order would line up with the order of the
    respondents below. A tally cannot be joined to anyone."""

    poll = models.ForeignKey(NeedsPoll, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["poll", "label"], name="poll_choice_label_once")]

    def __str__(self) -> str:
        return self.label


class PollRespondent(models.Model):
    """That a user has answered a poll (so a second answer is refused) — and nothing about what
    they chose, nor when."""

    poll = models.ForeignKey(NeedsPoll, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="poll_answered_once")]

    def __str__(self) -> str:
        return f"poll respondent {self.pk}"


class Announcement(models.Model):
    """News for the team (a webinar, a session, a change): e-mailed to active and in-training
    peers and listed in Sidebar."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"announcement {self.pk}"
