"""Support requests, assignments, contacts and check-ins — statistics and workflow only.

Nothing here identifies the person who asked: their staff-record link, name and contact
details are sealed in the vault under the request's own data key. Nothing here records what
was said: contacts are dates, minutes and codes from the standard lists."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from sidebar.support.categories import (
    ContactMode,
    DeclineReason,
    Language,
    ReferralReason,
    ResponseType,
    Source,
    SupportKind,
    Topic,
    Urgency,
)
from sidebar.team.models import PeerProfile
from sidebar.vault.models import DataKey


class SupportRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a peer"
        OFFERED = "offered", "Offered to a peer"
        ACTIVE = "active", "With a peer"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    kind = models.CharField(max_length=20, choices=SupportKind.choices, default=SupportKind.POST_CRISIS)
    topics = models.JSONField(default=list, blank=True, help_text="Topic codes the person chose (optional).")
    referral_reason = models.CharField(max_length=30, choices=ReferralReason.choices, blank=True)
    # preferences for matching (no identity: a tier level and a choice)
    prefer_same_tier = models.BooleanField(default=True)
    prefer_other_unit = models.BooleanField(default=False)
    language = models.CharField(max_length=8, choices=Language.choices, blank=True)
    requested_peer = models.ForeignKey(
        PeerProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="requested_in"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Outreach after a critical incident (matching reads its recusals), or a peer's share of
    # mutual aid to another agency (no person behind it: the contacts are the statistics).
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="outreach"
    )
    mutual_aid = models.ForeignKey(
        "incidents.MutualAid", null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="support_request")
    notice_version = models.ForeignKey(
        "safeguards.PolicyDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who sent it is NOT stored here: a plain link from a request to an account would tell anyone
    # with the database who asked for help. The sender finds their requests again through a keyed
    # tag on the request's data key (vault.DataKey.holder_tag), which shredding erases.
    created_at = models.DateTimeField(auto_now_add=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the team leaders were told this request would close for lack of activity (a week
    # ahead): it closes only if nothing happened since (sidebar.support.inactivity).
    inactivity_warned_at = models.DateTimeField(null=True, blank=True)
    # Once the identity is shredded, the times above keep only their month (sidebar.support.
    # residue) and the wait for the first contact is kept here, in whole minutes rounded up.
    first_contact_wait_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "urgency", "created_at"], name="request_queue_idx"),
            # reports count requests by period
            models.Index(fields=["created_at"], name="request_created_idx"),
        ]

    def __str__(self) -> str:
        return f"request {self.pk}"

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(code).label for code in self.topics if code in Topic.values]


class Assignment(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    class EndReason(models.TextChoices):
        """Why an assignment ended: a category, so the peer can be told what happened."""

        CLOSED = "closed", "Closed by the team"
        PERSON_CLOSED = "person_closed", "Closed by the person who asked"
        HANDED_BACK = "handed_back", "Handed back to the team leader"
        PEER_LEFT = "peer_left", "The peer left the team"
        INACTIVE = "inactive", "Closed after a long time without activity"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="assignments")
    peer = models.ForeignKey(PeerProfile, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OFFERED)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    offered_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            # At most one live assignment per request: of two team leaders assigning at once,
            # the database lets exactly one win.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status__in=["offered", "accepted"]),
                name="one_live_assignment_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"assignment {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.OFFERED, self.Status.ACCEPTED)


class Contact(models.Model):
    """One conversation, as statistics: when, how long, how, about which topics, what kind of
    help, which referrals. Deliberately no text field."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="contacts")
    peer = models.ForeignKey(PeerProfile, on_delete=models.PROTECT, related_name="contacts")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=20, choices=ContactMode.choices)
    response_type = models.CharField(max_length=20, choices=ResponseType.choices)
    topics = models.JSONField(default=list, blank=True)
    referrals = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["date"], name="contact_date_idx")]
        constraints = [
            # the service and the form check the same (services.CONTACT_MINUTES); this holds for any writer
            models.CheckConstraint(condition=models.Q(minutes__gte=1, minutes__lte=600), name="contact_minutes_1_600")
        ]

    def __str__(self) -> str:
        return f"contact {self.pk}"


class CheckIn(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="check_ins")
    peer = models.ForeignKey(PeerProfile, on_delete=models.PROTECT, related_name="check_ins")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["due_on", "done_at"], name="checkin_due_idx")]

    def __str__(self) -> str:
        return f"check-in {self.pk}"


class AnonymousTicket(models.Model):
    """The anonymous channel: a ticket code and a passphrase, shown once. Only the passphrase's
    hash is kept; the messages are sealed in the vault under the request's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField(SupportRequest, on_delete=models.CASCADE, related_name="ticket")
    code = models.CharField(max_length=32, unique=True)
    passphrase_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"ticket {self.pk}"


class TicketMessage(models.Model):
    class Author(models.TextChoices):
        REQUESTER = "requester", "You"
        PEER = "peer", "Peer supporter"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(AnonymousTicket, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=20, choices=Author.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    # the body lives in vault.SealedValue(owner="support.ticketmessage:<id>", field="message")

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class SentForm(models.Model):
    """A form's one-time token, consumed in the same transaction as the write it caused: the
    unique index lets one of two identical submissions (a reload, a double click, two tabs) win,
    and the other finds the first one's result here. Holds a keyed hash of the token, never the
    account: a row naming who sent what would link a person to their request. Rows older than a
    day are removed (``services.forget_sent_forms``)."""

    token_digest = models.BinaryField(max_length=32, unique=True)  # a keyed hash: bytes, not text
    request = models.ForeignKey(SupportRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return "sent form"
