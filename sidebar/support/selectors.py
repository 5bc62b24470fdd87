"""Reads of the support workflow, and the bridge from the database to the pure matcher."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from sidebar.org.models import Person
from sidebar.org.selectors import chain_of_command
from sidebar.safeguards.selectors import current_document
from sidebar.safeguards.models import PolicyDocument, Signature
from sidebar.support import matching
from sidebar.support.categories import Urgency
from sidebar.support.models import Assignment, SupportRequest
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


def need_for(support_request: SupportRequest, *, actor: Any, request: HttpRequest | None = None) -> matching.Need:
    person = person_of(support_request, actor=actor, request=request)
    return matching.Need(
        person_id=person.pk if person else None,
        chain_ids=frozenset(chain_of_command(person).values_list("pk", flat=True)) if person else frozenset(),
        rank_level=person.rank_tier.level if person else None,
        unit_id=person.unit_id if person else None,
        topics=frozenset(support_request.topics),
        language=support_request.language,
        prefer_same_tier=support_request.prefer_same_tier,
        prefer_other_unit=support_request.prefer_other_unit,
        requested_peer_id=support_request.requested_peer_id,
        urgent=support_request.urgency == Urgency.URGENT,
    )


def peers_with_load() -> QuerySet[PeerProfile]:
    """Peers with what matching needs, in one query: open cases and a current signature."""
    agreement = current_document(PolicyDocument.Kind.TEAM_AGREEMENT)
    signed = (
        Exists(Signature.objects.filter(document=agreement, user_id=OuterRef("person__user_id")))
        if agreement is not None
        else Q(pk__in=[])
    )
    return PeerProfile.objects.select_related("person__rank_tier").annotate(
        open_cases=Count("assignments", filter=Q(assignments__status__in=LIVE)),
        agreement_current=signed,
    )


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
        active=peer.status == PeerProfile.Status.ACTIVE,
        trained=peer.basic_training_completed_on is not None,
        agreement_current=bool(peer.agreement_current),
        away=peer.is_away(today),
        on_call=peer.on_call,
    )


def candidates(*, only: uuid.UUID | None = None) -> list[matching.Candidate]:
    today = timezone.localdate()
    peers = peers_with_load().filter(status=PeerProfile.Status.ACTIVE)
    if only is not None:
        peers = peers_with_load().filter(pk=only)
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
    """Open requests for the team leader: no identity, oldest and most urgent first."""
    return SupportRequest.objects.exclude(status=SupportRequest.Status.CLOSED).order_by("created_at")


FIRST_CONTACT_TARGET = {
    Urgency.URGENT: datetime.timedelta(hours=1),
    Urgency.SOON: datetime.timedelta(hours=24),
    Urgency.ROUTINE: datetime.timedelta(hours=72),
}
