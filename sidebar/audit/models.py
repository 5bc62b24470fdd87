"""The append-only, hash-chained access log. A row says who did what to which object, by id
only: never a name, never content (an audit log is also something a subpoena can reach)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from sidebar.audit.checkpoints import CheckpointLine


class Action(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_REVOKED = "role_revoked", "Role revoked"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset"
    INVITATION_SENT = "invitation_sent", "Sign-in invitation sent"
    IDENTITY_READ = "identity_read", "Identity read"
    IDENTITY_SHREDDED = "identity_shredded", "Identity shredded"
    MASTER_KEY_ROTATED = "master_key_rotated", "Master key rotated"
    ASSIGNMENT = "assignment", "Assignment"
    REQUEST_CLOSED = "request_closed", "Request closed"
    EXCEPTION_STEP = "exception_step", "Exception step"
    POLICY_PUBLISHED = "policy_published", "Policy document published"
    AGREEMENT_SIGNED = "agreement_signed", "Team agreement signed"
    ROSTER_CHANGED = "roster_changed", "Team roster changed"
    RECRUITMENT = "recruitment", "Recruitment step"
    TRAINING = "training", "Training record changed"
    ANNOUNCEMENT = "announcement", "Announcement sent"
    INCIDENT = "incident", "Critical incident step"
    EXPORT = "export", "Export"
    AUDIT_VERIFIED = "audit_verified", "Audit chain verified"
    AGENCY_SETTING_CHANGED = "agency_setting_changed", "Agency setting changed"
    UNIT_CHANGED = "unit_changed", "Unit added, renamed or moved"
    STAFF_ROSTER_IMPORTED = "staff_roster_imported", "Staff roster imported"
    # --- task: issue 17 accounts (V16.3.1-3, V7.4.2, V6.4.4) ---
    SESSIONS_ENDED = "sessions_ended", "Sessions ended"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong two-factor code"
    TWO_FACTOR_ADDED = "two_factor_added", "Two-factor method added"
    TWO_FACTOR_REMOVED = "two_factor_removed", "Two-factor method removed"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "Recovery codes regenerated"
    TWO_FACTOR_RESET_REQUESTED = "two_factor_reset_requested", "Two-factor reset requested"
    TWO_FACTOR_RESET_CANCELLED = "two_factor_reset_cancelled", "Two-factor reset cancelled"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset from a link"
    RATE_LIMITED = "rate_limited", "Rate limit hit"
    ACCESS_DENIED = "access_denied", "Access denied (403)"
    # --- end task ---
    # --- task: two-person rule (issue 16 section 3) ---
    ROLE_GRANT_REQUESTED = "role_grant_requested", "Role grant requested"
    ROLE_GRANT_CONFIRMED = "role_grant_confirmed", "Role grant confirmed"
    ROLE_GRANT_CANCELLED = "role_grant_cancelled", "Role grant cancelled or lapsed"
    # --- end task ---


class Result(models.TextChoices):
    OK = "ok", "OK"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    at = models.DateTimeField()
    actor_id = models.UUIDField(null=True, blank=True, help_text="The account that acted, if any.")
    action = models.CharField(max_length=40, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(
        max_length=60, blank=True, help_text="A code, never free text: a role name, a field name, a category."
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.OK)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
            models.Index(fields=["actor_id", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class ChainHead(models.Model):
    """One row holding the hash of the newest event. Appending locks it, so concurrent
    writers queue up instead of forking the chain; deleting the newest event shows up as a
    mismatch with it."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"chain head at #{self.last_event_id}"


class Verification(models.Model):
    """The outcome of each walk of the chain, shown on the privacy page."""

    at = models.DateTimeField()
    ok = models.BooleanField()
    events_checked = models.PositiveBigIntegerField()
    first_broken_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"verification {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'broken'}"


class Checkpoint(models.Model):
    """A signed statement of the chain's head: its number, how many events, the newest hash and
    when. Copies leave the database (e-mail, the system log, the privacy page); this row is a
    convenience. Its signature is checked before it is used, so a row a database writer added is
    reported, never trusted; a row they removed is caught by the copies kept elsewhere.
    On PostgreSQL the rows are append-only, like the events."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    events = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=40)
    signature = models.CharField(max_length=100)
    emailed = models.BooleanField(
        default=False, help_text="Sent to the clinical advisors and the checkpoint addresses."
    )

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint {self.seq}"

    @property
    def line(self) -> CheckpointLine:
        from sidebar.audit.checkpoints import CheckpointLine

        return CheckpointLine(self.seq, self.events, self.head_hash, self.at, self.key_id, self.signature)
