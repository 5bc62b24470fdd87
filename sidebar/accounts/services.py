"""Writes to accounts. Each use case is one atomic function."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from sidebar.accounts.models import RoleMembership, User
from sidebar.accounts.roles import GRANTABLE_ROLES, Role


@transaction.atomic
def set_roles(*, user: User, roles: Iterable[Role | str], by: User | None) -> tuple[set[Role], set[Role]]:
    """Make ``user`` hold exactly ``roles`` (staff is implied). Returns (granted, revoked)."""
    wanted = {Role(role) for role in roles} - {Role.STAFF}
    unknown = wanted - set(GRANTABLE_ROLES)
    if unknown:
        raise ValueError(f"Not grantable: {sorted(unknown)}")
    held = {Role(value) for value in user.role_memberships.values_list("role", flat=True)}
    granted, revoked = wanted - held, held - wanted
    RoleMembership.objects.bulk_create([RoleMembership(user=user, role=role) for role in granted])
    if revoked:
        user.role_memberships.filter(role__in=[role.value for role in revoked]).delete()
    if hasattr(user, "_sidebar_roles"):
        del user._sidebar_roles
    return granted, revoked
