"""The program's figures, counted by the database, month by month.

Every function here is a few aggregate queries (GROUP BY through ``values().annotate()``, and
conditional counts): no rows of requests or contacts are loaded into Python. The only values
that leave the database one at a time are the middle waits for the medians — at most two per
urgency, picked out by the database's own sort (ORDER BY … LIMIT/OFFSET).

Figures come per calendar month because leadership's quarters and years are published as the
sums of their months (the suppression engine's ``suppress_consistent``): a quarter may never
show a number that, set against its months, gives a small one away.

These read the statistics tables only (requests, contacts, check-ins, exceptions, the team);
nothing here imports the vault, and nothing here knows who asked for support.

Vendor notes (SQLite and PostgreSQL; anything else raises ``NotImplementedError``):
- Topic and referral codes are JSON lists on each contact. They are counted in the same pass as
  the contacts, one conditional count per code: on PostgreSQL by JSON containment
  (``topics @> '["grief"]'``), on SQLite by finding the quoted code in the stored JSON text
  (codes are plain identifiers, so ``"grief"`` with its quotes matches that element only).
- A contact's month is the first seven characters of its date (``to_char`` on PostgreSQL), and
  a wait is ``julianday`` arithmetic on SQLite: both run inside the database engine, where
  Django's own ``TruncMonth`` and datetime subtraction would call back into Python for every row.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import BooleanField, CharField, Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.expressions import Expression, Func
from django.db.models.functions import Cast, Coalesce

from sidebar.incidents.models import GroupSession, Incident
from sidebar.reports.periods import Grain, Period
from sidebar.safeguards.models import ConfidentialityException
from sidebar.support.categories import ContactMode, ExceptionCategory, Referral, ResponseType, Source, Topic, Urgency
from sidebar.support.models import Assignment, CheckIn, Contact, SupportRequest
from sidebar.team.models import PeerProfile

# The category orders every table uses (the order of the standard lists).
SOURCES: tuple[str, ...] = tuple(Source.values)
URGENCIES: tuple[str, ...] = tuple(Urgency.values)
MODES: tuple[str, ...] = tuple(ContactMode.values)
RESPONSE_TYPES: tuple[str, ...] = tuple(ResponseType.values)
TOPICS: tuple[str, ...] = tuple(Topic.values)
REFERRALS: tuple[str, ...] = tuple(Referral.values)
EXCEPTION_CATEGORIES: tuple[str, ...] = tuple(ExceptionCategory.values)
LEVELS: tuple[str, ...] = tuple(PeerProfile.Level.values)

SERVING = (PeerProfile.Status.ACTIVE, PeerProfile.Status.INACTIVE)
LIVE = (Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)


def _unsupported(connection: Any) -> NotImplementedError:
    return NotImplementedError(f"Sidebar's reports run on SQLite and PostgreSQL, not {connection.vendor}")


class JsonListHas(Expression):
    """True when the JSON list in ``field`` holds ``code`` (for ``Count(filter=...)``)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, code: str) -> None:
        super().__init__()
        self.source: Any = F(field)
        self.code = code

    def get_source_expressions(self) -> list[Any]:
        return [self.source]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.source,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source)
        if connection.vendor == "postgresql":
            return f"({sql} @> %s::jsonb)", (*params, json.dumps([self.code]))
        if connection.vendor == "sqlite":
            return f"(instr({sql}, %s) > 0)", (*params, json.dumps(self.code))
        raise _unsupported(connection)


class MonthOf(Func):
    """A date column's calendar month as text, "2026-10"."""

    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"to_char({sql}, 'YYYY-MM')", tuple(params)
        if connection.vendor == "sqlite":
            return f"substr({sql}, 1, 7)", tuple(params)
        raise _unsupported(connection)


class SecondsBetween(Func):
    """Seconds from the first timestamp to the second, as a float."""

    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        params = (*start_params, *end_params)
        if connection.vendor == "postgresql":
            return f"EXTRACT(EPOCH FROM ({end} - {start}))", params
        if connection.vendor == "sqlite":
            return f"((julianday({end}) - julianday({start})) * 86400.0)", params
        raise _unsupported(connection)


@dataclass(frozen=True)
class Bounds:
    """A period as timestamps: the agency's local midnights (a request sent at 23:30 on
    31 October belongs to October wherever the server's clock is)."""

    period: Period
    starts_at: datetime.datetime
    ends_before: datetime.datetime

    @classmethod
    def of(cls, period: Period, *, timezone: str) -> Bounds:
        zone = zoneinfo.ZoneInfo(timezone)
        return cls(
            period=period,
            starts_at=datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone),
            ends_before=datetime.datetime.combine(period.end_exclusive, datetime.time.min, tzinfo=zone),
        )

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.starts_at, f"{field}__lt": self.ends_before})


def recorded_in_time(months: Sequence[Period], *, day_field: str, timezone: str) -> Q:
    """Rows dated in one of ``months`` and recorded (``created_at``) before that month ended.

    Leadership's figures count what had been recorded when each month ended: a contact entered
    later and back-dated counts nowhere for leadership, so a published month never moves."""
    recorded = Q(pk__in=[])
    for month in months:
        ends = Bounds.of(month, timezone=timezone).ends_before
        recorded |= Q(**{f"{day_field}__gte": month.start, f"{day_field}__lte": month.end, "created_at__lt": ends})
    return recorded


def _rows(queryset: Any) -> list[dict[str, Any]]:
    """The rows of a ``values().annotate()`` query (annotation names are made up at run time)."""
    return cast(list[dict[str, Any]], list(queryset))


def _months_of(months: Sequence[Period]) -> None:
    if any(month.grain is not Grain.MONTH for month in months):
        raise ValueError("Figures are counted by calendar month.")


# --- requests -----------------------------------------------------------------------------------


@dataclass
class RequestMonth:
    received: dict[tuple[str, str], int] = field(default_factory=dict)  # (source, urgency)
    contacted: dict[str, int] = field(default_factory=dict)  # by urgency: had a first contact
    within_target: dict[str, int] = field(default_factory=dict)  # by urgency: first contact in time


def _wait() -> Coalesce:
    # A shredded request keeps its times to the month only and its wait in whole minutes rounded
    # up (sidebar/support/residue.py): the same median to the minute, the same "within target".
    kept = Cast("first_contact_wait_minutes", FloatField()) * Value(60.0)
    return Coalesce(kept, SecondsBetween(F("created_at"), F("first_contact_at")), output_field=FloatField())


def requests_by_month(
    months: Sequence[Period], *, timezone: str, targets: dict[str, datetime.timedelta], as_recorded: bool = False
) -> dict[Period, RequestMonth]:
    """Requests received each month, by source and urgency, with how many had a first contact
    and how many within the agency's target. One query: a row per (source, urgency), a
    conditional count per month."""
    _months_of(months)
    if not months:
        return {}
    in_time = Q(pk__in=[])
    for urgency, target in targets.items():
        in_time |= Q(urgency=urgency, wait__lte=target.total_seconds())
    counts: dict[str, Any] = {}
    for index, month in enumerate(months):
        bounds = Bounds.of(month, timezone=timezone)
        received = bounds.q("created_at")
        contacted = received & Q(first_contact_at__isnull=False)
        if as_recorded:  # a first contact recorded after the month ended does not count
            contacted &= Q(first_contact_at__lt=bounds.ends_before)
        counts[f"n{index}"] = Count("pk", filter=received)
        counts[f"contacted{index}"] = Count("pk", filter=contacted)
        counts[f"within{index}"] = Count("pk", filter=contacted & in_time)
    first, last = Bounds.of(months[0], timezone=timezone), Bounds.of(months[-1], timezone=timezone)
    rows = _rows(
        SupportRequest.objects.filter(created_at__gte=first.starts_at, created_at__lt=last.ends_before)
        .order_by()
        .alias(wait=_wait())
        .values("source", "urgency")
        .annotate(**counts)
    )
    result = {month: RequestMonth() for month in months}
    for row in rows:
        source, urgency = row["source"], row["urgency"]
        for index, month in enumerate(months):
            figures = result[month]
            figures.received[(source, urgency)] = row[f"n{index}"]
            figures.contacted[urgency] = figures.contacted.get(urgency, 0) + row[f"contacted{index}"]
            figures.within_target[urgency] = figures.within_target.get(urgency, 0) + row[f"within{index}"]
    return result


def median_waits(
    bounds: Bounds, *, contacted: dict[str, int], timezone: str | None = None
) -> dict[str, datetime.timedelta]:
    """The median wait for a first contact, per urgency, of the requests received in the period.

    ``contacted`` says how many there are per urgency (from ``requests_by_month``), so the
    database sorts the waits and returns only the middle one or two: one small query per urgency
    that has any (LIMIT/OFFSET works alike on SQLite and PostgreSQL, and is cheaper than a
    window over every request)."""
    medians: dict[str, datetime.timedelta] = {}
    base = SupportRequest.objects.filter(bounds.q("created_at"), first_contact_at__isnull=False)
    if timezone is not None:  # as recorded: only first contacts recorded by the end of the request's month
        in_time = Q(pk__in=[])
        for month in bounds.period.months():
            month_bounds = Bounds.of(month, timezone=timezone)
            in_time |= month_bounds.q("created_at") & Q(first_contact_at__lt=month_bounds.ends_before)
        base = base.filter(in_time)
    base = base.annotate(wait=_wait())
    for urgency, count in contacted.items():
        if count <= 0:
            continue
        middle = list(
            base.filter(urgency=urgency)
            .order_by("wait")
            .values_list("wait", flat=True)[(count - 1) // 2 : count // 2 + 1]
        )
        if middle:  # empty only if requests changed between the two queries
            medians[urgency] = datetime.timedelta(seconds=sum(middle) / len(middle))
    return medians


# --- contacts -----------------------------------------------------------------------------------


@dataclass
class ContactMonth:
    by_mode_and_response: dict[tuple[str, str], int] = field(default_factory=dict)
    minutes: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)  # contacts that touched each topic
    referrals: dict[str, int] = field(default_factory=dict)  # referrals made, by type


def _contacts(first_day: datetime.date, last_day: datetime.date) -> QuerySet[Contact]:
    # .order_by(): the model's default ordering would otherwise join the GROUP BY
    return Contact.objects.filter(date__gte=first_day, date__lte=last_day).order_by()


def contacts_by_month(
    months: Sequence[Period], *, detailed: Iterable[Period] = (), recorded_by: str | None = None
) -> dict[Period, ContactMonth]:
    """Contacts each month by mode and kind of help; for the ``detailed`` months (the report's
    own period: the trend needs only the counts) also minutes, topics and referrals.
    One query per run of consecutive months of each kind, each a single pass over its dates."""
    _months_of(months)
    wanted = set(detailed)
    result = {month: ContactMonth() for month in months}
    detail = {
        "minutes_total": Sum("minutes"),
        **{f"topic__{code}": Count("pk", filter=JsonListHas("topics", code)) for code in TOPICS},
        **{f"referral__{code}": Count("pk", filter=JsonListHas("referrals", code)) for code in REFERRALS},
    }
    plain = [m for m in months if m not in wanted]
    for months_of_kind, extra in (([m for m in months if m in wanted], detail), (plain, {})):
        for first, last in _runs(months_of_kind):
            contacts = _contacts(first.start, last.end)
            if recorded_by is not None:  # ``recorded_by``: the agency's time zone
                run = [m for m in months_of_kind if first.start <= m.start <= last.start]
                contacts = contacts.filter(recorded_in_time(run, day_field="date", timezone=recorded_by))
            rows = _rows(
                contacts.annotate(month=MonthOf("date"))
                .values("month", "mode", "response_type")
                .annotate(n=Count("pk"), **extra)
            )
            for row in rows:
                figures = result[Period.parse(row["month"])]
                figures.by_mode_and_response[(row["mode"], row["response_type"])] = row["n"]
                figures.minutes += row.get("minutes_total") or 0
                if extra:
                    for code in TOPICS:
                        figures.by_topic[code] = figures.by_topic.get(code, 0) + row[f"topic__{code}"]
                    for code in REFERRALS:
                        figures.referrals[code] = figures.referrals.get(code, 0) + row[f"referral__{code}"]
    return result


def _runs(months: list[Period]) -> list[tuple[Period, Period]]:
    """Consecutive months as (first, last) runs, so each run is one date range."""
    runs: list[tuple[Period, Period]] = []
    for month in sorted(months, key=lambda m: m.start):
        if runs and runs[-1][1].next() == month:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


# --- check-ins, exceptions, the team -----------------------------------------------------------


@dataclass(frozen=True)
class CheckInMonth:
    done: int = 0
    not_done: int = 0
    cancelled: int = 0


def check_ins_by_month(months: Sequence[Period], *, recorded_by: str | None = None) -> dict[Period, CheckInMonth]:
    """Check-ins due each month: done (whenever), cancelled, or neither. With ``recorded_by``
    (the agency's time zone): done or cancelled by the end of the month they were due in."""
    _months_of(months)
    result = {month: CheckInMonth() for month in months}
    if not months:
        return result
    if recorded_by is not None:
        counts: dict[str, Any] = {}
        for index, month in enumerate(months):
            ends = Bounds.of(month, timezone=recorded_by).ends_before
            due = Q(due_on__gte=month.start, due_on__lte=month.end)
            done = Q(done_at__lt=ends)
            cancelled = Q(cancelled_at__lt=ends) & ~done
            counts[f"done{index}"] = Count("pk", filter=due & done)
            counts[f"cancelled{index}"] = Count("pk", filter=due & cancelled)
            counts[f"due{index}"] = Count("pk", filter=due)
        totals = CheckIn.objects.filter(due_on__gte=months[0].start, due_on__lte=months[-1].end).aggregate(**counts)
        for index, month in enumerate(months):
            done_n, cancelled_n = totals[f"done{index}"] or 0, totals[f"cancelled{index}"] or 0
            result[month] = CheckInMonth(
                done=done_n, cancelled=cancelled_n, not_done=(totals[f"due{index}"] or 0) - done_n - cancelled_n
            )
        return result
    rows = _rows(
        CheckIn.objects.filter(due_on__gte=months[0].start, due_on__lte=months[-1].end)
        .order_by()
        .annotate(month=MonthOf("due_on"))
        .values("month")
        .annotate(
            done=Count("pk", filter=Q(done_at__isnull=False)),
            cancelled=Count("pk", filter=Q(done_at__isnull=True, cancelled_at__isnull=False)),
            not_done=Count("pk", filter=Q(done_at__isnull=True, cancelled_at__isnull=True)),
        )
    )
    for row in rows:
        month = Period.parse(row["month"])
        if month in result:
            result[month] = CheckInMonth(done=row["done"], not_done=row["not_done"], cancelled=row["cancelled"])
    return result


def exceptions_by_month(months: Sequence[Period], *, timezone: str) -> dict[Period, dict[str, int]]:
    """Confidentiality exceptions raised each month, by category."""
    _months_of(months)
    result: dict[Period, dict[str, int]] = {month: {} for month in months}
    if not months:
        return result
    first, last = Bounds.of(months[0], timezone=timezone), Bounds.of(months[-1], timezone=timezone)
    rows = _rows(
        ConfidentialityException.objects.filter(raised_at__gte=first.starts_at, raised_at__lt=last.ends_before)
        .order_by()
        .values("category")
        .annotate(
            **{
                f"n{index}": Count("pk", filter=Bounds.of(month, timezone=timezone).q("raised_at"))
                for index, month in enumerate(months)
            }
        )
    )
    for row in rows:
        for index, month in enumerate(months):
            result[month][row["category"]] = row[f"n{index}"]
    return result


# --- critical incidents ---------------------------------------------------------------------------

# Rows of the incident figure: each kind of incident, then mutual aid to other agencies.
MUTUAL_AID = "mutual_aid"
INCIDENT_ROWS: tuple[str, ...] = (*Incident.Kind.values, MUTUAL_AID)


@dataclass
class IncidentMonth:
    offered: dict[str, int] = field(default_factory=dict)  # people offered support, by kind
    contacts: dict[str, int] = field(default_factory=dict)
    minutes: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)  # group sessions held


def incidents_by_month(
    months: Sequence[Period], *, timezone: str, now: datetime.datetime | None = None, as_recorded: bool = False
) -> dict[Period, IncidentMonth]:
    """Per month and kind of incident: people offered support (outreach requests sent), the
    contacts and minutes peers logged against them (and against mutual aid), and the group
    sessions held (started by ``now``). Four queries."""
    _months_of(months)
    result = {month: IncidentMonth() for month in months}
    if not months:
        return result
    first, last = months[0], months[-1]
    bounds = [Bounds.of(month, timezone=timezone) for month in months]
    # From the (few) incident and mutual-aid requests to their contacts, both by index: scanning
    # the period's contacts and looking up each one's request would cost a join per contact.
    linked = SupportRequest.objects.filter(Q(incident__isnull=False) | Q(mutual_aid__isnull=False)).values("pk")
    period_contacts = _contacts(first.start, last.end)
    if as_recorded:
        period_contacts = period_contacts.filter(recorded_in_time(months, day_field="date", timezone=timezone))
    contacts = _rows(
        period_contacts.filter(request__in=linked)
        .annotate(month=MonthOf("date"))
        .values("month", "request__incident__kind")
        .annotate(n=Count("pk"), minutes_total=Sum("minutes"))
    )
    for row in contacts:
        figures = result[Period.parse(row["month"])]
        kind = row["request__incident__kind"] or MUTUAL_AID
        figures.contacts[kind] = figures.contacts.get(kind, 0) + row["n"]
        figures.minutes[kind] = figures.minutes.get(kind, 0) + (row["minutes_total"] or 0)
    per_month = {f"n{index}": index for index in range(len(months))}
    offered = _rows(
        SupportRequest.objects.filter(
            source=Source.INCIDENT, created_at__gte=bounds[0].starts_at, created_at__lt=bounds[-1].ends_before
        )
        .order_by()
        .values("incident__kind")
        .annotate(**{name: Count("pk", filter=bounds[i].q("created_at")) for name, i in per_month.items()})
    )
    held_by = now or datetime.datetime.now(tz=datetime.UTC)
    held = GroupSession.objects.filter(
        starts_at__gte=bounds[0].starts_at, starts_at__lt=min(bounds[-1].ends_before, held_by)
    )
    if as_recorded:  # a session entered after its month ended counts nowhere for leadership
        recorded = Q(pk__in=[])
        for month_bounds in bounds:
            recorded |= month_bounds.q("starts_at") & Q(created_at__lt=month_bounds.ends_before)
        held = held.filter(recorded)
    sessions = _rows(
        held.order_by()
        .values("incident__kind")
        .annotate(**{name: Count("pk", filter=bounds[i].q("starts_at")) for name, i in per_month.items()})
    )
    for rows, target in ((offered, "offered"), (sessions, "sessions")):
        for row in rows:
            for name, index in per_month.items():
                getattr(result[months[index]], target)[row["incident__kind"]] = row[name]
    return result


def incident_groups(*, before: datetime.datetime) -> dict[str, int]:
    """How many people were ever offered support after each kind of incident (and helped
    through mutual aid) by ``before``: the size of the group each row of the incident figure
    describes. A row about fewer than k people is hidden whole (DESIGN.md invariant 4)."""
    groups = {
        row["incident__kind"]: row["n"]
        for row in _rows(
            SupportRequest.objects.filter(source=Source.INCIDENT, created_at__lt=before)
            .order_by()
            .values("incident__kind")
            .annotate(n=Count("pk"))
        )
    }
    groups[MUTUAL_AID] = SupportRequest.objects.filter(mutual_aid__isnull=False, created_at__lt=before).count()
    return groups


def team_by_level() -> dict[tuple[str, bool], int]:
    """Active peer supporters today, by level and whether basic training is complete."""
    rows = _rows(
        PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE)
        .order_by()
        .values("level")
        .annotate(trained=Count("pk", filter=Q(basic_training_completed_on__isnull=False)), n=Count("pk"))
    )
    result: dict[tuple[str, bool], int] = {}
    for row in rows:
        result[(row["level"], True)] = row["trained"]
        result[(row["level"], False)] = row["n"] - row["trained"]
    return result


@dataclass(frozen=True)
class PeerLoad:
    name: str
    status_label: str
    contacts: int
    minutes: int
    open_requests: int  # accepted assignments
    offers_waiting: int
    check_ins_open: int
    capacity: int

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def at_capacity(self) -> bool:
        return self.open_requests + self.offers_waiting >= self.capacity


def peer_load(period: Period) -> list[PeerLoad]:
    """For the team leader: each serving peer (and anyone else who logged a contact in the
    period) with their contacts and time in the period and what they carry now. Three queries."""
    worked = {
        row["peer"]: row
        for row in _rows(
            _contacts(period.start, period.end).values("peer").annotate(n=Count("pk"), time=Sum("minutes"))
        )
    }
    carrying = {
        row["peer"]: row
        for row in _rows(
            Assignment.objects.filter(status__in=LIVE)
            .order_by()
            .values("peer")
            .annotate(
                accepted=Count("pk", filter=Q(status=Assignment.Status.ACCEPTED)),
                offered=Count("pk", filter=Q(status=Assignment.Status.OFFERED)),
            )
        )
    }
    open_check_ins = Q(check_ins__done_at__isnull=True, check_ins__cancelled_at__isnull=True)
    peers = (
        PeerProfile.objects.filter(Q(status__in=SERVING) | Q(pk__in=list(worked)))
        .select_related("person")
        .annotate(open_check_ins=Count("check_ins", filter=open_check_ins))
        .order_by("person__full_name")
    )
    return [
        PeerLoad(
            name=peer.person.full_name,
            status_label=peer.get_status_display(),
            contacts=worked.get(peer.pk, {}).get("n", 0),
            minutes=worked.get(peer.pk, {}).get("time") or 0,
            open_requests=carrying.get(peer.pk, {}).get("accepted", 0),
            offers_waiting=carrying.get(peer.pk, {}).get("offered", 0),
            check_ins_open=peer.open_check_ins,
            capacity=peer.capacity,
        )
        for peer in peers
    ]


def grid(
    counts: dict[tuple[str, str], int], rows: Iterable[str], columns: Iterable[str]
) -> tuple[tuple[int, ...], ...]:
    """A dict of (row, column) counts as a full grid in the given orders (missing: 0)."""
    column_list = list(columns)
    return tuple(tuple(counts.get((row, column), 0) for column in column_list) for row in rows)
