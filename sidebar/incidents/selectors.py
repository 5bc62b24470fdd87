"""Reads of critical incidents: the list, one incident's facts, the board of outreach with the
matching suggestions (on-call peers first), and what a peer sees about incidents that touched
them."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from sidebar.incidents.models import GroupSession, Incident, Recusal
from sidebar.lib.people import person_labels
from sidebar.support import matching
from sidebar.support.models import Assignment, SupportRequest
from sidebar.support.selectors import candidates, need_for, team_leader_cohorts
from sidebar.team.models import PeerProfile

LIVE = (Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)
SUGGESTIONS_SHOWN = 6


def incident_list(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents with how their outreach stands (one query)."""
    return queryset.annotate(
        reached=Count("outreach", distinct=True),  # outreach requests are closed, never deleted
        waiting=Count("outreach", filter=Q(outreach__status=SupportRequest.Status.OPEN), distinct=True),
        with_peer=Count(
            "outreach",
            filter=Q(outreach__status__in=[SupportRequest.Status.OFFERED, SupportRequest.Status.ACTIVE]),
            distinct=True,
        ),
        session_count=Count("sessions", distinct=True),
    ).prefetch_related("units")


def outreach_counts(incident: Incident) -> dict[str, int]:
    return incident.outreach.aggregate(
        reached=Count("pk"),
        waiting=Count("pk", filter=Q(status=SupportRequest.Status.OPEN)),
        offered=Count("pk", filter=Q(status=SupportRequest.Status.OFFERED)),
        active=Count("pk", filter=Q(status=SupportRequest.Status.ACTIVE)),
        closed=Count("pk", filter=Q(status=SupportRequest.Status.CLOSED)),
    )


def recusals(incident: Incident) -> list[Recusal]:
    return list(incident.recusals.select_related("peer__person").order_by("reason", "peer__person__full_name"))


def sessions(incident: Incident) -> QuerySet[GroupSession]:
    return incident.sessions.prefetch_related("facilitators__person").order_by("starts_at")


@dataclass
class BoardRow:
    number: int
    request: SupportRequest
    assignment: Assignment | None
    suggestions: list[dict[str, Any]]
    proposed: Any  # the peer id the board pre-selects, or None


def board(incident: Incident, *, actor: Any, request: HttpRequest | None = None) -> list[BoardRow]:
    """Every person the activation reached, numbered (never named), with the matching
    suggestions for those still waiting: on-call peers first, then the matcher's order. The
    pre-selection spreads the work — each proposal counts against that peer's capacity before
    the next row is ranked, so one peer is never proposed for more than they can take.

    Reading who each person is (for the chain-of-command rule) is an audited read of identity,
    one per waiting person, exactly as on the triage page."""
    outreach = list(incident.outreach.order_by("created_at", "pk").prefetch_related("assignments__peer__person__unit"))
    pool = {candidate.peer_id: candidate for candidate in candidates()}
    peers = PeerProfile.objects.select_related("person__unit").in_bulk(list(pool))
    names = dict(zip(peers, person_labels([peer.person for peer in peers.values()]), strict=True))
    cohorts = team_leader_cohorts() if any(item.status == SupportRequest.Status.OPEN for item in outreach) else {}
    rows = []
    for number, item in enumerate(outreach, start=1):
        live = next((a for a in item.assignments.all() if a.status in LIVE), None)
        shown: list[dict[str, Any]] = []
        proposed = None
        if item.status == SupportRequest.Status.OPEN:
            ranked = matching.rank(need_for(item, actor=actor, request=request, cohorts=cohorts), pool.values())
            ranked.sort(key=lambda suggestion: not suggestion.candidate.on_call)  # stable: keeps the rank
            if ranked:
                proposed = ranked[0].candidate.peer_id
                chosen = pool[proposed]
                pool[proposed] = dataclasses.replace(chosen, open_cases=chosen.open_cases + 1)
            shown = [
                {
                    "peer_id": s.candidate.peer_id,
                    "name": names[s.candidate.peer_id],
                    "on_call": s.candidate.on_call,
                    "reasons": [r for r in s.reasons if r not in matching.IDENTITY_REASONS],
                }
                for s in ranked[:SUGGESTIONS_SHOWN]
            ]
        rows.append(BoardRow(number=number, request=item, assignment=live, suggestions=shown, proposed=proposed))
    return rows


def facilitator_choices(incident: Incident) -> QuerySet[PeerProfile]:
    """Active peers who may facilitate: not standing aside for this incident. Those prepared for
    critical incidents (the skill on their profile) come first."""
    aside = incident.recusals.standing_aside().values("peer_id")
    return (
        PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE, person__is_active=True)
        .exclude(pk__in=aside)
        .select_related("person")
        .order_by("person__full_name")
    )


def affected_peer_notices(user: Any, *, today: datetime.date | None = None) -> list[Recusal]:
    """For a peer's home page: recent incidents that touched their unit, where they are offered
    support and may choose to help instead (the last 90 days)."""
    today = today or timezone.localdate()
    return list(
        Recusal.objects.filter(
            peer__person__user=user,
            reason=Recusal.Reason.AFFECTED,
            incident__closed_at__isnull=True,
            incident__occurred_on__gte=today - datetime.timedelta(days=90),
        )
        .select_related("incident")
        .order_by("-incident__occurred_on")
    )
