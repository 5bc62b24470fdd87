from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac

from sidebar.accounts.roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        # Sidebar has no superusers: `createsuperuser` makes the first program administrator,
        # through the same audited service as every other role change.
        from sidebar.accounts.services import set_roles

        user = self.create_user(email, password, **extra)
        set_roles(user=user, roles=[Role.PROGRAM_ADMIN], by=None)
        return user


class User(AbstractUser):
    """A sign-in account. Identity (name, unit, chain of command) lives on the staff record
    (``org.Person``); the account holds only what signing in needs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = None  # type: ignore[assignment]
    email = models.EmailField("work e-mail", unique=True)
    # When the newest sign-in invitation went out (sidebar.accounts.invitations): the accounts
    # page offers a resend to whoever was invited and has still not signed in.
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # --- task: issue 17 accounts (V7.4.2, V7.4.5) ---
    # Raised to end every session of the account at once (deactivation, re-activation, "sign out
    # everywhere"): it is part of the hash Django checks on every request, so this works whatever
    # the session store, including one whose rows do not say whose they are.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # --- end task ---

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    # --- task: issue 17 accounts (V7.4.2, V7.4.5) ---
    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's HMAC of the password (pinned Django 5.2), with the session epoch once it was
        # ever raised: at 0 the hash is Django's own, so nobody is signed out by this change.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc,no-any-return]
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = f"{self.password}|epoch:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    # --- end task ---


class RoleMembership(models.Model):
    """One role held by one account. Staff is implied and never stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_memberships")
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in Role if r is not Role.STAFF])
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_membership_per_role")]
        ordering = ["role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}"


# --- task: two-person rule (issue 16 section 3; issue 17 V6.4.4) ---
class PendingChange(models.Model):
    """A change to an account that one person asks for and a second person confirms: a role that
    reads requests, identities or exceptions (or confirms such changes), or the reset of a lost
    authenticator. Nothing happens to the account until it is confirmed (sidebar.accounts.two_person);
    a change not confirmed within a week lapses. Rows are kept: who asked and who confirmed."""

    class Kind(models.TextChoices):
        ROLE_GRANT = "role_grant", "Role grant"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor reset"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed by a second person"
        # The installation's first grants, before anyone else could confirm and before any request
        # exists: the administrator confirmed with their second factor again (docs/deploy.md).
        CONFIRMED_AT_SET_UP = "confirmed_at_set_up", "Confirmed at set-up with a second factor"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Lapsed unconfirmed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pending_changes")
    role = models.CharField(
        max_length=32, blank=True, choices=[(r.value, r.label) for r in Role if r is not Role.STAFF]
    )
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # one open request per account and change: a second click adds nothing
            models.UniqueConstraint(
                fields=["account", "kind", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_change_per_account_kind_role",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="role_grant", role__gt="") | models.Q(kind="two_factor_reset", role=""),
                name="pending_change_role_matches_kind",
            ),
            # the second person is a second person: never the one who asked, never the account
            models.CheckConstraint(
                condition=~models.Q(status="confirmed")
                | (
                    models.Q(decided_by__isnull=False)
                    & ~models.Q(decided_by=models.F("requested_by"))
                    & ~models.Q(decided_by=models.F("account"))
                ),
                name="pending_change_confirmed_by_a_second_person",
            ),
        ]

    def __str__(self) -> str:
        what = self.get_role_display() if self.kind == self.Kind.ROLE_GRANT else self.get_kind_display()
        return f"{what} ({self.get_status_display().lower()})"


# --- end task ---
