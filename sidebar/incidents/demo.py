"""The demo's incidents: a threat against one unit about ten weeks ago — reached out to, worked
through the board, a defusing the same evening and a debriefing two days later, check-ins done
and the three-month one still to come — an injury on duty three weeks ago, and mutual aid given
to a neighbouring agency. Built through the same services a team leader uses, with the e-mails
switched off (the demo's past must not write to anyone)."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.incidents import selectors, services
from sidebar.incidents.models import GroupSession, Incident
from sidebar.lib import mail
from sidebar.org.demo import demo_accounts
from sidebar.org.models import Person, Unit
from sidebar.org.selectors import current_agency
from sidebar.support import services as support
from sidebar.support.categories import ContactMode, ResponseType, Topic
from sidebar.support.models import Assignment, CheckIn, Contact, SupportRequest
from sidebar.team.models import PeerProfile

THREAT_WEEKS_AGO = 10


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    """``hour`` o'clock on ``day`` in the agency's time zone (load_demo runs outside a request)."""
    zone = zoneinfo.ZoneInfo(current_agency().timezone)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


def build_demo_incidents(*, seed: int = 2026, today: datetime.date | None = None) -> None:
    accounts = demo_accounts()
    if accounts is None:
        raise RuntimeError("build_demo_incidents needs the demo agency: run build_demo_agency first")
    rng = random.Random(seed)  # noqa: S311 - a seeded generator for fictional data
    today = today or timezone.localdate()
    leader = User.objects.get(email=accounts.team_leader)
    with mail.quiet():  # the demo's past must not e-mail anyone
        _threat(rng, leader, today)
        _injury_on_duty(rng, leader, today)
        _mutual_aid(leader, today)


def _threat(rng: random.Random, leader: User, today: datetime.date) -> None:
    day = today - datetime.timedelta(weeks=THREAT_WEEKS_AGO)
    # a unit of a dozen or so people, the kind a threat in a courtroom hallway touches
    unit = Unit.objects.annotate(n=Count("people")).filter(n__gte=15, n__lte=30).order_by("n", "name").first()
    if unit is None:
        return
    outside = PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE).exclude(person__unit=unit)
    witness = rng.choice(list(outside.order_by("person__full_name")))
    activation = services.activate(
        kind=Incident.Kind.THREAT_ASSAULT, occurred_on=day, units=[unit], witnesses=[witness], by=leader
    )
    incident = activation.incident
    Incident.objects.filter(pk=incident.pk).update(recorded_at=_moment(day, 14))
    incident.outreach.update(created_at=_moment(day, 14))

    for row in selectors.board(incident, actor=leader):
        if row.proposed is None or rng.random() < 0.15:  # a few said no thanks before anyone called
            support.close(support_request=row.request, by=leader)
            continue
        peer = PeerProfile.objects.select_related("person__user").get(pk=row.proposed)
        assignment = support.assign(support_request=row.request, peer=peer, by=leader)
        services.plan_follow_ups(assignment, today=day + datetime.timedelta(days=1))
        support.accept(assignment=assignment, by=peer.person.user)
        Assignment.objects.filter(pk=assignment.pk).update(offered_at=_moment(day, 15), answered_at=_moment(day, 16))
        first = day + datetime.timedelta(days=rng.choice([0, 1, 1, 2]))
        contact = support.log_contact(
            assignment=assignment,
            date=first,
            minutes=rng.choice([20, 30, 45, 60]),
            mode=rng.choice([ContactMode.IN_PERSON, ContactMode.PHONE]),
            response_type=ResponseType.POST_CRISIS,
            topics=[Topic.CRITICAL_INCIDENT],
            referrals=[],
        )
        Contact.objects.filter(pk=contact.pk).update(created_at=_moment(first, 17))
        SupportRequest.objects.filter(pk=row.request.pk).update(first_contact_at=_moment(first, 17))
        # the check-ins that fell due are done (one slipped); the three-month one is still to come
        for check_in in CheckIn.objects.filter(request=row.request, due_on__lt=today):
            if rng.random() < 0.9:
                CheckIn.objects.filter(pk=check_in.pk).update(done_at=_moment(check_in.due_on, 12))
        if rng.random() < 0.7:  # most are fine after a month; the rest keep their three-month check-in
            support.close(support_request=row.request, by=peer.person.user)
            closed_on = _moment(day + datetime.timedelta(days=32), 17)
            SupportRequest.objects.filter(pk=row.request.pk).update(closed_at=closed_on)

    for kind, when, count in (
        (GroupSession.Kind.DEFUSING, _moment(day, 17), 9),
        (GroupSession.Kind.DEBRIEFING, _moment(day + datetime.timedelta(days=2), 10), 12),
    ):
        session = services.schedule_session(
            incident=incident,
            kind=kind,
            starts_at=when,
            minutes=60 if kind == GroupSession.Kind.DEFUSING else 120,
            place="Conference room 4B, Hall of Justice",
            facilitators=list(selectors.facilitator_choices(incident)[:2]),
            clinical_advisor_facilitates=True,
            by=leader,
        )
        GroupSession.objects.filter(pk=session.pk).update(invitations_sent_at=_moment(day, 15), attendance=count)


def _injury_on_duty(rng: random.Random, leader: User, today: datetime.date) -> None:
    """One person, hurt on duty three weeks ago: the same offer and cadence, no group session."""
    day = today - datetime.timedelta(weeks=3)
    person = rng.choice(list(Person.objects.filter(is_active=True, user__isnull=True).order_by("work_email")[:200]))
    activation = services.activate(
        kind=Incident.Kind.ILLNESS_INJURY, occurred_on=day, people=[person], units=[], by=leader
    )
    activation.incident.outreach.update(created_at=_moment(day, 11))
    row = selectors.board(activation.incident, actor=leader)[0]
    if row.proposed is not None:
        peer = PeerProfile.objects.select_related("person__user").get(pk=row.proposed)
        assignment = support.assign(support_request=row.request, peer=peer, by=leader)
        services.plan_follow_ups(assignment, today=day + datetime.timedelta(days=1))
        support.accept(assignment=assignment, by=peer.person.user)
        contact = support.log_contact(
            assignment=assignment,
            date=day + datetime.timedelta(days=2),
            minutes=40,
            mode=ContactMode.PHONE,
            response_type=ResponseType.POST_CRISIS,
            topics=[Topic.ILLNESS_INJURY],
            referrals=[],
        )
        Contact.objects.filter(pk=contact.pk).update(created_at=_moment(day + datetime.timedelta(days=2), 17))


def _mutual_aid(leader: User, today: datetime.date) -> None:
    """Two peers helped a neighbouring county's probation department after a shooting there."""
    start = today - datetime.timedelta(days=150)
    peers = list(PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE).order_by("person__work_email")[3:5])
    aid = services.record_mutual_aid(
        direction="given",
        other_agency="Mesa County Probation Department",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=3),
        hours=Decimal("22.5"),
        peers=peers,
        by=leader,
    )
    for index, item in enumerate(aid.requests.all()):
        assignment = item.assignments.get()
        for offset in range(3):
            support.log_contact(
                assignment=assignment,
                date=start + datetime.timedelta(days=offset),
                minutes=45 + 15 * index,
                mode=ContactMode.IN_PERSON,
                response_type=ResponseType.GROUP_CRISIS if offset == 0 else ResponseType.POST_CRISIS,
                topics=[Topic.CRITICAL_INCIDENT],
                referrals=[],
            )
    services.end_mutual_aid(aid=aid, by=leader)
    services.record_mutual_aid(
        direction="received",
        other_agency="State Court Peer Support Network",
        starts_on=today - datetime.timedelta(weeks=THREAT_WEEKS_AGO),
        ends_on=today - datetime.timedelta(weeks=THREAT_WEEKS_AGO) + datetime.timedelta(days=2),
        hours=Decimal(9),
        peers=[],
        by=leader,
    )
