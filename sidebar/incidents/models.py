"""Critical incidents: what happened (a type and a date, never a story), which units it touched,
which peers must stand aside, the group sessions offered and the follow-up cadence.

Who was reached is not here. Each person an activation reaches gets an outreach request of
their own (``support.SupportRequest`` with ``source="incident"``), whose identity is sealed in
the vault under that request's key like any other request — so an incident can be shredded
person by person, and this table never lists who was affected."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from sidebar.org.models import Unit
from sidebar.team.models import PeerProfile

DEFAULT_FOLLOW_UP_DAYS = [2, 7, 30, 90]


def default_follow_up_days() -> list[int]:
    return list(DEFAULT_FOLLOW_UP_DAYS)


class Incident(models.Model):
    class Kind(models.TextChoices):
        THREAT_ASSAULT = "threat_assault", "Threat or assault on staff"
        COLLEAGUE_DEATH = "colleague_death", "Death or serious injury of a colleague"
        CASE_EXPOSURE = "case_exposure", "Violent or graphic case exposure"
        OFFICER_SHOOTING = "officer_shooting", "Officer-involved shooting"
        MASS_CASUALTY = "mass_casualty", "Mass-casualty event"
        NATURAL_DISASTER = "natural_disaster", "Natural disaster"
        ILLNESS_INJURY = "illness_injury", "Illness or injury on duty"
        FAMILY_TRAGEDY = "family_tragedy", "Family tragedy"
        OTHER = "other", "Other"

    # Recorded for one person rather than a group (the court/probation policy: "work-related or
    # personal"); the same offer and cadence, without group sessions.
    PERSONAL_KINDS = frozenset({Kind.ILLNESS_INJURY, Kind.FAMILY_TRAGEDY})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField()
    units = models.ManyToManyField(Unit, blank=True, related_name="incidents")
    follow_up_days = models.JSONField(
        default=default_follow_up_days, help_text="Days after the incident when peers check in again."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.occurred_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RecusalQuerySet(models.QuerySet["Recusal"]):
    def standing_aside(self) -> RecusalQuerySet:
        """Recusals in force: every witness or party, and affected peers who have not opted in."""
        return self.filter(models.Q(reason=Recusal.Reason.WITNESS) | models.Q(opted_in_at__isnull=True))


class Recusal(models.Model):
    """A peer who stands aside for this incident: never suggested for, nor assignable to, any of
    its outreach. A witness or party cannot opt back in; a peer who was only in an affected unit
    is offered support like everyone else, and may opt in to give it instead."""

    class Reason(models.TextChoices):
        WITNESS = "witness", "Witness or party"
        AFFECTED = "affected", "In an affected unit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="recusals")
    peer = models.ForeignKey(PeerProfile, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    opted_in_at = models.DateTimeField(null=True, blank=True, help_text="An affected peer chose to help.")

    objects = RecusalQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "peer"], name="one_recusal_per_peer")]

    def __str__(self) -> str:
        return f"recusal {self.pk}"

    @property
    def stands_aside(self) -> bool:
        return self.reason == self.Reason.WITNESS or self.opted_in_at is None


class GroupSession(models.Model):
    class Kind(models.TextChoices):
        DEFUSING = "defusing", "Defusing (within hours)"
        DEBRIEFING = "debriefing", "Group debriefing / group crisis intervention"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=90)
    place = models.CharField(max_length=300, help_text="A room, or a video link.")
    facilitators = models.ManyToManyField(PeerProfile, blank=True, related_name="facilitated_sessions")
    clinical_advisor_facilitates = models.BooleanField(default=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    # How many were invited when the invitations went out: the head count cannot exceed it.
    # Null for sessions scheduled before Sidebar kept the number.
    invited = models.PositiveIntegerField(null=True, blank=True)
    attendance = models.PositiveSmallIntegerField(null=True, blank=True, help_text="How many came (a count only).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attendance__isnull=True)
                | models.Q(invited__isnull=True)
                | models.Q(attendance__lte=models.F("invited")),
                name="session_attendance_at_most_invited",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=15, minutes__lte=480), name="session_minutes_15_480"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.starts_at:%d %b %Y %H:%M}"


class AnniversaryReminder(models.Model):
    """The team leader was reminded of this incident's anniversary in ``year`` (sent once)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="anniversary_reminders")
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "year"], name="one_anniversary_reminder_a_year")]

    def __str__(self) -> str:
        return f"anniversary reminder {self.pk}"


class MutualAid(models.Model):
    """Help given to, or received from, another agency in crisis. Peers sent out log their
    contacts against it like any other (each gets an assignment of their own)."""

    class Direction(models.TextChoices):
        GIVEN = "given", "We helped another agency"
        RECEIVED = "received", "Another agency helped us"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    other_agency = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=1, default=0, help_text="Hours of the whole team.")
    peers = models.ManyToManyField(PeerProfile, blank=True, related_name="mutual_aid")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name_plural = "mutual aid"
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="mutual_aid_hours_not_negative"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="mutual_aid_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.other_agency}"
