"""The peer support team: who is on it, and what matching needs to know about them.

(The team's whole life — recruitment, training records, on-call rota — grows here; matching
reads only the fields below.)"""

from __future__ import annotations

import datetime
import uuid

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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person__full_name"]

    def __str__(self) -> str:
        return f"peer {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def is_away(self, today: datetime.date) -> bool:
        return self.unavailable_until is not None and self.unavailable_until >= today
