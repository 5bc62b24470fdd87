"""The facts on the privacy page, read from the live configuration (never hand-written)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from sidebar.accounts.roles import PRIVILEGED_ROLES, ROLE_SCOPE, Role
from sidebar.audit.checkpoints import CheckpointLine, current_key_id, public_key
from sidebar.audit.models import Verification
from sidebar.audit.selectors import last_verification, published_checkpoint
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
    last_checkpoint: CheckpointLine | None
    checkpoint_key: str  # the public key that checks checkpoint lines signed now
    checkpoint_key_id: str
    checkpoint_copies_to_others: bool  # SIDEBAR_AUDIT_CHECKPOINT_EMAILS is set


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
        last_checkpoint=published_checkpoint(),
        checkpoint_key=public_key(),
        checkpoint_key_id=current_key_id(),
        checkpoint_copies_to_others=bool(settings.SIDEBAR_AUDIT_CHECKPOINT_EMAILS),
    )
