"""The roles of ../shared/DESIGN.md. A person may hold several; every account is staff."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Staff member"
    PEER = "peer", "Peer supporter"
    TEAM_LEADER = "team_leader", "Team leader"
    CLINICAL_ADVISOR = "clinical_advisor", "Clinical advisor"
    PROGRAM_ADMIN = "program_admin", "Program administrator"
    LEADERSHIP = "leadership", "Leadership"


# Everyone but plain staff sees more than their own records, so must sign in with TOTP.
PRIVILEGED_ROLES: frozenset[Role] = frozenset(set(Role) - {Role.STAFF})

# Roles stored as memberships; staff is implied by having an active account.
GRANTABLE_ROLES: tuple[Role, ...] = tuple(role for role in Role if role is not Role.STAFF)
