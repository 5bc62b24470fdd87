"""Reads of the organisation chart. Each chain-of-command question is one SQL query at any
depth (a recursive CTE that SQLite and PostgreSQL both run), never a loop of queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from sidebar.lib import last_known
from sidebar.org.models import Agency, Person, Unit

# UNION (not UNION ALL) stops at rows already seen, so even a corrupt cycle terminates.
_UP = """
WITH RECURSIVE chain(id) AS (
    SELECT supervisor_id FROM {table} WHERE id = %s AND supervisor_id IS NOT NULL
    UNION
    SELECT p.supervisor_id FROM {table} p JOIN chain c ON p.id = c.id WHERE p.supervisor_id IS NOT NULL
)
SELECT id FROM chain
"""

_DOWN = """
WITH RECURSIVE chain(id) AS (
    SELECT id FROM {table} WHERE {parent} = %s
    UNION
    SELECT p.id FROM {table} p JOIN chain c ON p.{parent} = c.id
)
SELECT id FROM chain
"""


def _db_id(model: type[Person] | type[Unit], value: uuid.UUID | str) -> object:
    return model._meta.pk.get_db_prep_value(value, connection)


def superiors_of(person: Person | uuid.UUID) -> QuerySet[Person]:
    """Everyone above ``person`` in the reporting line, at any depth."""
    person_id = person.pk if isinstance(person, Person) else person
    sql = _UP.format(table=Person._meta.db_table)
    return Person.objects.filter(pk__in=RawSQL(sql, (_db_id(Person, person_id),)))  # noqa: S611 (fixed SQL, id as a parameter)


def subordinates_of(person: Person | uuid.UUID) -> QuerySet[Person]:
    """Everyone below ``person`` in the reporting line, at any depth."""
    person_id = person.pk if isinstance(person, Person) else person
    sql = _DOWN.format(table=Person._meta.db_table, parent="supervisor_id")
    return Person.objects.filter(pk__in=RawSQL(sql, (_db_id(Person, person_id),)))  # noqa: S611 (fixed SQL, id as a parameter)


def chain_of_command(person: Person | uuid.UUID) -> QuerySet[Person]:
    """Everyone above or below ``person``: the people who must never be matched with them."""
    return superiors_of(person) | subordinates_of(person)


def in_chain_of_command(a: Person, b: Person) -> bool:
    """True when one of the two reports, directly or not, to the other (one query)."""
    return chain_of_command(a).filter(pk=b.pk).exists()


def would_create_cycle(*, person_id: uuid.UUID, supervisor_id: uuid.UUID) -> bool:
    """Would making ``supervisor_id`` the supervisor of ``person_id`` close a loop?"""
    if person_id == supervisor_id:
        return True
    return subordinates_of(person_id).filter(pk=supervisor_id).exists()


def units_under(unit: Unit | uuid.UUID, *, include_self: bool = True) -> QuerySet[Unit]:
    """A unit and every unit nested below it (one query)."""
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    sql = _DOWN.format(table=Unit._meta.db_table, parent="parent_id")
    below = Unit.objects.filter(pk__in=RawSQL(sql, (_db_id(Unit, unit_id),)))  # noqa: S611 (fixed SQL, id as a parameter)
    return (below | Unit.objects.filter(pk=unit_id)) if include_self else below


def would_make_unit_loop(*, unit_id: uuid.UUID, parent_id: uuid.UUID) -> bool:
    """Would putting ``unit_id`` inside ``parent_id`` make the unit its own ancestor?"""
    if unit_id == parent_id:
        return True
    return units_under(unit_id, include_self=False).filter(pk=parent_id).exists()


@dataclass(frozen=True)
class UnitNode:
    """A unit in the tree, with its depth (0 at the top) and its path from the top."""

    unit: Unit
    depth: int
    path: str
    people: int


def unit_tree() -> list[UnitNode]:
    """Every unit, parents before their children, siblings by name (one query). A unit caught in
    a loop (impossible since Unit.clean, but a database may predate it) is listed at the end."""
    units = list(Unit.objects.annotate(people_count=Count("people", filter=Q(people__is_active=True))))
    children: dict[uuid.UUID | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    nodes: list[UnitNode] = []
    seen: set[uuid.UUID] = set()

    def walk(parent_id: uuid.UUID | None, depth: int, prefix: str) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.name.lower()):
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            path = f"{prefix}/{unit.name}" if prefix else unit.name
            nodes.append(UnitNode(unit, depth, path, getattr(unit, "people_count", 0)))
            walk(unit.pk, depth + 1, path)

    walk(None, 0, "")
    nodes.extend(UnitNode(u, 0, u.name, getattr(u, "people_count", 0)) for u in units if u.pk not in seen)
    return nodes


def current_agency() -> Agency:
    """The deployment's agency; an unsaved placeholder until the administrator sets it up, so
    that every page can still show a crisis line."""
    agency = Agency.objects.order_by("pk").first()
    # --- task: database outage (issue 13 section 3) ---
    if agency is not None:  # kept for the outage page, which cannot ask the database
        last_known.remember(crisis_line=agency.crisis_line, eap_phone=agency.eap_phone)
    # --- end task ---
    return agency if agency is not None else Agency(name="Your agency")
