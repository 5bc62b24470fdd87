"""The two-person rule for changes that open the request queue or take over an account
(issue 16 section 3, ASVS V6.4.4).

One program administrator ticking "Team leader" used to open ``/support/queue/`` to that account
at its next click. Now a grant of a role in ``TWO_PERSON_ROLES`` (peer supporter, team leader,
clinical advisor, program administrator) and the reset of someone's authenticator are *asked for*
by one person and take effect only when a second person confirms: another program administrator
or the clinical advisor — never the one who asked, never the account concerned (also a database
constraint). An unconfirmed change lapses after ``LIFETIME``. Every step is audited with its
actor, so the log holds both people; every current team leader, clinical advisor and program
administrator gets a notice that names nobody.

Set-up: the installation's first administrator is alone and nothing has been asked yet. While no
support request exists and nobody else could confirm, the administrator confirms their own
request by entering a code from their authenticator again (``Status.CONFIRMED_AT_SET_UP``); the
notice goes out as for any grant. Once a request exists, or a second administrator or a clinical
advisor does, that door is shut for good (docs/deploy.md, First set-up).

Revoking a role is never held back (taking access away must be quick), nor is the leadership role
(statistics only). Recruitment grants the peer supporter role directly: the team leader who
selects a candidate after the panel, or brings in a serving member, is already a second person
to the administrator who made the account, and reads the whole queue anyway (docs/roles.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.models import PendingChange, RoleMembership, User
from sidebar.accounts.roles import CONFIRMING_ROLES, GRANTABLE_ROLES, TWO_PERSON_ROLES, Role
from sidebar.accounts.services import end_all_sessions, set_roles
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.lib import mail

LIFETIME = datetime.timedelta(days=7)
Kind, Status = PendingChange.Kind, PendingChange.Status


class TwoPersonError(Exception):
    """A step that cannot be taken; the message is fit to show."""


@dataclass
class RoleChange:
    granted: set[Role] = field(default_factory=set)
    revoked: set[Role] = field(default_factory=set)
    waiting: set[Role] = field(default_factory=set)


def _held(user: User) -> set[Role]:
    return {Role(value) for value in user.role_memberships.values_list("role", flat=True)}


# --- asking -------------------------------------------------------------------------------------


@transaction.atomic
def request_roles(
    *, user: User, roles: Iterable[Role | str], by: User, request: HttpRequest | None = None
) -> RoleChange:
    """Make ``user`` hold ``roles``: revocations and the leadership role at once; each other new
    role waits for a second person (a pending change, audited as requested, notice sent)."""
    wanted = {Role(role) for role in roles} - {Role.STAFF}
    if wanted - set(GRANTABLE_ROLES):
        raise ValueError(f"Not grantable: {sorted(wanted - set(GRANTABLE_ROLES))}")
    held = _held(user)
    new = wanted - held
    waiting = new & TWO_PERSON_ROLES
    granted, revoked = set_roles(user=user, roles=(wanted & held) | (new - waiting), by=by, request=request)
    if revoked:  # a role taken away is no longer waiting to be given either
        _close(
            PendingChange.objects.filter(
                account=user, kind=Kind.ROLE_GRANT, role__in=[r.value for r in revoked], status=Status.PENDING
            ),
            status=Status.CANCELLED,
            by=by,
            request=request,
        )
    lapse_expired()
    already = set(
        PendingChange.objects.filter(account=user, kind=Kind.ROLE_GRANT, status=Status.PENDING).values_list(
            "role", flat=True
        )
    )
    asked = {role for role in waiting if role.value not in already}
    for role in sorted(asked):
        _open(kind=Kind.ROLE_GRANT, account=user, role=role.value, by=by, request=request)
    if asked:
        _notify(waiting=True)
    return RoleChange(granted=granted, revoked=revoked, waiting=waiting)


@transaction.atomic
def request_two_factor_reset(*, account: User, by: User, request: HttpRequest | None = None) -> bool:
    """Ask for the reset of ``account``'s authenticator (a lost phone). Nothing changes until a
    second person confirms. Returns False if one is waiting already."""
    from allauth.mfa.models import Authenticator

    if account.pk == by.pk:
        raise TwoPersonError("You cannot reset your own two-factor sign-in; another administrator must.")
    if not Authenticator.objects.filter(user=account).exists():
        raise TwoPersonError("This account has no two-factor sign-in to reset.")
    lapse_expired()
    if PendingChange.objects.filter(account=account, kind=Kind.TWO_FACTOR_RESET, status=Status.PENDING).exists():
        return False
    _open(kind=Kind.TWO_FACTOR_RESET, account=account, role="", by=by, request=request)
    _notify(waiting=True)
    return True


def _open(*, kind: str, account: User, role: str, by: User, request: HttpRequest | None) -> PendingChange:
    now = timezone.now()
    change = PendingChange.objects.create(
        kind=kind, account=account, role=role, requested_by=by, requested_at=now, expires_at=now + LIFETIME
    )
    action = Action.ROLE_GRANT_REQUESTED if kind == Kind.ROLE_GRANT else Action.TWO_FACTOR_RESET_REQUESTED
    record(action=action, actor=by, obj=account, detail=role, request=request)
    return change


# --- who may confirm ----------------------------------------------------------------------------


def is_open(change: PendingChange) -> bool:
    return change.status == Status.PENDING and change.expires_at > timezone.now()


def in_set_up(*, administrator: User) -> bool:
    """Nothing to read yet and nobody else to ask: no support request exists and no active
    account but ``administrator`` could confirm."""
    if apps.get_model("support", "SupportRequest").objects.exists():
        return False
    others = RoleMembership.objects.filter(role__in=[r.value for r in CONFIRMING_ROLES], user__is_active=True)
    return not others.exclude(user=administrator).exists()


@dataclass(frozen=True)
class Viewer:
    """What one person may do to pending changes, worked out once (a page lists many)."""

    user: User
    confirms: bool  # an active program administrator or clinical advisor
    sets_up: bool  # the lone first administrator, while the installation is in set-up

    def may_confirm(self, change: PendingChange) -> bool:
        """A second person: neither the one who asked nor the account concerned."""
        return self.confirms and is_open(change) and self.user.pk not in (change.requested_by_id, change.account_id)

    def may_confirm_at_set_up(self, change: PendingChange) -> bool:
        """The first administrator's own request, while the installation is in set-up."""
        return (
            self.sets_up
            and is_open(change)
            and change.requested_by_id == self.user.pk
            and change.account_id != self.user.pk
        )

    def may_cancel(self, change: PendingChange) -> bool:
        return is_open(change) and (self.confirms or change.requested_by_id == self.user.pk)


def viewer(user: User) -> Viewer:
    held = set(RoleMembership.objects.filter(user=user).values_list("role", flat=True)) if user.is_active else set()
    confirms = bool(held & {r.value for r in CONFIRMING_ROLES})
    sets_up = Role.PROGRAM_ADMIN.value in held and in_set_up(administrator=user)
    return Viewer(user=user, confirms=confirms, sets_up=sets_up)


# --- confirming and cancelling ------------------------------------------------------------------


def _second_factor_code_is_good(user: User, code: str) -> bool:
    from allauth.mfa.models import Authenticator

    from sidebar.accounts.mfa_forms import accept_totp_code

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return authenticator is not None and accept_totp_code(authenticator, code.strip().replace(" ", ""))


@transaction.atomic
def confirm(*, change: PendingChange, by: User, code: str = "", request: HttpRequest | None = None) -> PendingChange:
    """The second person confirms and the change takes effect; at set-up, the administrator who
    asked confirms with a fresh authenticator code instead. Audited with the confirming actor."""
    locked = PendingChange.objects.select_for_update().select_related("account").get(pk=change.pk)
    person = viewer(by)
    if person.may_confirm(locked):
        locked.status = Status.CONFIRMED
    elif person.may_confirm_at_set_up(locked):
        if not _second_factor_code_is_good(by, code):
            raise TwoPersonError("That code is not right. Enter the current code from your authenticator app.")
        locked.status = Status.CONFIRMED_AT_SET_UP
    elif not is_open(locked):
        raise TwoPersonError("This change is no longer waiting: it was confirmed, cancelled or lapsed.")
    else:
        raise TwoPersonError("A second person must confirm: another program administrator or the clinical advisor.")
    account = locked.account
    if not account.is_active:
        raise TwoPersonError("This account is deactivated; nothing can be confirmed for it.")
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    if locked.kind == Kind.ROLE_GRANT:
        detail = locked.role if locked.status == Status.CONFIRMED else f"{locked.role}:set_up"
        record(action=Action.ROLE_GRANT_CONFIRMED, actor=by, obj=account, detail=detail, request=request)
        set_roles(user=account, roles=_held(account) | {Role(locked.role)}, by=by, request=request)
    else:
        _reset_two_factor(account=account, by=by, request=request)
    _notify(waiting=False)
    return locked


@transaction.atomic
def cancel(*, change: PendingChange, by: User, request: HttpRequest | None = None) -> None:
    locked = PendingChange.objects.select_for_update().get(pk=change.pk)
    if not viewer(by).may_cancel(locked):
        raise TwoPersonError("This change is no longer waiting, or it is not yours to cancel.")
    _close(PendingChange.objects.filter(pk=locked.pk), status=Status.CANCELLED, by=by, request=request)


def lapse_expired() -> int:
    """Changes nobody confirmed within ``LIFETIME`` lapse (audited, no actor)."""
    return _close(
        PendingChange.objects.filter(status=Status.PENDING, expires_at__lte=timezone.now()),
        status=Status.EXPIRED,
        by=None,
        request=None,
    )


def _close(changes: QuerySet[PendingChange], *, status: str, by: User | None, request: HttpRequest | None) -> int:
    closing = list(changes.select_related("account"))
    now = timezone.now()
    for change in closing:
        change.status, change.decided_by, change.decided_at = status, by, now
        change.save(update_fields=["status", "decided_by", "decided_at"])
        lapsed = ":lapsed" if status == Status.EXPIRED else ""
        if change.kind == Kind.ROLE_GRANT:
            action, detail = Action.ROLE_GRANT_CANCELLED, f"{change.role}{lapsed}"
        else:
            action, detail = Action.TWO_FACTOR_RESET_CANCELLED, lapsed.lstrip(":")
        record(action=action, actor=by, obj=change.account, detail=detail, request=request)
    return len(closing)


# --- the reset itself (ASVS V6.4.4) ---------------------------------------------------------------


def _reset_two_factor(*, account: User, by: User, request: HttpRequest | None) -> None:
    """Every authenticator and recovery code goes, and so does the password: the person comes
    back only through a fresh invitation link sent to their work address, chooses a password and
    enrols a new authenticator — the password alone (perhaps what a thief has) opens nothing."""
    from allauth.mfa.models import Authenticator

    from sidebar.accounts.invitations import send_invitations

    for authenticator in Authenticator.objects.select_for_update().filter(user=account).order_by("type"):
        kind = authenticator.type
        authenticator.delete()
        record(action=Action.TWO_FACTOR_RESET, actor=by, obj=account, detail=kind, request=request)
    account.set_unusable_password()
    account.save(update_fields=["password"])
    end_all_sessions(user=account, by=by, request=request)
    mail.send_each_after_commit(
        [account.email],
        "Your two-factor sign-in for Sidebar was reset",
        "Your two-factor sign-in was reset, as your program administrator asked and a second person "
        "confirmed. Your old password no longer works either: follow the invitation that comes in a "
        "separate e-mail to choose a new one, then set up your authenticator app again.\n\n"
        "If you did not ask for this, tell your clinical advisor or team leader at once.",
    )
    send_invitations(users=[account], by=by, request=request)


# --- the notice -----------------------------------------------------------------------------------

_NOTICE_ROLES = (Role.TEAM_LEADER, Role.CLINICAL_ADVISOR, Role.PROGRAM_ADMIN)


def _notify(*, waiting: bool) -> None:
    """Every current team leader, clinical advisor and program administrator learns that a change
    waits or took effect — never for whom, which role or who asked (THREATS.md: e-mail)."""
    addresses = sorted(
        set(
            User.objects.filter(
                is_active=True, role_memberships__role__in=[r.value for r in _NOTICE_ROLES]
            ).values_list("email", flat=True)
        )
    )
    link = settings.SIDEBAR_BASE_URL + reverse("setup:pending_changes")
    if waiting:
        subject = "A change to a Sidebar account waits for a second person"
        body = (
            "A role grant or a two-factor reset in Sidebar waits for a second person to confirm it. "
            "It takes effect only once another program administrator or the clinical advisor confirms."
        )
    else:
        subject = "A change to a Sidebar account was confirmed"
        body = "A role grant or a two-factor reset in Sidebar was confirmed and has taken effect."
    body += f"\n\nSee what changed and who asked: {link}\n\nIf you did not expect it, look now."
    mail.send_each_after_commit(addresses, subject, body)


def pending_for(account: User) -> list[PendingChange]:
    """The account's changes still waiting (for its page)."""
    return [change for change in account.pending_changes.filter(status=Status.PENDING) if is_open(change)]
