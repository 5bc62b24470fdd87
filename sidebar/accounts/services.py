"""Writes to accounts. Each use case is one atomic function."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

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


def _tell_owner_of_reset(address: str) -> None:
    from django.core.mail import send_mail

    send_mail(
        "Your two-factor sign-in for Sidebar was reset",
        "The program administrator reset your two-factor sign-in. You will set up a new "
        "authenticator app at your next sign-in.\n\nIf you did not ask for this, tell your "
        "clinical advisor or team leader at once.",
        None,
        [address],
    )


@transaction.atomic
def reset_two_factor(*, authenticators: Iterable[Any], by: User, request: HttpRequest | None = None) -> None:
    """The administrator removes someone's authenticator (a lost phone). Audited, and the owner
    is told at their own address, so a reset nobody asked for does not go unnoticed."""
    for authenticator in authenticators:
        owner = authenticator.user
        authenticator.delete()
        record(action=Action.TWO_FACTOR_RESET, actor=by, obj=owner, detail=authenticator.type, request=request)
        transaction.on_commit(partial(_tell_owner_of_reset, owner.email))
