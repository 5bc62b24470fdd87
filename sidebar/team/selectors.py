"""Reads of the team: the peer directory every staff member browses, a peer's load as the team
leader sees it on the roster, and the load flag that matching obeys.

A peer's load is counted in the database, one query for the whole team however large (the
annotations below are correlated subqueries, not joins, so counts over two tables never
multiply each other)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from sidebar import policy
from sidebar.org.models import Agency, Unit
from sidebar.safeguards.models import PolicyDocument, Signature
from sidebar.safeguards.selectors import current_document
from sidebar.support.categories import Language, Topic
from sidebar.support.models import Assignment, Contact
from sidebar.team.models import OnCallShift, PeerProfile, PeerStatusChange
from sidebar.training.selectors import with_training_hours

LIVE = (Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)

# When a peer's load is flagged to the team leader: above the agency's thresholds (Agency.load_max_hours,
# Agency.load_max_heavy_contacts) in the last 30 days; these defaults apply before the agency is set up.
LOAD_WINDOW_DAYS = 30
MAX_HOURS_IN_WINDOW = 20  # flagged above this many hours of contacts in the window
MAX_HEAVY_CONTACTS_IN_WINDOW = 3  # flagged above this many contacts with a heavy topic in the window
HEAVY_TOPICS = (Topic.SUICIDE_CONCERN, Topic.CRITICAL_INCIDENT)
# (and flagged whenever the open requests offered since the last clear reach the peer's capacity)

# Before any clear: every contact and assignment counts.
_NEVER_CLEARED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

# The order the roster lists statuses in: the working team first, people who left last.
STATUS_ORDER = [
    PeerProfile.Status.ACTIVE,
    PeerProfile.Status.INACTIVE,
    PeerProfile.Status.IN_TRAINING,
    PeerProfile.Status.SELECTED,
    PeerProfile.Status.INTERVIEW,
    PeerProfile.Status.SCREENING,
    PeerProfile.Status.NOMINATED,
    PeerProfile.Status.STEPPED_DOWN,
    PeerProfile.Status.REMOVED,
]


def _count(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(queryset.order_by().values("peer").annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _minutes(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(queryset.order_by().values("peer").annotate(m=Sum("minutes")).values("m")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _tagged_with_any(codes: tuple[str, ...]) -> Q:
    """Contacts whose topic list holds one of ``codes``. The list is read as its JSON text
    (``"code"`` with its quotes), which SQLite and PostgreSQL both answer; codes are fixed
    words from the standard list, none inside another."""
    found = Q()
    for code in codes:
        found |= Q(topics_text__contains=f'"{code}"')
    return found


def with_load(peers: QuerySet[PeerProfile], *, today: datetime.date | None = None) -> QuerySet[PeerProfile]:
    """``peers`` annotated with their load: ``open_cases`` (live assignments), ``window_minutes``
    (minutes of contacts in the last 30 days), and what the flag counts — the same, but only
    since the team leader last cleared the flag: ``flag_open_cases``, ``flag_minutes``,
    ``flag_heavy_contacts`` — with the agency's thresholds (``max_hours``, ``max_heavy_contacts``)
    and whether the on-call rota has them on call today (``on_rota_today``)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=LOAD_WINDOW_DAYS - 1)
    cleared = Coalesce(OuterRef("load_flag_cleared_at"), Value(_NEVER_CLEARED), output_field=DateTimeField())
    live = Assignment.objects.filter(peer=OuterRef("pk"), status__in=LIVE)
    recent = Contact.objects.filter(peer=OuterRef("pk"), date__gte=since)
    counted = recent.filter(created_at__gt=cleared)
    heavy = counted.annotate(topics_text=Cast("topics", TextField())).filter(_tagged_with_any(HEAVY_TOPICS))
    agency = Agency.objects.order_by("pk")
    shift_today = OnCallShift.objects.filter(peer=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today)
    return peers.annotate(
        open_cases=_count(live),
        window_minutes=_minutes(recent),
        flag_open_cases=_count(live.filter(offered_at__gt=cleared)),
        flag_minutes=_minutes(counted),
        flag_heavy_contacts=_count(heavy),
        # the agency's thresholds ride along in the same query (one agency per deployment)
        max_hours=Coalesce(Subquery(agency.values("load_max_hours")[:1]), Value(MAX_HOURS_IN_WINDOW)),
        max_heavy_contacts=Coalesce(
            Subquery(agency.values("load_max_heavy_contacts")[:1]), Value(MAX_HEAVY_CONTACTS_IN_WINDOW)
        ),
        on_rota_today=Exists(shift_today),
    )


def with_agreement(peers: QuerySet[PeerProfile]) -> QuerySet[PeerProfile]:
    """``peers`` annotated with ``agreement_current``: signed the newest team agreement (one query
    to find it; nobody has signed when none is published)."""
    agreement = current_document(PolicyDocument.Kind.TEAM_AGREEMENT)
    signed = (
        Exists(Signature.objects.filter(document=agreement, user_id=OuterRef("person__user_id")))
        if agreement is not None
        else Q(pk__in=[])
    )
    return peers.annotate(agreement_current=signed)


def flag_reasons(peer: Any, *, besides_capacity: bool = False) -> list[str]:
    """Why a peer annotated by ``with_load`` is flagged for load (empty: not flagged).
    ``besides_capacity``: leave out "at capacity", which matching already enforces on its own."""
    reasons = []
    if not besides_capacity and peer.flag_open_cases >= max(peer.capacity, 1):
        reasons.append(f"{peer.flag_open_cases} open requests, at capacity ({peer.capacity})")
    if peer.flag_minutes > peer.max_hours * 60:
        reasons.append(f"{hours(peer.flag_minutes)} hours of contacts in {LOAD_WINDOW_DAYS} days")
    if peer.flag_heavy_contacts > peer.max_heavy_contacts:
        reasons.append(
            f"{peer.flag_heavy_contacts} contacts about suicide or a critical incident in {LOAD_WINDOW_DAYS} days"
        )
    return reasons


def is_flagged(peer: Any, *, besides_capacity: bool = False) -> bool:
    """Over one of the agency's load thresholds since the last clear: no new suggestions until
    the team leader has checked in with them and cleared the flag."""
    return bool(flag_reasons(peer, besides_capacity=besides_capacity))


def hours(minutes: int) -> float:
    return round(minutes / 60, 1)


# --- the peer directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryEntry:
    peer: PeerProfile
    available: bool

    @property
    def language_labels(self) -> list[str]:
        return ["English", *(Language(code).label for code in self.peer.languages if code in Language.values)]


def directory_units() -> QuerySet[Unit]:
    """Units with at least one active peer supporter (the directory's unit filter)."""
    return Unit.objects.filter(
        people__is_active=True, people__peer_profile__status=PeerProfile.Status.ACTIVE
    ).distinct()


def directory(*, language: str = "", level: str = "", unit: Unit | None = None) -> list[DirectoryEntry]:
    """Active peers on an active staff record, by name, and whether each could take a request
    now — by the matcher's own rules for the peer's side (trained, current agreement, not away,
    under capacity, not flagged), so the directory never promises what matching refuses. Two
    queries (the current agreement, the peers) however many peers there are."""
    from sidebar.support import matching
    from sidebar.support.selectors import candidate_from

    peers = with_agreement(with_load(PeerProfile.objects.all())).filter(
        status=PeerProfile.Status.ACTIVE, person__is_active=True
    )
    if language:
        peers = peers.annotate(languages_text=Cast("languages", TextField())).filter(
            languages_text__contains=f'"{language}"'
        )
    if level:
        peers = peers.filter(level=level)
    if unit is not None:
        peers = peers.filter(person__unit=unit)
    today = timezone.localdate()
    anyone = matching.Need(person_id=None)
    return [
        DirectoryEntry(peer=peer, available=not matching.ineligibility(anyone, candidate_from(peer, today)))
        for peer in peers.select_related("person__unit", "person__rank_tier")
        .defer("photo")  # the directory links to each photo; it does not load them
        .order_by("person__full_name")
    ]


# --- the team leader's roster ---------------------------------------------------------------------


def roster() -> list[Any]:
    """Every peer profile with its load, agreement, flag and continuing-education hours this year
    (``training_hours_this_year``), working team first (two queries)."""
    peers = with_agreement(with_load(PeerProfile.objects.all())).select_related("person__unit")
    peers = with_training_hours(peers, year=timezone.localdate().year)
    rows = [_for_roster(peer) for peer in peers]
    order = {status: n for n, status in enumerate(STATUS_ORDER)}
    rows.sort(key=lambda peer: (order[PeerProfile.Status(peer.status)], peer.person.full_name))
    return rows


def roster_entry(*, user: Any, peer_id: uuid.UUID) -> Any:
    """One peer as the roster shows it (with load, agreement and flags) if ``user`` may see the
    roster; 404 otherwise, the same answer as for a peer that does not exist."""
    scoped = policy.visible_to(user, PeerProfile).filter(pk=peer_id)
    peer = with_agreement(with_load(scoped)).select_related("person__unit", "person__rank_tier").first()
    if peer is None:
        raise Http404
    return _for_roster(peer)


def _for_roster(peer: Any) -> Any:
    peer.flags = flag_reasons(peer)
    peer.window_hours = hours(peer.window_minutes)
    return peer


def status_history(peer: PeerProfile) -> QuerySet[PeerStatusChange]:
    return peer.status_changes.select_related("by__person").order_by("-at")


def own_profile(user: Any) -> PeerProfile | None:
    """The signed-in peer's own profile (None: they have none yet)."""
    return PeerProfile.objects.select_related("person__unit").filter(person__user=user).first()


# --- the on-call rota -------------------------------------------------------------------------------

ROTA_WEEKS = 8


def rota(*, today: datetime.date | None = None) -> QuerySet[OnCallShift]:
    """Stretches on call from today to eight weeks ahead, soonest first."""
    today = today or timezone.localdate()
    return (
        OnCallShift.objects.filter(ends_on__gte=today, starts_on__lte=today + datetime.timedelta(weeks=ROTA_WEEKS))
        .select_related("peer__person__unit")
        .order_by("starts_on", "peer__person__full_name")
    )


def own_shifts(peer: PeerProfile, *, today: datetime.date | None = None) -> QuerySet[OnCallShift]:
    today = today or timezone.localdate()
    return peer.on_call_shifts.filter(ends_on__gte=today).order_by("starts_on")


def directory_photo(peer_id: uuid.UUID) -> tuple[bytes, str] | None:
    """The photo of a peer the directory shows (active, on an active staff record), or None."""
    found = (
        PeerProfile.objects.filter(pk=peer_id, status=PeerProfile.Status.ACTIVE, person__is_active=True)
        .exclude(photo_type="")
        .values_list("photo", "photo_type")
        .first()
    )
    return (bytes(found[0]), found[1]) if found else None
