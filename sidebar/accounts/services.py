"""Writes to accounts. Each use case is one atomic function."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from sidebar.accounts.models import RoleMembership, User
from sidebar.accounts.roles import GRANTABLE_ROLES, Role
from sidebar.audit.models import Action
from sidebar.audit.services import record


def rewrap_mfa_secrets() -> int:
    """Re-encrypt every TOTP secret and recovery-code seed under the current master key (part of
    ``manage.py vault rotate``, so that removing the old key locks nobody out)."""
    from allauth.mfa.models import Authenticator

    from sidebar.vault.secrets import decrypt_secret, encrypt_secret

    count = 0
    for authenticator in Authenticator.objects.select_for_update().iterator(chunk_size=500):
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = encrypt_secret(decrypt_secret(data[field], purpose="mfa"), purpose="mfa")
        authenticator.data = data
        authenticator.save(update_fields=["data"])
        count += 1
    return count


@transaction.atomic
def set_roles(
    *, user: User, roles: Iterable[Role | str], by: User | None, request: HttpRequest | None = None
) -> tuple[set[Role], set[Role]]:
    """Make ``user`` hold exactly ``roles`` (staff is implied); each change is audited.
    Returns (granted, revoked)."""
    wanted = {Role(role) for role in roles} - {Role.STAFF}
    unknown = wanted - set(GRANTABLE_ROLES)
    if unknown:
        raise ValueError(f"Not grantable: {sorted(unknown)}")
    held = {Role(value) for value in user.role_memberships.values_list("role", flat=True)}
    granted, revoked = wanted - held, held - wanted
    RoleMembership.objects.bulk_create([RoleMembership(user=user, role=role) for role in granted])
    if revoked:
        user.role_memberships.filter(role__in=[role.value for role in revoked]).delete()
    for role in sorted(granted):
        record(action=Action.ROLE_GRANTED, actor=by, obj=user, detail=role.value, request=request)
    for role in sorted(revoked):
        record(action=Action.ROLE_REVOKED, actor=by, obj=user, detail=role.value, request=request)
    if hasattr(user, "_sidebar_roles"):
        del user._sidebar_roles
    return granted, revoked


# --- accounts for everyone on the roster, and accounts that end ------------------------------------


@transaction.atomic
def create_accounts_for_roster(*, by: User | None, request: HttpRequest | None = None) -> int:
    """Give every active person on the staff roster who has no account one, linked to their
    staff record: no password (they choose one from their invitation) and no role beyond staff.
    An existing account with the same work e-mail and no staff record is linked instead of
    duplicated. Audited per account as the staff role granted (staff is what an active account
    is; see sidebar.accounts.roles). Returns how many accounts were created or linked."""
    from sidebar.org.models import Person

    people = list(Person.objects.select_for_update().filter(is_active=True, user__isnull=True).order_by("pk"))
    if not people:
        return 0
    addresses = {person.work_email.lower() for person in people}
    existing = {
        user.email: user
        for user in User.objects.filter(email__in=addresses, person__isnull=True)  # nobody's account yet
    }
    taken = set(User.objects.filter(email__in=addresses, person__isnull=False).values_list("email", flat=True))
    created: list[User] = []
    linked: list[Person] = []
    for person in people:
        address = person.work_email.lower()
        if address in taken:  # an account of another staff record already uses this address
            continue
        user = existing.get(address)
        if user is None:
            user = User(email=address, is_active=True)
            user.set_unusable_password()
            created.append(user)
        person.user = user
        linked.append(person)
    User.objects.bulk_create(created)
    Person.objects.bulk_update(linked, ["user"])
    for person in linked:
        record(action=Action.ROLE_GRANTED, actor=by, obj=person.user, detail=Role.STAFF.value, request=request)
    return len(linked)


def end_sessions(users: Iterable[User]) -> int:
    """Delete every open session of ``users`` (database sessions: each one is read, since a
    session row does not name its user in a column). Returns how many ended."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    wanted = {str(user.pk) for user in users}
    if not wanted:
        return 0
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if str(session.get_decoded().get(SESSION_KEY, "")) in wanted
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


# --- task: issue 17 accounts (V7.4.2, V7.4.5, V7.5.2) ---
def _raise_session_epoch(user: User) -> None:
    """Every session of ``user`` stops at its next request (see ``User.session_epoch``)."""
    from django.db.models import F

    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def end_all_sessions(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    """Sign out everywhere: every session of ``user`` ends — by the administrator (a lost
    laptop, a suspected takeover; ASVS V7.4.2) or by the person themselves for their other
    sessions (V7.4.5, V7.5.2), whose own current session then goes on. Audited."""
    _raise_session_epoch(user)
    if request is not None and by.pk == user.pk:
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, user)
        detail = "others"
    else:
        detail = "all"
    record(action=Action.SESSIONS_ENDED, actor=by, obj=user, detail=detail, request=request)


# --- end task ---


class AccountError(Exception):
    """An account change that cannot happen; the message is fit to show to the administrator."""


@transaction.atomic
def deactivate(*, user: User, by: User | None, request: HttpRequest | None = None) -> bool:
    """The account stops working at once: no roles (each revoked through ``set_roles``,
    audited), not active, no password (coming back takes a fresh invitation), and every open
    session ended. Audited as the staff role revoked. Returns False if it was inactive already.
    (A leaver's whole offboarding — the peer team, their requests — is sidebar.support.leavers.)"""
    if by is not None and user.pk == by.pk:
        raise AccountError("You cannot deactivate your own account; another administrator must.")
    locked = User.objects.select_for_update().get(pk=user.pk)
    set_roles(user=locked, roles=[], by=by, request=request)
    # Even a session this function cannot see (another session engine) stops: Django checks
    # a hash of the password on every request, and an inactive account cannot sign in.
    end_sessions([locked])
    _raise_session_epoch(locked)  # whatever the session store (issue 17, V7.4.2)
    if not locked.is_active:
        return False
    locked.is_active = False
    locked.set_unusable_password()
    locked.save(update_fields=["is_active", "password"])
    record(action=Action.ROLE_REVOKED, actor=by, obj=locked, detail=Role.STAFF.value, request=request)
    user.is_active = False
    return True


@transaction.atomic
def reactivate(*, user: User, by: User | None, request: HttpRequest | None = None) -> bool:
    """A deactivated account works again, as plain staff with no password: send an invitation
    next. Audited as the staff role granted. Returns False if it was active already."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        return False
    # A session that outlived the deactivation (an account switched off outside ``deactivate``)
    # must not come back to life with the account (ASVS V7.4.2; issue 17).
    _raise_session_epoch(locked)
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    record(action=Action.ROLE_GRANTED, actor=by, obj=locked, detail=Role.STAFF.value, request=request)
    user.is_active = True
    return True
