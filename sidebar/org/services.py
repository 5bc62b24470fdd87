"""Writes to the organisation chart: the agency's settings, units, and the roster upload's
apply step. Each is atomic and leaves an audit event (ids and codes, never a name)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Agency, Person, RankTier, Unit
from sidebar.org.roster import ImportSummary, RosterError, RosterResult, import_roster, parse_roster
from sidebar.org.selectors import would_make_unit_loop

# The settings page edits these; each change is its own audit event with old and new values.
AGENCY_SETTINGS = (
    "name",
    "kind",
    "crisis_line",
    "eap_phone",
    "peer_team_phone",
    "peer_team_email",
    "timezone",
    "identity_retention_days",
    "inactive_close_days",
    "suppression_threshold",
    "first_contact_hours_urgent",
    "first_contact_hours_soon",
    "first_contact_hours_routine",
    "basic_training_hours",
    "yearly_training_hours",
    "load_max_hours",
    "load_max_heavy_contacts",
    "exception_template",  # task: issue 16, section 4 — the statute template (safeguards/statutes.py)
)
_DETAIL_MAX = 60  # AuditEvent.detail


def _shorten(value: str, room: int) -> str:
    if len(value) <= room:
        return value
    half = max(room - 1, 2) // 2
    return f"{value[:half]}…{value[-half:]}"


def setting_change_detail(field: str, old: Any, new: Any) -> str:
    """``field:old→new`` within the audit log's 60 characters; numbers always fit whole, long
    text (a name, an address) is shortened in the middle."""
    old_text, new_text = str(old), str(new)
    room = _DETAIL_MAX - len(field) - 2
    if len(old_text) + len(new_text) > room:
        old_text, new_text = _shorten(old_text, room // 2), _shorten(new_text, room - room // 2)
    return f"{field}:{old_text}→{new_text}"


@transaction.atomic
def update_agency_settings(
    *, values: Mapping[str, Any], by: Any, request: HttpRequest | None = None
) -> tuple[Agency, list[str]]:
    """Save the agency's settings (creating the one agency row on first use). Returns the
    agency and the names of the fields that changed; each change is an audit event."""
    agency = Agency.objects.select_for_update().order_by("pk").first()
    created = agency is None
    if agency is None:
        agency = Agency()
    old = {field: getattr(agency, field) for field in AGENCY_SETTINGS}
    for field in AGENCY_SETTINGS:
        if field in values:
            setattr(agency, field, values[field])
    agency.full_clean()
    changed = [field for field in AGENCY_SETTINGS if getattr(agency, field) != old[field]]
    if created:
        agency.save(force_insert=True)
    elif changed:
        agency.save(update_fields=changed)
    for field in changed:
        detail = setting_change_detail(field, old[field], getattr(agency, field))
        record(action=Action.AGENCY_SETTING_CHANGED, actor=by, obj=agency, detail=detail, request=request)
    return agency, changed


# --- rank tiers -------------------------------------------------------------------------------

# DOMAIN.md's default tiers; level 0 is line staff, any higher level is supervisory.
DEFAULT_RANK_TIERS = ("Line staff", "Supervisor", "Manager", "Executive")


@transaction.atomic
def add_rank_tier(*, name: str, level: int, by: Any, request: HttpRequest | None = None) -> RankTier:
    """A new tier (names and levels are unique); audited."""
    name = name.strip()
    if RankTier.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A rank tier with this name exists already."})
    if RankTier.objects.filter(level=level).exists():
        raise ValidationError({"level": "Another rank tier has this level; each level is used once."})
    tier = RankTier.objects.create(name=name, level=level)
    record(action=Action.AGENCY_SETTING_CHANGED, actor=by, obj=tier, detail=f"rank_tier:+{level}", request=request)
    return tier


@transaction.atomic
def add_default_rank_tiers(*, by: Any, request: HttpRequest | None = None) -> list[RankTier]:
    """The usual four tiers, for a new installation that has none yet (the roster names them)."""
    if RankTier.objects.select_for_update().exists():
        return []
    return [
        add_rank_tier(name=name, level=level, by=by, request=request) for level, name in enumerate(DEFAULT_RANK_TIERS)
    ]


# --- units ------------------------------------------------------------------------------------


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    if parent is not None and would_make_unit_loop(unit_id=unit.pk, parent_id=parent.pk):
        raise ValidationError({"parent": "A unit cannot sit inside itself or inside a unit below it."})


def _check_name_free(*, name: str, parent: Unit | None, unit: Unit | None = None) -> None:
    siblings = Unit.objects.filter(parent=parent, name__iexact=name)
    if unit is not None:
        siblings = siblings.exclude(pk=unit.pk)
    if siblings.exists():
        where = f"in {parent.name}" if parent else "at the top"
        raise ValidationError({"name": f"There is already a unit with this name {where}."})


@transaction.atomic
def add_unit(*, name: str, kind: str, parent: Unit | None, by: Any, request: HttpRequest | None = None) -> Unit:
    _check_name_free(name=name, parent=parent)
    unit = Unit(name=name, kind=kind, parent=parent)
    unit.full_clean()
    unit.save(force_insert=True)
    record(action=Action.UNIT_CHANGED, actor=by, obj=unit, detail="added", request=request)
    return unit


@transaction.atomic
def change_unit(
    *, unit: Unit, name: str, kind: str, parent: Unit | None, by: Any, request: HttpRequest | None = None
) -> list[str]:
    """Rename, re-kind or move a unit. A move that would put the unit inside itself, or inside
    one of its own units, is refused (checked under a lock on the units involved)."""
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if parent is not None:
        Unit.objects.select_for_update().filter(pk=parent.pk).first()
    _check_parent(locked, parent)
    _check_name_free(name=name, parent=parent, unit=locked)
    changed = []
    if locked.name != name:
        changed.append("name")
    if locked.kind != kind:
        changed.append("kind")
    if locked.parent_id != (parent.pk if parent else None):
        changed.append("parent")
    if not changed:
        return []
    locked.name, locked.kind, locked.parent = name, kind, parent
    locked.full_clean()
    locked.save(update_fields=changed)
    codes = {"name": "renamed", "kind": "kind_changed", "parent": "moved"}
    for field in changed:
        record(action=Action.UNIT_CHANGED, actor=by, obj=locked, detail=codes[field], request=request)
    unit.refresh_from_db()
    return changed


# --- the roster upload ------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterPlan:
    """What applying a roster file would do, as the preview shows it."""

    result: RosterResult
    full: bool

    @property
    def errors(self) -> list[RosterError]:
        return self.result.errors

    @property
    def to_create(self) -> list[Any]:
        return [row for row in self.result.rows if row.is_new]

    @property
    def to_update(self) -> list[Any]:
        return [row for row in self.result.rows if not row.is_new and row.changed]

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.result.rows if not row.is_new and not row.changed)

    @property
    def deactivated_by_line(self) -> list[uuid.UUID]:
        return [row.person_id for row in self.result.rows if row.deactivates]

    @property
    def missing(self) -> list[uuid.UUID]:
        """Active people not in a full roster: deactivated once the administrator confirms."""
        return list(self.result.not_in_file) if self.full else []

    @property
    def to_deactivate(self) -> list[uuid.UUID]:
        return [*self.deactivated_by_line, *self.missing]

    def leavers_digest(self) -> str:
        """A fingerprint of who would be deactivated, to prove the apply step deactivates exactly
        the people the preview listed."""
        return hashlib.sha256(",".join(sorted(str(pk) for pk in self.to_deactivate)).encode()).hexdigest()


def plan_roster(data: bytes | str, *, full: bool, unit_map: Mapping[str, uuid.UUID] | None = None) -> RosterPlan:
    """Read a roster file against the database (reads only) and say what applying it would do."""
    return RosterPlan(result=parse_roster(data, unit_map=unit_map), full=full)


class RosterChanged(Exception):
    """The file no longer does what the administrator saw in the preview: nothing was written."""

    def __init__(self, message: str, plan: RosterPlan) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass(frozen=True)
class RosterOutcome:
    summary: ImportSummary
    deactivated: list[uuid.UUID]
    leaving: list[Person]  # whose access ends now: deactivated, or marked inactive with an account still open


@transaction.atomic
def apply_roster(
    *,
    data: str,
    full: bool,
    unit_map: Mapping[str, uuid.UUID],
    units_to_create: Collection[str],
    leavers_digest: str,
    by: Any,
    request: HttpRequest | None = None,
) -> RosterOutcome:
    """Check the file again and write it, all or nothing. Refused (``RosterChanged``) when the
    file now has errors, would create a unit the administrator did not confirm, or would
    deactivate other people than the preview listed. The caller ends the access of
    ``outcome.leaving`` in the same transaction."""
    plan = plan_roster(data, full=full, unit_map=unit_map)
    if plan.errors:
        raise RosterChanged("The file no longer passes the checks against Sidebar's records.", plan)
    unconfirmed = [unit for unit in plan.result.new_units if unit.key not in units_to_create]
    if unconfirmed:
        raise RosterChanged("Confirm each new unit, or choose the existing unit it means.", plan)
    if plan.leavers_digest() != leavers_digest:
        raise RosterChanged("Who would be deactivated has changed since the preview; check the list again.", plan)

    summary = import_roster(rows=plan.result.rows, new_units=plan.result.new_units)
    missing = plan.missing
    if missing:
        Person.objects.filter(pk__in=missing, is_active=True).update(is_active=False, updated_at=timezone.now())
    deactivated = plan.to_deactivate
    inactive_in_file = [row.person_id for row in plan.result.rows if not row.is_active]
    leaving: list[Person] = []
    if deactivated or inactive_in_file:
        still_open = Q(pk__in=inactive_in_file, user__is_active=True)
        leaving = list(Person.objects.filter(Q(pk__in=deactivated) | still_open).select_related("user"))
    if summary.created or summary.updated or deactivated or summary.units_created:
        # An import that changes nothing (the same file twice, a double click) leaves no event.
        detail = (
            f"created:{summary.created} updated:{summary.updated} "
            f"deactivated:{len(deactivated)} units:{summary.units_created}"
        )
        record(
            action=Action.STAFF_ROSTER_IMPORTED,
            actor=by,
            object_type="org.person",
            detail=detail[:_DETAIL_MAX],
            request=request,
        )
    return RosterOutcome(summary=summary, deactivated=deactivated, leaving=leaving)
