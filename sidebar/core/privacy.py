"""The facts on the privacy page, read from the live configuration (never hand-written)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from sidebar.accounts.roles import PRIVILEGED_ROLES, ROLE_SCOPE, Role
from sidebar.audit.models import Verification
from sidebar.audit.selectors import last_verification
from sidebar.org.models import Agency
from sidebar.org.selectors import current_agency
from sidebar.vault.services import IDENTITY_FIELDS


@dataclass(frozen=True)
class RoleFacts:
    role: Role
    can: str
    never: str
    needs_two_factor: bool


@dataclass(frozen=True)
class PrivacyFacts:
    agency: Agency
    retention_days: int
    suppression_threshold: int
    identity_fields: list[str]
    roles: list[RoleFacts]
    two_factor_enforced: bool
    idle_minutes_privileged: int
    idle_minutes_staff: int
    last_verification: Verification | None


def privacy_facts() -> PrivacyFacts:
    agency = current_agency()
    return PrivacyFacts(
        agency=agency,
        retention_days=agency.identity_retention_days,
        suppression_threshold=agency.suppression_threshold,
        identity_fields=list(IDENTITY_FIELDS.values()),
        roles=[RoleFacts(role, *ROLE_SCOPE[role], needs_two_factor=role in PRIVILEGED_ROLES) for role in Role],
        two_factor_enforced=not settings.DEMO_MODE,
        idle_minutes_privileged=settings.SIDEBAR_IDLE_TIMEOUT_PRIVILEGED // 60,
        idle_minutes_staff=settings.SIDEBAR_IDLE_TIMEOUT_STAFF // 60,
        last_verification=last_verification(),
    )
