"""The roster import: read a staff CSV, check every line against the file and the database,
then write the whole file in one transaction, or nothing at all.

``parse_roster`` only reads the database; ``import_roster`` writes what it resolved. Call both
inside one transaction (the ``import_roster`` command and the web upload do) so that nothing
changes between the check and the write. ``export_roster`` writes the same format back, so an
export imports again without a change. The format is described in docs/roster.md.
"""

from __future__ import annotations

import csv
import difflib
import io
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from sidebar.org.models import Person, RankTier, Unit

COLUMNS = ("email", "full_name", "title", "phone", "unit", "rank_tier", "supervisor_email", "active")
REQUIRED_COLUMNS = frozenset({"email", "full_name", "rank_tier"})
_COLUMN_LIST = ", ".join(COLUMNS)
ACTIVE_VALUES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
# A spreadsheet runs a cell that starts with one of these as a formula. The export puts an
# apostrophe in front (as spreadsheets themselves do) and the import takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows per bulk statement group; also how often the progress callback hears from us.
BATCH_SIZE = 1000

_EMAIL_MAX = Person._meta.get_field("work_email").max_length or 254
_LIMITS = {
    "full_name": Person._meta.get_field("full_name").max_length,
    "title": Person._meta.get_field("title").max_length,
    "phone": Person._meta.get_field("phone").max_length,
}
_UNIT_NAME_MAX = Unit._meta.get_field("name").max_length or 120
_UPDATED_FIELDS = ["full_name", "title", "phone", "unit", "rank_tier", "supervisor", "is_active", "updated_at"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RosterError:
    """One problem, located by the physical line of the file (the header is line 1)."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class NewUnit:
    """A unit the import will create; its id is chosen now so rows can point at it.

    ``key`` is the unit's path as the file writes it, in lower case (``trial division/homicde
    unit``): the name under which the administrator maps it to an existing unit instead
    (``parse_roster(unit_map=...)``). ``parent_path`` is where it would be created ("" at the top)."""

    id: uuid.UUID
    name: str
    kind: str
    parent_id: uuid.UUID | None
    depth: int
    key: str = ""
    parent_path: str = ""


@dataclass(frozen=True)
class RosterRow:
    """One valid line resolved against the database: the record the person will have."""

    line: int
    person_id: uuid.UUID
    is_new: bool
    changed: bool
    work_email: str
    full_name: str
    title: str
    phone: str
    unit_id: uuid.UUID | None
    rank_tier_id: int
    supervisor_id: uuid.UUID | None
    is_active: bool
    was_active: bool | None = None  # None for a new person

    @property
    def deactivates(self) -> bool:
        """The line marks inactive someone who is active now."""
        return self.was_active is True and not self.is_active


@dataclass(frozen=True)
class RosterResult:
    """What ``parse_roster`` found. ``rows`` and ``new_units`` are empty whenever there are errors.
    ``not_in_file``: the ids of active people the file does not mention (a full roster
    deactivates them; a partial one leaves them alone)."""

    errors: list[RosterError]
    rows: list[RosterRow]
    new_units: list[NewUnit]
    not_in_file: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    units_created: int


@dataclass
class _Line:
    """A data line after the checks that need only the file."""

    line: int
    values: dict[str, str]
    key: str | None  # lower-cased e-mail; None when missing or malformed
    segments: list[str] | None  # unit path; None when empty or malformed
    supervisor_key: str | None
    is_active: bool | None
    person_id: uuid.UUID | None = None


# ---------------------------------------------------------------------------------------------
# Reading the file


def _decode(data: bytes | str, errors: list[RosterError]) -> str | None:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(RosterError(line, None, "this line is not UTF-8 text; save the file as 'CSV UTF-8'"))
        return None


def _column_name(raw: str) -> str:
    # "Full name", "full-name" and "FULL_NAME" all mean full_name; "E-mail" means email.
    return "_".join(raw.strip().lower().replace("e-mail", "email").replace("-", " ").split())


def _records(text: str, errors: list[RosterError]) -> list[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (a quoted value may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    end_of_previous = 0
    try:
        for record in reader:
            records.append((end_of_previous + 1, record))
            end_of_previous = reader.line_num
    except csv.Error as exc:
        # Past a quoting error the reader cannot tell where lines start, so the report stops here.
        errors.append(RosterError(end_of_previous + 1, None, f"malformed CSV ({exc}); check the quotes on this line"))
    return records


def _header(record: list[str], errors: list[RosterError]) -> list[str]:
    names = [_column_name(cell) for cell in record]
    if not any(names):
        errors.append(RosterError(1, None, f"the first line must name the columns: {_COLUMN_LIST}"))
        return names
    seen: set[str] = set()
    for position, (raw, name) in enumerate(zip(record, names, strict=True), start=1):
        if not name:
            errors.append(RosterError(1, None, f"column {position} has no name"))
        elif name not in COLUMNS:
            errors.append(RosterError(1, None, f'unknown column "{raw.strip()}"; the columns are: {_COLUMN_LIST}'))
        elif name in seen:
            errors.append(RosterError(1, None, f'column "{name}" appears twice'))
        seen.add(name)
    errors.extend(
        RosterError(1, None, f'missing required column "{name}"') for name in COLUMNS if name in REQUIRED_COLUMNS - seen
    )
    return names


def _unguard(value: str) -> str:
    """Take off the apostrophe the export puts before a value a spreadsheet would run as a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def spreadsheet_safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _is_email(value: str) -> bool:
    if len(value) > _EMAIL_MAX:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _check_line(line: int, values: dict[str, str], first_line_of: dict[str, int], errors: list[RosterError]) -> _Line:
    """The checks that need only the file. Values are quoted only for e-mail addresses: the
    report goes to a terminal and must not spread names."""

    def problem(column: str, message: str) -> None:
        errors.append(RosterError(line, column, message))

    email = values["email"]
    key: str | None = None
    if not email:
        problem("email", "missing (required)")
    elif not _is_email(email):
        problem("email", f'"{email}" is not a valid e-mail address')
    elif email.lower() in first_line_of:
        problem("email", f'"{email}" is also on line {first_line_of[email.lower()]}; a person may appear only once')
    else:
        key = email.lower()
        first_line_of[key] = line

    for column in ("full_name", "rank_tier"):
        if not values[column]:
            problem(column, "missing (required)")
    for column, limit in _LIMITS.items():
        if limit and len(values.get(column, "")) > limit:
            problem(column, f"longer than {limit} characters")

    segments: list[str] | None = None
    if values.get("unit"):
        parts = [part.strip() for part in values["unit"].split("/")]
        if not all(parts):
            problem("unit", "the path has an empty part; separate units with single slashes (Division/Bureau/Unit)")
        elif any(len(part) > _UNIT_NAME_MAX for part in parts):
            problem("unit", f"a unit name is longer than {_UNIT_NAME_MAX} characters")
        else:
            segments = parts

    supervisor_key: str | None = None
    supervisor_email = values.get("supervisor_email", "")
    if supervisor_email:
        if not _is_email(supervisor_email):
            problem("supervisor_email", f'"{supervisor_email}" is not a valid e-mail address')
        elif email and supervisor_email.lower() == email.lower():
            problem("supervisor_email", "is the person's own e-mail; nobody can supervise themselves")
        else:
            supervisor_key = supervisor_email.lower()

    is_active: bool | None = True
    if values.get("active"):
        is_active = ACTIVE_VALUES.get(values["active"].lower())
        if is_active is None:
            problem("active", "must be one of yes, no, true, false, 1, 0 (or empty for yes)")

    return _Line(line, values, key, segments, supervisor_key, is_active)


def _read_lines(text: str, errors: list[RosterError]) -> tuple[frozenset[str], list[_Line]]:
    records = _records(text, errors)
    if not records:
        if not errors:  # a quoting error on line 1 is reported already
            errors.append(
                RosterError(1, None, f"the file is empty; the first line must name the columns: {_COLUMN_LIST}")
            )
        return frozenset(), []
    header_errors: list[RosterError] = []
    header = _header(records[0][1], header_errors)
    if header_errors:
        # Without a sound header no value can be trusted to be in its column.
        errors[:0] = header_errors
        return frozenset(), []

    lines: list[_Line] = []
    first_line_of: dict[str, int] = {}
    for line, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank lines, and the ",,,,," lines spreadsheets leave behind
        if any(cell.strip() for cell in record[len(header) :]):
            message = (
                f"{len(record)} values but the header names {len(header)} columns; "
                "put double quotes around a value that contains a comma"
            )
            errors.append(RosterError(line, None, message))
            continue
        # Spreadsheets drop trailing empty cells, so a short line means empty values.
        values = {name: _unguard(record[i].strip()) if i < len(record) else "" for i, name in enumerate(header)}
        lines.append(_check_line(line, values, first_line_of, errors))
    return frozenset(header), lines


# ---------------------------------------------------------------------------------------------
# Resolving against the database


def _kind_at(depth: int) -> str:
    return {1: Unit.Kind.DIVISION, 2: Unit.Kind.BUREAU}.get(depth, Unit.Kind.UNIT)


class _Units:
    """Existing units plus those the file will create, matched case-insensitively (one query).
    ``unit_map`` sends a unit the file would create (by its key, see ``NewUnit``) to an existing one."""

    def __init__(self, unit_map: Mapping[str, uuid.UUID] | None = None) -> None:
        self.unit_map = {key.lower(): unit_id for key, unit_id in (unit_map or {}).items()}
        self.parent_of: dict[uuid.UUID, uuid.UUID | None] = {}
        self.name_of: dict[uuid.UUID, str] = {}
        self.children: dict[tuple[uuid.UUID | None, str], list[uuid.UUID]] = defaultdict(list)
        self.by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        self.new: list[NewUnit] = []
        for unit_id, name, parent_id in Unit.objects.values_list("id", "name", "parent_id"):
            self._add(unit_id, name, parent_id)
        self.existing = frozenset(self.name_of)

    def _add(self, unit_id: uuid.UUID, name: str, parent_id: uuid.UUID | None) -> None:
        self.parent_of[unit_id] = parent_id
        self.name_of[unit_id] = name
        self.children[(parent_id, name.lower())].append(unit_id)
        self.by_name[name.lower()].append(unit_id)

    def path(self, unit_id: uuid.UUID) -> str:
        names: list[str] = []
        node: uuid.UUID | None = unit_id
        while node is not None and len(names) < 100:  # bounded in case the tree is corrupt
            names.append(self.name_of[node])
            node = self.parent_of[node]
        return "/".join(reversed(names))

    def resolve_path(self, segments: list[str]) -> tuple[uuid.UUID | None, str | None]:
        parent: uuid.UUID | None = None
        for depth, name in enumerate(segments, start=1):
            key = "/".join(segments[:depth]).lower()
            found = self.children.get((parent, name.lower()), [])
            if len(found) > 1:
                exact = [unit_id for unit_id in found if self.name_of[unit_id] == name]
                if len(exact) != 1:
                    return None, f'{len(found)} units are at "{self.path(found[0])}"; rename all but one in the admin'
                found = exact
            if found:
                parent = found[0]
                continue
            if self.unit_map.get(key) in self.existing:
                parent = self.unit_map[key]
                continue
            unit = NewUnit(
                id=uuid.uuid4(),
                name=name,
                kind=_kind_at(depth),
                parent_id=parent,
                depth=depth,
                key=key,
                parent_path=self.path(parent) if parent else "",
            )
            self.new.append(unit)
            self._add(unit.id, name, parent)
            parent = unit.id
        return parent, None

    def suggestions(self, name: str, *, limit: int = 3) -> list[tuple[uuid.UUID, str]]:
        """Existing units whose name is closest to ``name`` (a misspelling), as (id, path)."""
        names = {self.name_of[unit_id].lower() for unit_id in self.existing}
        close = difflib.get_close_matches(name.lower(), names, n=limit, cutoff=0.6)
        found = [(unit_id, self.path(unit_id)) for match in close for unit_id in self.by_name[match]]
        return [(unit_id, path) for unit_id, path in found if unit_id in self.existing][:limit]

    def resolve_name(self, name: str) -> tuple[uuid.UUID | None, str | None]:
        found = self.by_name.get(name.lower(), [])
        if not found:
            return self.resolve_path([name])
        if len(found) == 1:
            return found[0], None
        # A one-part path literally names a top-level unit, so that one wins if it is the only one.
        top_level = [unit_id for unit_id in found if self.parent_of[unit_id] is None]
        if len(top_level) == 1:
            return top_level[0], None
        paths = "; ".join(sorted(self.path(unit_id) for unit_id in found))
        return None, f"{len(found)} units have this name ({paths}); write the full path"


def _resolve_units(lines: list[_Line], units: _Units, errors: list[RosterError]) -> dict[int, uuid.UUID | None]:
    """Unit of each line. Full paths go first so a bare name can match a unit the file creates,
    whatever the order of lines."""
    resolved: dict[int, uuid.UUID | None] = {}
    cache: dict[tuple[str, ...], tuple[uuid.UUID | None, str | None]] = {}
    for full_paths in (True, False):
        for line in lines:
            if line.segments is None or (len(line.segments) > 1) != full_paths:
                continue
            key = tuple(line.segments)
            if key not in cache:
                cache[key] = units.resolve_path(line.segments) if full_paths else units.resolve_name(line.segments[0])
            unit_id, message = cache[key]
            if message:
                errors.append(RosterError(line.line, "unit", message))
            resolved[line.line] = unit_id
    return resolved


def _find_loops(supervisor_of: dict[uuid.UUID, uuid.UUID | None], starts: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    """Loops reachable upwards from ``starts``. Each person has at most one supervisor, so one
    walk per person, never revisiting anyone, finds them all in linear time."""
    state: dict[uuid.UUID, int] = {}  # 1 = on the walk in progress, 2 = finished
    loops: list[list[uuid.UUID]] = []
    for start in starts:
        walk: list[uuid.UUID] = []
        node: uuid.UUID | None = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            node = supervisor_of.get(node)
        if node is not None and state[node] == 1:
            loops.append(walk[walk.index(node) :])
        for visited in walk:
            state[visited] = 2
    return loops


class _Record(NamedTuple):
    """A person as the database has them; the fields after ``work_email`` are what a line sets."""

    id: uuid.UUID
    work_email: str
    full_name: str
    title: str
    phone: str
    unit_id: uuid.UUID | None
    rank_tier_id: int
    supervisor_id: uuid.UUID | None
    is_active: bool


class _Staff:
    """The whole staff table in one query: the final chain of command may run through anyone,
    and a query per line would not scale."""

    AMBIGUOUS = "{n} people in Sidebar have this e-mail in different letter case; merge them in the admin first"

    def __init__(self) -> None:
        rows = Person.objects.values_list(*_Record._fields)
        self.record = {row[0]: _Record(*row) for row in rows}
        self.ids_by_email: dict[str, list[uuid.UUID]] = defaultdict(list)
        for record in self.record.values():
            self.ids_by_email[record.work_email.lower()].append(record.id)


def _assign_ids(lines: list[_Line], staff: _Staff, errors: list[RosterError]) -> dict[str, uuid.UUID]:
    """Give every line its person's id, existing or new, so that supervisors can be resolved
    whatever the order of lines. Returns the ids by lower-cased e-mail."""
    id_of: dict[str, uuid.UUID] = {}
    for line in lines:
        if line.key is None:
            continue
        matches = staff.ids_by_email.get(line.key, [])
        if len(matches) > 1:
            errors.append(RosterError(line.line, "email", staff.AMBIGUOUS.format(n=len(matches))))
            continue
        line.person_id = matches[0] if matches else uuid.uuid4()
        id_of[line.key] = line.person_id
    return id_of


def _resolve_tiers(lines: list[_Line], errors: list[RosterError]) -> dict[int, int]:
    tier_id = dict(RankTier.objects.order_by("level").values_list("name", "id"))
    tier_id_lower = {name.lower(): pk for name, pk in tier_id.items()}
    resolved: dict[int, int] = {}
    for line in lines:
        name = line.values["rank_tier"]
        if not name:
            continue  # already reported as missing
        found = tier_id.get(name, tier_id_lower.get(name.lower()))
        if found is None:
            message = f"no such rank tier; the tiers are: {', '.join(tier_id)}"
            errors.append(RosterError(line.line, "rank_tier", message))
        else:
            resolved[line.line] = found
    return resolved


def _resolve_supervisors(
    lines: list[_Line], id_of: dict[str, uuid.UUID], staff: _Staff, errors: list[RosterError]
) -> dict[uuid.UUID, uuid.UUID | None]:
    """Everyone's supervisor once the file is imported: the database, overridden by the file."""
    supervisor_of = {record.id: record.supervisor_id for record in staff.record.values()}
    for line in lines:
        if line.person_id is None:
            continue
        supervisor_of.setdefault(line.person_id, None)
        if line.supervisor_key is None:
            if "supervisor_email" in line.values and not line.values["supervisor_email"]:
                supervisor_of[line.person_id] = None  # an empty cell clears the supervisor
            continue  # no column keeps the supervisor; a bad value is already reported
        supervisor_id = id_of.get(line.supervisor_key)
        matches = staff.ids_by_email.get(line.supervisor_key, [])
        if supervisor_id is None and len(matches) == 1:
            supervisor_id = matches[0]
        elif supervisor_id is None and matches:
            errors.append(RosterError(line.line, "supervisor_email", staff.AMBIGUOUS.format(n=len(matches))))
        elif supervisor_id is None:
            message = f'"{line.values["supervisor_email"]}" is not in this file or in Sidebar'
            errors.append(RosterError(line.line, "supervisor_email", message))
        supervisor_of[line.person_id] = supervisor_id
    return supervisor_of


def _check_loops(
    lines: list[_Line], supervisor_of: dict[uuid.UUID, uuid.UUID | None], staff: _Staff, errors: list[RosterError]
) -> None:
    line_of = {line.person_id: line for line in lines if line.person_id is not None}
    for loop in _find_loops(supervisor_of, list(line_of)):
        emails = [line_of[p].values["email"] if p in line_of else staff.record[p].work_email for p in [*loop, loop[0]]]
        shown = " → ".join(emails)
        for person_id in loop:
            if person_id in line_of:  # a loop through the database alone is not this file's doing
                message = f"this would make a reporting loop: {shown}"
                errors.append(RosterError(line_of[person_id].line, "supervisor_email", message))


def parse_roster(data: bytes | str, *, unit_map: Mapping[str, uuid.UUID] | None = None) -> RosterResult:
    """Check a roster CSV against itself and the database; reads, never writes.

    Every bad line is reported. Only when there is none are ``rows`` and ``new_units`` filled
    with what ``import_roster`` should write. ``unit_map`` names existing units to use instead of
    units the file would create (keys as ``NewUnit.key``)."""
    errors: list[RosterError] = []
    text = _decode(data, errors)
    if text is None:
        return RosterResult(errors, [], [])
    columns, lines = _read_lines(text, errors)
    if not columns:
        return RosterResult(errors, [], [])

    staff = _Staff()
    id_of = _assign_ids(lines, staff, errors)
    tier_of = _resolve_tiers(lines, errors)
    units = _Units(unit_map)
    unit_of = _resolve_units(lines, units, errors)
    supervisor_of = _resolve_supervisors(lines, id_of, staff, errors)
    _check_loops(lines, supervisor_of, staff, errors)
    if errors:
        errors.sort(key=lambda error: error.line)
        return RosterResult(errors, [], [])

    rows: list[RosterRow] = []
    for line in lines:
        assert line.person_id is not None and line.is_active is not None  # no errors, so both are set
        before = staff.record.get(line.person_id)
        values = line.values
        # A column the file leaves out keeps what an existing record has.
        after = (
            values["full_name"],
            values.get("title", "") if "title" in columns or before is None else before.title,
            values.get("phone", "") if "phone" in columns or before is None else before.phone,
            unit_of.get(line.line) if "unit" in columns or before is None else before.unit_id,
            tier_of[line.line],
            supervisor_of[line.person_id],
            line.is_active if "active" in columns or before is None else before.is_active,
        )
        rows.append(
            RosterRow(
                line=line.line,
                person_id=line.person_id,
                is_new=before is None,
                changed=before is None or after != before[2:],
                # A new record stores the lower-cased key; an existing one keeps its spelling.
                work_email=values["email"].lower() if before is None else before.work_email,
                full_name=after[0],
                title=after[1],
                phone=after[2],
                unit_id=after[3],
                rank_tier_id=after[4],
                supervisor_id=after[5],
                is_active=after[6],
                was_active=None if before is None else before.is_active,
            )
        )
    in_file = {row.person_id for row in rows}
    not_in_file = [record.id for record in staff.record.values() if record.is_active and record.id not in in_file]
    return RosterResult([], rows, units.new, not_in_file)


def unit_suggestions(new_units: Sequence[NewUnit], *, limit: int = 3) -> dict[str, list[tuple[uuid.UUID, str]]]:
    """For each unit the file would create, the existing units with the closest names (one query)."""
    units = _Units()
    return {unit.key: units.suggestions(unit.name, limit=limit) for unit in new_units}


def unit_paths() -> list[tuple[uuid.UUID, str]]:
    """Every existing unit as (id, full path), sorted by path (one query)."""
    units = _Units()
    return sorted(((unit_id, units.path(unit_id)) for unit_id in units.existing), key=lambda item: item[1].lower())


def export_roster(people: Sequence[Person] | None = None) -> str:
    """The staff table as a roster CSV in the import's columns: importing it changes nothing.
    ``people`` defaults to everyone (two queries)."""
    units = _Units()
    if people is None:
        people = list(Person.objects.select_related("rank_tier", "supervisor").order_by("full_name", "work_email"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for person in people:
        cells = (
            person.work_email,
            person.full_name,
            person.title,
            person.phone,
            units.path(person.unit_id) if person.unit_id else "",
            person.rank_tier.name,
            person.supervisor.work_email if person.supervisor else "",
            "yes" if person.is_active else "no",
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()


def error_report(errors: Sequence[RosterError]) -> str:
    """The operator's report: every problem on its own line, in file order."""
    count = f"{len(errors)} problem" + ("" if len(errors) == 1 else "s")
    return "\n".join([f"The roster was not imported ({count}); nothing was changed.", *(f"  {e}" for e in errors)])


# ---------------------------------------------------------------------------------------------
# Writing


def _supervisors_first(rows: list[RosterRow]) -> list[RosterRow]:
    """New people ordered so that a new supervisor is inserted before the people reporting to
    them; the foreign key is then valid at every statement, deferred constraints or not."""
    by_id = {row.person_id: row for row in rows}
    depth: dict[uuid.UUID, int] = {}
    for row in rows:
        walk: list[uuid.UUID] = []
        on_walk: set[uuid.UUID] = set()
        current: RosterRow | None = row
        while current is not None and current.person_id not in depth:
            if current.person_id in on_walk:
                raise ValueError("supervisor loop among new people; parse_roster refuses such a file")
            walk.append(current.person_id)
            on_walk.add(current.person_id)
            current = by_id.get(current.supervisor_id) if current.supervisor_id else None
        level = depth[current.person_id] if current is not None else -1
        for person_id in reversed(walk):
            level += 1
            depth[person_id] = level
    return sorted(rows, key=lambda row: depth[row.person_id])


def _person(row: RosterRow) -> Person:
    return Person(
        id=row.person_id,
        work_email=row.work_email,
        full_name=row.full_name,
        title=row.title,
        phone=row.phone,
        unit_id=row.unit_id,
        rank_tier_id=row.rank_tier_id,
        supervisor_id=row.supervisor_id,
        is_active=row.is_active,
    )


def _update_people(rows: Sequence[RosterRow], *, updated_at: datetime) -> None:
    """One plain UPDATE run for every row (executemany). ``bulk_update`` builds a CASE expression
    per field per row in Python: 20,000 changed people took half a minute that way, and well
    under a second this way."""
    quote = connection.ops.quote_name
    by_name = {field.name: field for field in Person._meta.concrete_fields}
    fields = [by_name[name] for name in _UPDATED_FIELDS]
    pk = by_name["id"]
    assignments = ", ".join(f"{quote(cast(str, field.column))} = %s" for field in fields)
    # Only names from the model's own metadata are formatted in; every value is a parameter.
    sql = f"UPDATE {quote(Person._meta.db_table)} SET {assignments} WHERE {quote(cast(str, pk.column))} = %s"  # noqa: S608
    params = []
    for row in rows:
        values = (row.full_name, row.title, row.phone, row.unit_id, row.rank_tier_id, row.supervisor_id, row.is_active)
        prepared = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, (*values, updated_at), strict=True)
        ]
        params.append([*prepared, pk.get_db_prep_save(row.person_id, connection)])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@transaction.atomic
def import_roster(
    *, rows: Sequence[RosterRow], new_units: Sequence[NewUnit], progress: Progress | None = None
) -> ImportSummary:
    """Write what ``parse_roster`` resolved: create the new units and people, update the people
    whose record changed. ``progress(done, total)`` hears after every batch."""
    Unit.objects.bulk_create(
        [
            Unit(id=unit.id, name=unit.name, kind=unit.kind, parent_id=unit.parent_id)
            for unit in sorted(new_units, key=lambda unit: unit.depth)
        ],
        batch_size=BATCH_SIZE,
    )
    to_create = _supervisors_first([row for row in rows if row.is_new])
    to_update = [row for row in rows if not row.is_new and row.changed]
    total = len(to_create) + len(to_update)
    done = 0
    for start in range(0, len(to_create), BATCH_SIZE):
        batch = to_create[start : start + BATCH_SIZE]
        Person.objects.bulk_create([_person(row) for row in batch])
        done += len(batch)
        if progress:
            progress(done, total)
    now = timezone.now()
    for start in range(0, len(to_update), BATCH_SIZE):
        batch = to_update[start : start + BATCH_SIZE]
        _update_people(batch, updated_at=now)
        done += len(batch)
        if progress:
            progress(done, total)
    return ImportSummary(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
        units_created=len(new_units),
    )
