"""Reads of the support workflow, and the bridge from the database to the pure matcher."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from sidebar.incidents.models import Recusal
from sidebar.lib.times import quarter_hour_ceiling, quarter_hour_floor
from sidebar.org.models import Person
from sidebar.org.selectors import current_agency
from sidebar.support import matching
from sidebar.support.categories import Source, Urgency
from sidebar.support.models import Assignment, SupportRequest
from sidebar.team import selectors as team
from sidebar.team.models import PeerProfile
from sidebar.vault import services as vault

LIVE = (Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)


def person_of(support_request: SupportRequest, *, actor: Any, request: HttpRequest | None = None) -> Person | None:
    """The staff record behind a request (an audited read of identity); None when anonymous or
    shredded."""
    try:
        values = vault.reveal(
            key=support_request.data_key, owner=support_request, fields=["person"], actor=actor, request=request
        )
    except vault.IdentityUnavailable:
        return None
    person_id = values.get("person")
    if not person_id:
        return None
    return Person.objects.select_related("rank_tier").filter(pk=person_id).first()


def cohort_of(person: Person, *, k: int | None = None) -> matching.Cohort:
    """The cohort the team leader's view is computed for when ``person`` asks (two queries): see
    matching.cohorts. Everyone active counts, and the person too if they have left."""
    return team_leader_cohorts(also=person, k=k)[person.pk]


def team_leader_cohorts(*, also: Person | None = None, k: int | None = None) -> dict[uuid.UUID, matching.Cohort]:
    """Every active staff member's cohort (and ``also``'s): one query for the chart, one for
    the peers (every peer profile, serving or not: who counts as a peer must not depend on today's
    rota, or the cohorts would shift under an open request)."""
    person, tier = Person._meta.db_table, Person._meta.get_field("rank_tier").related_model._meta.db_table
    also_id = Person._meta.pk.get_db_prep_value(also.pk, connection) if also else None
    with connection.cursor() as cursor:
        # the raw database values, not UUIDs: converting 60,000 ids on every page would cost more
        # than everything else, and they only need converting when the chart has changed
        cursor.execute(
            f"SELECT p.id, p.supervisor_id, p.unit_id, t.level, p.work_email FROM {person} p "  # noqa: S608 (table names from the models, the id as a parameter)
            f"JOIN {tier} t ON p.rank_tier_id = t.id WHERE p.is_active OR p.id = %s ORDER BY p.id",
            [also_id],
        )
        chart = tuple(map(tuple, cursor.fetchall()))
        cursor.execute(f"SELECT person_id FROM {PeerProfile._meta.db_table}")  # noqa: S608 (a table name from the model)
        peer_people = frozenset(row[0] for row in cursor.fetchall())
    threshold = k if k is not None else current_agency().suppression_threshold
    minimum = matching.cohort_minimum(len(chart), threshold)
    return _cohorts_of(chart, peer_people, minimum)


_last_cohorts: list[tuple[tuple[Any, ...], dict[uuid.UUID, matching.Cohort]]] = []


def _cohorts_of(chart: tuple[Any, ...], peer_people: frozenset[Any], minimum: int) -> dict[uuid.UUID, matching.Cohort]:
    """The cohorts of this exact chart, remembered for the next call while the chart, the peers
    and the minimum stay the same (compared whole, never by a timestamp that a bulk update could
    leave behind: a stale cohort could cross a new reporting line). Working them out takes
    seconds on a 20,000-person chart; comparing takes milliseconds."""
    key = (chart, peer_people, minimum)
    if _last_cohorts and _last_cohorts[0][0] == key:
        return _last_cohorts[0][1]
    as_id = Person._meta.pk.to_python
    rows = [
        (as_id(pk), as_id(boss) if boss is not None else None, as_id(unit) if unit is not None else None, level, email)
        for pk, boss, unit, level, email in chart
    ]
    found = matching.cohorts(matching.standings(rows, {as_id(peer) for peer in peer_people}), minimum)
    _last_cohorts[:] = [(key, found)]
    return found


def need_for(
    support_request: SupportRequest,
    *,
    actor: Any,
    request: HttpRequest | None = None,
    cohorts: dict[uuid.UUID, matching.Cohort] | None = None,
) -> matching.Need:
    """What the request needs, as the team leader's view ranks it: for a named request, the
    person's cohort stands in for the person (their chain of command is kept out for the whole
    cohort). ``cohorts`` (team_leader_cohorts) saves the two queries when ranking many."""
    person = person_of(support_request, actor=actor, request=request)
    return need_as(support_request, person, cohorts=cohorts)


def need_as(
    support_request: SupportRequest, person: Person | None, *, cohorts: dict[uuid.UUID, matching.Cohort] | None = None
) -> matching.Need:
    """The need of ``support_request`` had ``person`` asked it (None: anonymous)."""
    need = matching.Need(
        person_id=None,
        topics=frozenset(support_request.topics),
        language=support_request.language,
        prefer_same_tier=support_request.prefer_same_tier,
        prefer_other_unit=support_request.prefer_other_unit,
        requested_peer_id=support_request.requested_peer_id,
        urgent=support_request.urgency == Urgency.URGENT,
        # a peer who declined, or accepted and then handed it back, is not offered it again
        declined_peer_ids=frozenset(
            support_request.assignments.filter(
                Q(status=Assignment.Status.DECLINED) | Q(end_reason=Assignment.EndReason.HANDED_BACK)
            ).values_list("peer_id", flat=True)
        ),
        recused_peer_ids=frozenset(
            Recusal.objects.filter(incident_id=support_request.incident_id)
            .standing_aside()
            .values_list("peer_id", flat=True)
        )
        if support_request.incident_id
        else frozenset(),
    )
    return asked_by(need, person, cohorts=cohorts) if person is not None else need


def asked_by(
    need: matching.Need, person: Person, *, cohorts: dict[uuid.UUID, matching.Cohort] | None = None
) -> matching.Need:
    """``need`` as the team leader's view sees it when ``person`` asked: through their cohort
    (``person_id`` stays empty: see matching's note on cohorts).
    The one path from a person to what the view shows (the measure in support/anonymity.py
    replays it for every staff member)."""
    cohort = cohorts[person.pk] if cohorts and person.pk in cohorts else cohort_of(person)
    return dataclasses.replace(need, chain_ids=cohort.excluded, rank_level=cohort.rank_level, unit_ids=cohort.unit_ids)


def peers_with_load() -> QuerySet[PeerProfile]:
    """Peers with what matching needs, in one query: open cases, the load the flag counts and a
    current signature (the annotations live in sidebar.team.selectors)."""
    return team.with_agreement(team.with_load(PeerProfile.objects.select_related("person__rank_tier")))


def candidate_from(peer: Any, today: datetime.date) -> matching.Candidate:
    return matching.Candidate(
        peer_id=peer.pk,
        person_id=peer.person_id,
        rank_level=peer.person.rank_tier.level,
        unit_id=peer.person.unit_id,
        skills=frozenset(peer.skills),
        languages=frozenset(peer.languages),
        open_cases=peer.open_cases,
        capacity=peer.capacity,
        active=peer.status == PeerProfile.Status.ACTIVE and peer.person.is_active,
        trained=peer.basic_training_completed_on is not None,
        agreement_current=bool(peer.agreement_current),
        away=peer.is_away(today),
        on_call=peer.on_call or bool(getattr(peer, "on_rota_today", False)),
        # at capacity is a hard rule of its own; the flag adds the hours and the heavy contacts
        flagged=team.is_flagged(peer, besides_capacity=True),
    )


def candidates(*, only: uuid.UUID | None = None) -> list[matching.Candidate]:
    today = timezone.localdate()
    peers = peers_with_load()
    peers = peers.filter(pk=only) if only is not None else peers.filter(status=PeerProfile.Status.ACTIVE)
    return [candidate_from(peer, today) for peer in peers]


def suggestions_for(
    support_request: SupportRequest, *, actor: Any, request: HttpRequest | None = None, limit: int = 8
) -> list[matching.Suggestion]:
    return matching.rank(need_for(support_request, actor=actor, request=request), candidates(), limit=limit)


def ineligibility_reasons(
    *, support_request: SupportRequest, peer: PeerProfile, actor: Any, request: HttpRequest | None = None
) -> list[str]:
    need = need_for(support_request, actor=actor, request=request)
    found = candidates(only=peer.pk)
    return matching.ineligibility(need, found[0]) if found else ["not on the team"]


def queue() -> QuerySet[SupportRequest]:
    """Open requests for the team leader: no identity, oldest and most urgent first. A peer's
    debrief goes to the clinical advisor, not here."""
    return (
        SupportRequest.objects.exclude(status=SupportRequest.Status.CLOSED)
        .exclude(source=Source.DEBRIEF)
        .order_by("created_at")
    )


def debriefs(user: Any, *, request: HttpRequest | None = None) -> list[tuple[SupportRequest, dict[str, str]]]:
    """Open debrief requests for the clinical advisor, oldest first, with who asked (an audited
    read of identity each: the advisor has to know whom to call)."""
    from sidebar import policy

    waiting = (
        policy.visible_to(user, SupportRequest)
        .filter(source=Source.DEBRIEF)
        .exclude(status=SupportRequest.Status.CLOSED)
        .select_related("data_key")
        .order_by("created_at")
    )
    rows = []
    for item in waiting:
        try:
            who = vault.reveal(key=item.data_key, owner=item, fields=["name", "email"], actor=user, request=request)
        except vault.IdentityUnavailable:
            who = {}
        rows.append((item, who))
    return rows


def first_contact_targets(agency: Any = None) -> dict[Urgency, datetime.timedelta]:
    """The agency's first-contact targets (defaults: urgent 1 hour, soon 24, routine 72). Pass
    the agency a view already has (request.agency) to save reading it again."""
    agency = agency or current_agency()
    return {
        Urgency.URGENT: datetime.timedelta(hours=agency.first_contact_hours_urgent),
        Urgency.SOON: datetime.timedelta(hours=agency.first_contact_hours_soon),
        Urgency.ROUTINE: datetime.timedelta(hours=agency.first_contact_hours_routine),
    }


def received(support_request: SupportRequest) -> datetime.datetime:
    """When a request came, as the team leader sees it: the quarter hour (docs/privacy.md,
    "Times"). Finer would pin a request beside whoever is known to have been at a screen at that
    minute; a quarter of the shortest first-contact target (an hour) is what triage needs."""
    return quarter_hour_floor(support_request.created_at)


def first_contact_due(
    support_request: SupportRequest, targets: dict[Urgency, datetime.timedelta] | None = None
) -> datetime.datetime:
    """From the quarter hour it came in: never later than the exact target, at most 15 minutes
    sooner."""
    targets = targets or first_contact_targets()
    return received(support_request) + targets[Urgency(support_request.urgency)]


def queue_rows(now: datetime.datetime | None = None, *, agency: Any = None) -> list[dict[str, Any]]:
    """The queue as the team leader sees it: no names, only age, urgency and the target."""
    now = now or timezone.now()
    targets = first_contact_targets(agency)
    rows = []
    for item in queue().prefetch_related("assignments"):
        due = first_contact_due(item, targets)
        live = [a for a in item.assignments.all() if a.status in LIVE]
        rows.append(
            {
                "request": item,
                "received": received(item),
                "due": due,
                "overdue": item.first_contact_at is None and now > due,
                "assignment": live[0] if live else None,
            }
        )
    order = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}
    rows.sort(key=lambda row: (not row["overdue"], order[Urgency(row["request"].urgency)], row["request"].created_at))
    return rows


def overdue_check_ins_count(today: datetime.date | None = None) -> int:
    from sidebar.support.models import CheckIn

    today = today or timezone.localdate()
    return CheckIn.objects.filter(due_on__lt=today, done_at__isnull=True, cancelled_at__isnull=True).count()


PLANNED_CHECK_INS_SHOWN = 10
# How long a peer is shown that the person who asked closed a request they held.
CLOSED_BY_PERSON_SHOWN = datetime.timedelta(days=14)


def peer_dashboard(user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """A peer's home: my live assignments, check-ins due and planned, my minutes this month
    (4 queries)."""
    from django.db.models import Sum

    from sidebar.support.models import CheckIn, Contact

    today = today or timezone.localdate()
    # live ones, and those the person closed lately (the peer is told; one query for both)
    recently_closed = Q(
        status=Assignment.Status.ENDED,
        end_reason=Assignment.EndReason.PERSON_CLOSED,
        ended_at__gte=timezone.now() - CLOSED_BY_PERSON_SHOWN,
    )
    mine = list(
        Assignment.objects.filter(Q(status__in=LIVE) | recently_closed, peer__person__user=user)
        .select_related("request")
        .order_by("offered_at")
    )
    assignments = [item for item in mine if item.status in LIVE]
    own_assignment = Assignment.objects.filter(
        request=OuterRef("request"), peer=OuterRef("peer"), status=Assignment.Status.ACCEPTED
    ).values("pk")[:1]
    due = list(
        CheckIn.objects.filter(
            peer__person__user=user, due_on__lte=today, done_at__isnull=True, cancelled_at__isnull=True
        )
        .annotate(assignment_id=Subquery(own_assignment))
        .select_related("request")
        .order_by("due_on")
    )
    planned = list(
        CheckIn.objects.filter(
            peer__person__user=user, due_on__gt=today, done_at__isnull=True, cancelled_at__isnull=True
        )
        .select_related("request")
        .order_by("due_on")[:PLANNED_CHECK_INS_SHOWN]
    )
    minutes = (
        Contact.objects.filter(peer__person__user=user, date__year=today.year, date__month=today.month).aggregate(
            total=Sum("minutes")
        )["total"]
        or 0
    )
    return {
        "assignments": assignments,
        "closed_by_person": [item for item in mine if item.status not in LIVE],
        "check_ins_due": due,
        "check_ins_planned": planned,
        "hours_this_month": round(minutes / 60, 1),
        "today": today,
    }


IDENTITY_SHOWN_TO_PEER = ("name", "email", "phone", "preferred_times")


def assignment_page(
    assignment: Assignment,
    *,
    user: Any,
    request: HttpRequest | None = None,
    answer_form: Any = None,
    contact_form: Any = None,
    hand_back_form: Any = None,
) -> dict[str, Any]:
    """Everything the assigned peer's page shows. Identity only once accepted, and every time it
    is shown it is an audited read."""
    from sidebar.support.forms import AnswerForm, CloseForm, ContactForm, HandBackForm
    from sidebar.support.models import CheckIn, Contact

    support_request = assignment.request
    identity: dict[str, str] | None = None
    thread = None
    if assignment.status == Assignment.Status.ACCEPTED:
        try:
            identity = vault.reveal(
                key=support_request.data_key,
                owner=support_request,
                fields=IDENTITY_SHOWN_TO_PEER,
                actor=user,
                request=request,
            )
        except vault.IdentityUnavailable:
            identity = {}
        ticket = getattr(support_request, "ticket", None) if support_request.source == "anonymous" else None
        if ticket is not None:
            from sidebar.support.tickets import thread_for

            thread = thread_for(ticket=ticket, actor=user, request=request)
    return {
        "assignment": assignment,
        "support_request": support_request,
        "identity": identity,
        "thread": thread,
        "contacts": Contact.objects.filter(request=support_request, peer=assignment.peer).order_by("-date"),
        "check_ins": CheckIn.objects.filter(request=support_request, peer=assignment.peer, cancelled_at__isnull=True),
        "answer_form": answer_form or AnswerForm(),
        "contact_form": contact_form or ContactForm(),
        "close_form": CloseForm(),
        "hand_back_form": hand_back_form or HandBackForm(),
    }


def suggestion_rows(
    support_request: SupportRequest, *, actor: Any, request: HttpRequest | None = None
) -> list[dict[str, Any]]:
    """Every eligible peer, best first, with name and unit, for the team leader (one more
    query), ranked for the asker's cohort (see need_for)."""
    need = need_for(support_request, actor=actor, request=request)
    suggestions = matching.rank(need, candidates())
    peers = PeerProfile.objects.select_related("person__unit").in_bulk([s.candidate.peer_id for s in suggestions])
    return [
        {
            "peer_id": s.candidate.peer_id,
            "name": peers[s.candidate.peer_id].person.full_name,
            "unit": peers[s.candidate.peer_id].person.unit,
            "reasons": list(shown_reasons(s)),
        }
        for s in suggestions
    ]


def shown_reasons(suggestion: matching.Suggestion) -> tuple[str, ...]:
    """The reasons the team leader reads: those that describe the person relative to the peer
    (tier, unit) rank the list but are not shown."""
    return tuple(reason for reason in suggestion.reasons if reason not in matching.IDENTITY_REASONS)


def queue_summary(now: datetime.datetime | None = None, *, agency: Any = None) -> dict[str, int]:
    """Two numbers for the team leader's home page (one query)."""
    now = now or timezone.now()
    overdue = Q()
    for urgency, target in first_contact_targets(agency).items():
        # first_contact_due(...) < now, for the quarter hour it came in
        overdue |= Q(urgency=urgency, created_at__lt=quarter_hour_ceiling(now - target))
    counts = queue().aggregate(
        waiting=Count("pk", filter=Q(status=SupportRequest.Status.OPEN)),
        overdue=Count("pk", filter=overdue & Q(first_contact_at__isnull=True)),
    )
    return {"waiting": counts["waiting"], "overdue": counts["overdue"]}


def may_close(user: Any, support_request: SupportRequest) -> bool:
    """The team leader, or the peer who accepted it and still serves: not the person who sent it
    (they close an anonymous ticket through the ticket), not a peer it was merely offered to."""
    from sidebar import policy
    from sidebar.accounts.roles import Role

    if policy.has_role(user, Role.TEAM_LEADER):
        return True
    return support_request.assignments.filter(
        status=Assignment.Status.ACCEPTED,
        peer__person__user=user,
        peer__status__in=(PeerProfile.Status.ACTIVE, PeerProfile.Status.INACTIVE),
    ).exists()


def sent_by(user: Any) -> QuerySet[SupportRequest]:
    """The requests ``user`` sent (for themself or about a colleague), found by keyed tag: open
    and closed alike, until their identity is shredded (then nothing links them to ``user``)."""
    return (
        SupportRequest.objects.filter(data_key__holder_tag__in=vault.holder_tags(user.pk))
        .select_related("data_key")
        .order_by("-created_at")
    )


def on_call_peers(today: datetime.date | None = None) -> QuerySet[PeerProfile]:
    """Active peers on call today: marked on call, or on the rota for today."""
    today = today or timezone.localdate()
    on_rota = Q(on_call_shifts__starts_on__lte=today, on_call_shifts__ends_on__gte=today)
    return PeerProfile.objects.filter(Q(on_call=True) | on_rota, status=PeerProfile.Status.ACTIVE).distinct()


URGENT_WAIT_STEP_MINUTES = 15


def waited(since: datetime.datetime, now: datetime.datetime) -> str:
    """How long something has waited, in 15-minute steps (then hours): a peer needs to know how
    pressing it is, not the minute it was sent (a minute can point to a person)."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < URGENT_WAIT_STEP_MINUTES:
        return "less than 15 minutes"
    if minutes < 120:
        step = minutes // URGENT_WAIT_STEP_MINUTES * URGENT_WAIT_STEP_MINUTES
        return f"over {step} minutes"
    return f"over {minutes // 60} hours"


def urgent_for_peer(user: Any, now: datetime.datetime | None = None) -> dict[str, Any]:
    """What an on-call peer may know of the urgent requests not yet taken (2-3 queries): that
    they wait, for how long, and whether the team leader has offered them to someone. No id, no
    topic, no kind, nothing of who asked: a peer learns that only from an offer they accept.
    Offers of urgent requests made to this peer are listed with their link."""
    now = now or timezone.now()
    offers = list(
        Assignment.objects.filter(
            peer__person__user=user,
            peer__status__in=(PeerProfile.Status.ACTIVE, PeerProfile.Status.INACTIVE),
            status=Assignment.Status.OFFERED,
            request__urgency=Urgency.URGENT,
        )
        .select_related("request")
        .order_by("offered_at")
    )
    on_call = on_call_peers().filter(person__user=user).exists()
    waiting: list[dict[str, Any]] = []
    if on_call:
        offered_to_me = {offer.request_id for offer in offers}
        pending = (
            SupportRequest.objects.filter(
                urgency=Urgency.URGENT, status__in=(SupportRequest.Status.OPEN, SupportRequest.Status.OFFERED)
            )
            .exclude(source=Source.DEBRIEF)
            .order_by("created_at")
            .values_list("pk", "status", "created_at")
        )
        waiting = [
            {"waited": waited(created_at, now), "offered": status == SupportRequest.Status.OFFERED}
            for pk, status, created_at in pending
            if pk not in offered_to_me
        ]
    return {"on_call": on_call, "offers": offers, "waiting": waiting}


OWN_REQUEST_SOURCES = (Source.SELF, Source.DEBRIEF, Source.INCIDENT)


def own_request(user: Any, request_id: Any) -> SupportRequest | None:
    """A request ``user`` sent about themself (or was offered after an incident) and can still be
    found by (its identity not shredded), through the policy's scope; None otherwise. Referrals
    are not theirs to withdraw: the colleague's request is not the referrer's."""
    from sidebar import policy

    return (
        policy.visible_to(user, SupportRequest)
        .filter(pk=request_id, source__in=OWN_REQUEST_SOURCES, data_key__holder_tag__in=vault.holder_tags(user.pk))
        .select_related("data_key")
        .first()
    )
