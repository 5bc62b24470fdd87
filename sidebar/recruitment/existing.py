"""Day one of a program that already has a team: the team leader brings in the members who serve
today, without making them apply again. They join as selected members with their basic training
on record (taken before Sidebar), then sign the agreement, write their profile and are activated
like anyone else — the onboarding checklist is the same for everyone."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.accounts.services import set_roles
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Person
from sidebar.recruitment.services import ON_THE_TEAM, RecruitmentError
from sidebar.team.models import PeerProfile, PeerStatusChange

PeerStatus = PeerProfile.Status


@transaction.atomic
def add_existing_member(
    *, person: Person, trained_on: datetime.date, by: User, request: HttpRequest | None = None
) -> PeerProfile:
    """Put someone who already serves on the team in Sidebar: a selected member whose basic
    training was completed on ``trained_on``, holding the peer supporter role (audited)."""
    person = Person.objects.select_for_update(of=("self",)).select_related("rank_tier", "user").get(pk=person.pk)
    if not person.is_active:
        raise RecruitmentError("Only an active person on the roster can join the team.")
    if person.user is None or not person.user.is_active:
        raise RecruitmentError("This person has no account yet: the program administrator creates it from the roster.")
    if trained_on > timezone.localdate():
        raise RecruitmentError("The basic training date cannot be in the future.")
    peer = PeerProfile.objects.select_for_update().filter(person=person).first()
    if peer is not None and peer.status in ON_THE_TEAM:
        raise RecruitmentError("This person is on the team already.")
    now = timezone.now()
    if peer is None:
        level = PeerProfile.Level.SUPERVISORY if person.rank_tier.is_supervisory else PeerProfile.Level.PEER
        peer = PeerProfile.objects.create(
            person=person, level=level, status=PeerStatus.SELECTED, basic_training_completed_on=trained_on
        )
        from_status = PeerStatus.NOMINATED
    else:  # served before, stepped down or was removed, and serves again
        from_status = PeerStatus(peer.status)
        peer.status = PeerStatus.SELECTED
        peer.basic_training_completed_on = trained_on
        peer.save(update_fields=["status", "basic_training_completed_on", "updated_at"])
    PeerStatusChange.objects.create(peer=peer, from_status=from_status, to_status=PeerStatus.SELECTED, at=now, by=by)
    record(action=Action.ROSTER_CHANGED, actor=by, obj=peer, detail="status:selected:existing", request=request)
    held = set(person.user.role_memberships.values_list("role", flat=True))
    if Role.PEER not in held:
        set_roles(user=person.user, roles={*held, Role.PEER}, by=by, request=request)
    return peer
