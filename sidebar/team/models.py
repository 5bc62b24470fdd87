"""The peer support team: who is on it, what matching needs to know about them, and how each
member's place on the team changed over time.

(Recruitment and training records grow here next; matching reads only the profile.)"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models

from sidebar.org.models import Person


class PeerProfile(models.Model):
    class Level(models.TextChoices):
        PEER = "peer", "Peer"
        SUPERVISORY = "supervisory", "Supervisory peer"

    class Status(models.TextChoices):
        NOMINATED = "nominated", "Nominated / applied"
        SCREENING = "screening", "Screening"
        INTERVIEW = "interview", "Interview"
        SELECTED = "selected", "Selected"
        IN_TRAINING = "in_training", "In training"
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive (leave)"
        REMOVED = "removed", "Removed"
        STEPPED_DOWN = "stepped_down", "Stepped down"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="peer_profile")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.PEER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOMINATED)
    skills = models.JSONField(default=list, blank=True, help_text="Topic codes the peer is prepared for.")
    languages = models.JSONField(default=list, blank=True, help_text="Language codes besides English.")
    introduction = models.CharField(
        max_length=400, blank=True, help_text="A few words for the peer directory, written by the peer."
    )
    capacity = models.PositiveSmallIntegerField(default=3, help_text="Open requests at most.")
    unavailable_until = models.DateField(null=True, blank=True, help_text="Away until this date (inclusive).")
    on_call = models.BooleanField(default=False)
    basic_training_completed_on = models.DateField(null=True, blank=True)
    # An optional photo for the directory, kept in the database (not a media folder) so that a
    # deployment across several servers needs no shared disk, and served only to signed-in staff.
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_type = models.CharField(
        max_length=20, blank=True, editable=False, choices=[("image/jpeg", "JPEG"), ("image/png", "PNG")]
    )
    # Load above the agency's thresholds counts only from this moment on: the team leader clears
    # a flag after checking in with the peer (see sidebar.team.selectors).
    load_flag_cleared_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person__full_name"]
        constraints = [
            # 0 is a peer who takes no cases for now (matching then says "at capacity")
            models.CheckConstraint(condition=models.Q(capacity__lte=10), name="peer_capacity_at_most_10")
        ]

    def __str__(self) -> str:
        return f"peer {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def is_away(self, today: datetime.date) -> bool:
        return self.unavailable_until is not None and self.unavailable_until >= today


class PeerStatusChange(models.Model):
    """One dated step in a peer's status history (who changed it, from what, to what, and for a
    removal, the reason's category — never a story)."""

    class RemovalReason(models.TextChoices):
        CONFIDENTIALITY = "confidentiality", "Breach of confidentiality"
        CONDUCT = "conduct", "Conduct or policy violation"
        REQUIREMENTS = "requirements", "No longer meets the requirements (training, agreement)"
        ROLE_CHANGE = "role_change", "Change of job or role"
        OTHER = "other", "Other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(PeerProfile, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=PeerProfile.Status.choices)
    to_status = models.CharField(max_length=20, choices=PeerProfile.Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=20, choices=RemovalReason.choices, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["peer", "at"], name="peer_status_change_idx")]

    def __str__(self) -> str:
        return f"status change {self.pk}"


class OnCallShift(models.Model):
    """One stretch of the on-call rota: the peer is on call from the first day to the last
    (inclusive). Urgent requests alert on-call peers, and matching and the incident board put
    them first."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(PeerProfile, on_delete=models.CASCADE, related_name="on_call_shifts")
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="on_call_shift_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"on-call shift {self.pk}"
