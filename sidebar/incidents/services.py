"""Writes of critical incidents: record and activate, assign the board, schedule group sessions,
follow up, remember the anniversary, record mutual aid. Each one atomic and audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.incidents import invitations, notify
from sidebar.incidents.models import (
    AnniversaryReminder,
    GroupSession,
    Incident,
    MutualAid,
    Recusal,
    default_follow_up_days,
)
from sidebar.lib.workdays import next_working_day
from sidebar.org.models import Person, Unit
from sidebar.org.selectors import units_under
from sidebar.support import services as support
from sidebar.support.categories import Source, SupportKind, Topic, Urgency
from sidebar.support.models import Assignment, CheckIn, SupportRequest
from sidebar.team.models import PeerProfile
from sidebar.vault import services as vault

SERVING = (PeerProfile.Status.ACTIVE, PeerProfile.Status.INACTIVE)

# What an outreach request is about, for the statistics (the person may tell the peer more).
OUTREACH_TOPICS = {
    Incident.Kind.ILLNESS_INJURY: [Topic.ILLNESS_INJURY],
    Incident.Kind.FAMILY_TRAGEDY: [Topic.GRIEF],
}


class IncidentError(Exception):
    """A step that cannot happen now; the message is fit to show to the user."""


def people_affected(*, units: Iterable[Unit], people: Iterable[Person] = ()) -> QuerySet[Person]:
    """Everyone on an active staff record in the units (and the units below them), and the
    people named one by one (one query)."""
    in_units = Q(pk__in=[])
    for unit in units:
        in_units |= Q(unit__in=units_under(unit))
    named = Q(pk__in=[person.pk for person in people])
    return Person.objects.filter(in_units | named, is_active=True).select_related("user").distinct()


@dataclass(frozen=True)
class Activation:
    incident: Incident
    people_reached: int
    peers_affected: int
    witnesses: int


@transaction.atomic
def activate(
    *,
    kind: str,
    occurred_on: datetime.date,
    units: Sequence[Unit],
    people: Sequence[Person] = (),
    witnesses: Sequence[PeerProfile] = (),
    follow_up_days: Sequence[int] | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> Activation:
    """Record an incident and reach out to everyone it touched, in one step: each person gets an
    outreach request of their own (identity sealed under its own key, so the incident never
    lists who was affected) and a notice by e-mail that names no one else. Witnesses and parties
    stand aside for the whole incident; peers in the affected units are offered support like
    everyone else, and stand aside unless they opt in to help."""
    if not units and not people:
        raise IncidentError("Choose the units affected, or the person.")
    incident = Incident.objects.create(
        kind=kind,
        occurred_on=occurred_on,
        follow_up_days=sorted(set(follow_up_days)) if follow_up_days is not None else default_follow_up_days(),
        recorded_by=by,
    )
    incident.units.set(units)
    reached = list(people_affected(units=units, people=people))
    witness_ids = {peer.pk for peer in witnesses}
    Recusal.objects.bulk_create(
        [Recusal(incident=incident, peer_id=peer_id, reason=Recusal.Reason.WITNESS) for peer_id in sorted(witness_ids)]
    )
    affected_peers = (
        PeerProfile.objects.filter(person__in=[person.pk for person in reached], status__in=SERVING)
        .exclude(pk__in=witness_ids)
        .values_list("pk", flat=True)
    )
    affected_recusals = Recusal.objects.bulk_create(
        [Recusal(incident=incident, peer_id=peer_id, reason=Recusal.Reason.AFFECTED) for peer_id in affected_peers]
    )
    topics = OUTREACH_TOPICS.get(Incident.Kind(kind), [Topic.CRITICAL_INCIDENT])
    for person in reached:
        outreach = SupportRequest.objects.create(
            source=Source.INCIDENT,
            incident=incident,
            urgency=Urgency.SOON,
            kind=SupportKind.POST_CRISIS,
            topics=[str(topic) for topic in topics],
            # the person finds it under "My requests" (and can say no thanks) like their own request
            data_key=vault.create_key(holder=person.user),
        )
        vault.store(
            key=outreach.data_key,
            owner=outreach,
            values={"person": str(person.pk), "name": person.full_name, "email": person.work_email},
        )
    record(action=Action.INCIDENT, actor=by, obj=incident, detail=f"activated:{len(reached)}", request=request)
    notify.support_offered(
        [person.work_email for person in reached], personal=Incident.Kind(kind) in Incident.PERSONAL_KINDS
    )
    return Activation(incident, len(reached), len(affected_recusals), len(witness_ids))


@transaction.atomic
def update_follow_up_days(
    *, incident: Incident, days: Sequence[int], by: User, request: HttpRequest | None = None
) -> Incident:
    """Change the cadence for people reached from now on (check-ins already planned stay)."""
    incident.follow_up_days = sorted(set(days))
    incident.save(update_fields=["follow_up_days"])
    record(action=Action.INCIDENT, actor=by, obj=incident, detail="follow_up_changed", request=request)
    return incident


def follow_up_dates(incident: Incident, *, today: datetime.date) -> list[datetime.date]:
    """The cadence as dates: each day counted from the incident; a date already past becomes
    today (the peer reached late still checks in soon); a weekend day moves to the Monday."""
    return sorted(
        {
            next_working_day(max(incident.occurred_on + datetime.timedelta(days=days), today))
            for days in incident.follow_up_days
        }
    )


def plan_follow_ups(assignment: Assignment, *, today: datetime.date | None = None) -> list[CheckIn]:
    """The peer accepted an incident's outreach: propose its check-ins (the existing reminders
    carry them). Idempotent per peer and request."""
    incident = assignment.request.incident
    if incident is None or CheckIn.objects.filter(request_id=assignment.request_id, peer=assignment.peer).exists():
        return []
    today = today or timezone.localdate()
    return CheckIn.objects.bulk_create(
        [
            CheckIn(request_id=assignment.request_id, peer=assignment.peer, due_on=due_on)
            for due_on in follow_up_dates(incident, today=today)
        ]
    )


@transaction.atomic
def opt_in(*, recusal: Recusal, by: User, request: HttpRequest | None = None) -> Recusal:
    """A peer in an affected unit chooses to help others after this incident. A witness or party
    cannot: the law and the program rules keep them apart."""
    locked = Recusal.objects.select_for_update().get(pk=recusal.pk)
    if locked.reason == Recusal.Reason.WITNESS:
        raise IncidentError("A witness or party to an incident cannot support others for it.")
    if locked.opted_in_at is None:
        locked.opted_in_at = timezone.now()
        locked.save(update_fields=["opted_in_at"])
        record(action=Action.INCIDENT, actor=by, obj=locked.incident, detail="peer_opted_in", request=request)
    return locked


def assign_board(
    *, incident: Incident, choices: dict[str, PeerProfile], by: User, request: HttpRequest | None = None
) -> tuple[int, list[str]]:
    """Offer many outreach requests at once (request id → peer). Each offer goes through the one
    ``support.assign``, which re-checks every rule; refusals are collected, not fatal."""
    outreach = {str(item.pk): item for item in incident.outreach.filter(pk__in=list(choices))}
    offered, problems = 0, []
    for request_id, peer in sorted(choices.items()):
        item = outreach.get(request_id)
        if item is None:
            continue
        try:
            support.assign(support_request=item, peer=peer, by=by, request=request)
        except support.WorkflowError as error:
            problems.append(f"{peer.person.full_name}: {error}")
        else:
            offered += 1
    return offered, problems


# --- group sessions -------------------------------------------------------------------------------


def proposed_start(incident: Incident, kind: str, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """Where a new session's time starts: a defusing within hours (the next full hour plus two);
    a debriefing 48 hours after the incident (24–72 is common) or three weeks after a
    mass-casualty event — never in the past, on a working day, and at 10:00 local time."""
    now = timezone.localtime(now)
    if kind == GroupSession.Kind.DEFUSING:
        return now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=3)
    days = 21 if incident.kind == Incident.Kind.MASS_CASUALTY else 2
    day = max(incident.occurred_on + datetime.timedelta(days=days), now.date() + datetime.timedelta(days=1))
    return timezone.make_aware(datetime.datetime.combine(next_working_day(day), datetime.time(10, 0)))


def session_invitees(session: GroupSession) -> list[str]:
    """Everyone in the incident's units, the facilitators, and the clinical advisor when they
    facilitate: one e-mail each."""
    people = people_affected(units=session.incident.units.all())
    emails = set(people.values_list("work_email", flat=True))
    emails |= set(session.facilitators.values_list("person__work_email", flat=True))
    if session.clinical_advisor_facilitates:
        advisors = User.objects.filter(is_active=True, role_memberships__role=Role.CLINICAL_ADVISOR)
        emails |= set(advisors.values_list("email", flat=True))
    return sorted(email for email in emails if email)


@transaction.atomic
def schedule_session(
    *,
    incident: Incident,
    kind: str,
    starts_at: datetime.datetime,
    minutes: int,
    place: str,
    facilitators: Sequence[PeerProfile],
    clinical_advisor_facilitates: bool,
    by: User,
    request: HttpRequest | None = None,
) -> GroupSession:
    """Schedule a defusing or debriefing and invite the affected units, with a calendar file.
    Facilitators must be free to serve: no witness, and no affected peer who has not opted in."""
    aside = set(incident.recusals.standing_aside().values_list("peer_id", flat=True))
    if any(peer.pk in aside for peer in facilitators):
        raise IncidentError("A facilitator cannot be a witness, a party, or someone affected who has not opted in.")
    session = GroupSession.objects.create(
        incident=incident,
        kind=kind,
        starts_at=starts_at,
        minutes=minutes,
        place=place.strip(),
        clinical_advisor_facilitates=clinical_advisor_facilitates,
        invitations_sent_at=timezone.now(),
    )
    session.facilitators.set(facilitators)
    invitees = session_invitees(session)
    session.invited = len(invitees)
    session.save(update_fields=["invited"])
    record(action=Action.INCIDENT, actor=by, obj=incident, detail=f"session_scheduled:{kind}", request=request)
    notify.session_invitation(invitees, session, invitations.ics_for(session))
    return session


def attendance_problem(session: GroupSession, attendance: int, *, now: datetime.datetime | None = None) -> str:
    """Why ``attendance`` cannot be the session's head count now (empty: it can)."""
    if session.starts_at > (now or timezone.now()):
        return "The head count can be given once the session has started."
    if session.invited is not None and attendance > session.invited:
        return (
            f"{session.invited} {'person was' if session.invited == 1 else 'people were'} invited: "
            "the head count cannot be higher."
        )
    return ""


@transaction.atomic
def record_attendance(
    *, session: GroupSession, attendance: int, by: User, request: HttpRequest | None = None
) -> GroupSession:
    """How many came: a count, never a list; given once the session has started, and never more
    than were invited."""
    problem = attendance_problem(session, attendance)
    if problem:
        raise IncidentError(problem)
    session.attendance = attendance
    session.save(update_fields=["attendance"])
    record(action=Action.INCIDENT, actor=by, obj=session.incident, detail="session_attendance", request=request)
    return session


# --- the anniversary ------------------------------------------------------------------------------

ANNIVERSARY_NOTICE_DAYS = 14


def send_anniversary_reminders(*, today: datetime.date | None = None) -> int:
    """Tell the team leaders two weeks before an incident's anniversary (once a year each):
    anniversaries bring things back, and a word from a peer that week matters."""
    today = today or timezone.localdate()
    sent = 0
    leaders = list(
        User.objects.filter(is_active=True, role_memberships__role=Role.TEAM_LEADER).values_list("email", flat=True)
    )
    for incident in Incident.objects.filter(occurred_on__lt=today - datetime.timedelta(days=300)):
        anniversary = _anniversary(incident.occurred_on, today)
        if not (today <= anniversary <= today + datetime.timedelta(days=ANNIVERSARY_NOTICE_DAYS)):
            continue
        with transaction.atomic():
            _, created = AnniversaryReminder.objects.get_or_create(incident=incident, year=anniversary.year)
            if created:
                notify.anniversary(leaders, anniversary)
                sent += 1
    return sent


def _anniversary(occurred_on: datetime.date, today: datetime.date) -> datetime.date:
    """The next anniversary on or after today (29 February falls on 28 February)."""
    for year in (today.year, today.year + 1):
        try:
            day = occurred_on.replace(year=year)
        except ValueError:
            day = datetime.date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable")  # pragma: no cover


# --- mutual aid -----------------------------------------------------------------------------------


@transaction.atomic
def record_mutual_aid(
    *,
    direction: str,
    other_agency: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    hours: Decimal,
    peers: Sequence[PeerProfile],
    by: User,
    request: HttpRequest | None = None,
) -> MutualAid:
    """Record help given to or received from another agency. Each peer sent out gets an
    assignment of their own, already accepted, to log their contacts against like any other
    (there is no person behind it to identify: the vault holds nothing for it)."""
    aid = MutualAid.objects.create(
        direction=direction,
        other_agency=other_agency.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        recorded_by=by,
    )
    aid.peers.set(peers)
    if direction == MutualAid.Direction.GIVEN:
        now = timezone.now()
        for peer in peers:
            item = SupportRequest.objects.create(
                source=Source.MUTUAL_AID,
                mutual_aid=aid,
                status=SupportRequest.Status.ACTIVE,
                kind=SupportKind.POST_CRISIS,
                topics=[Topic.CRITICAL_INCIDENT],
                data_key=vault.create_key(),
            )
            Assignment.objects.create(
                request=item, peer=peer, status=Assignment.Status.ACCEPTED, assigned_by=by, answered_at=now
            )
    record(action=Action.INCIDENT, actor=by, obj=aid, detail=f"mutual_aid:{direction}", request=request)
    return aid


@transaction.atomic
def end_mutual_aid(*, aid: MutualAid, by: User, request: HttpRequest | None = None) -> MutualAid:
    """The deployment is over: close its assignments (the contacts stay as statistics)."""
    if aid.ends_on is None:
        aid.ends_on = timezone.localdate()
        aid.save(update_fields=["ends_on"])
    for item in aid.requests.exclude(status=SupportRequest.Status.CLOSED):
        support.close(support_request=item, by=by, request=request)
    return aid
