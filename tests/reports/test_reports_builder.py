"""A compact builder of realistic program data for the report tests, and checks that it builds
what it says (the view, command and browser tests lean on these numbers).

``build_program`` writes statistics rows directly (requests with an empty data key, contacts,
check-ins, exceptions, peers) — the report reads nothing else — with most categories large and
a few deliberately small ones: anonymous requests, e-mail contacts, some referrals, an exception.
Timestamps are moved to where they belong after insert (the models stamp ``auto_now_add``)."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from dataclasses import dataclass, field

import pytest

from sidebar.org.models import Agency
from sidebar.reports.periods import Grain, Period, latest_completed
from sidebar.safeguards.models import ConfidentialityException
from sidebar.support.models import CheckIn, Contact, SupportRequest
from sidebar.team.models import PeerProfile
from sidebar.vault.models import DataKey
from tests.factories import PersonFactory

PEER_NAMES = ("Avery Quinn", "Blake Moreno", "Casey Lund", "Devon Park", "Emery Stone", "Harper Voss")

# Per month. Big categories, and small ones (1..4) that leadership must never see.
REQUESTS = {
    ("self", "routine"): 14,
    ("self", "soon"): 6,
    ("referral", "routine"): 6,
    ("referral", "urgent"): 3,
    ("anonymous", "routine"): 2,
}
CONTACT_MODES = {"in_person": 18, "phone": 14, "video": 6, "text": 3, "email": 1}
CHECK_INS = {"done": 22, "not_done": 3, "cancelled": 2}


@dataclass
class Program:
    agency: Agency
    months: list[Period]
    peers: list[PeerProfile]
    contacts_per_month: int = sum(CONTACT_MODES.values())
    requests_per_month: int = sum(REQUESTS.values())
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def quarter(self) -> Period:
        return Period.containing(self.months[0].start, Grain.QUARTER)


def _local(day: datetime.date, hour: int, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


def _peer(index: int, name: str) -> PeerProfile:
    """One of the six peers, made once (a second call adds data for the same team)."""
    email = f"{name.split()[0].lower()}@example.gov"
    existing = PeerProfile.objects.filter(person__work_email=email).first()
    if existing is not None:
        return existing
    return PeerProfile.objects.create(
        person=PersonFactory(full_name=name, work_email=email),
        status=PeerProfile.Status.ACTIVE,
        level=PeerProfile.Level.SUPERVISORY if index < 2 else PeerProfile.Level.PEER,
        basic_training_completed_on=datetime.date(2025, 1, 15) if index != 5 else None,
    )


def build_program(*, months: list[Period] | None = None, seed: int = 6) -> Program:
    """Three months of a busy program (by default the last completed quarter), in the agency's
    time zone. Needs an agency (the ``cast`` fixture makes one)."""
    agency = Agency.objects.order_by("pk").first() or Agency.objects.create(name="Test County District Attorney")
    zone = zoneinfo.ZoneInfo(agency.timezone)
    today = datetime.datetime.now(zone).date()
    months = months or latest_completed(Grain.QUARTER, today).months()
    rng = random.Random(seed)
    peers = [_peer(index, name) for index, name in enumerate(PEER_NAMES)]
    topics = ["work_stress", "secondary_trauma", "family", "grief", "critical_incident"]
    for month in months:
        days = (month.end - month.start).days + 1
        requests = []
        for (source, urgency), count in REQUESTS.items():
            for _ in range(count):
                request = SupportRequest.objects.create(
                    source=source, urgency=urgency, topics=["work_stress"], data_key=DataKey.objects.create()
                )
                created = _local(month.start + datetime.timedelta(days=rng.randrange(days)), rng.randrange(8, 18), zone)
                waits = {"urgent": 0.5, "soon": 6, "routine": 30}
                late = rng.random() < 0.2
                first = created + datetime.timedelta(hours=waits[urgency] * (4 if late else 1))
                SupportRequest.objects.filter(pk=request.pk).update(created_at=created, first_contact_at=first)
                requests.append(request)
        contacts = []
        for mode, count in CONTACT_MODES.items():
            for n in range(count):
                chosen = [topics[n % 3]] + ([topics[3 + n % 2]] if n % 4 == 0 else [])
                referrals = ["eap"] if n % 7 == 0 else (["chaplain"] if mode == "phone" and n == 1 else [])
                contacts.append(
                    Contact(
                        request=rng.choice(requests),
                        peer=peers[n % len(peers)],
                        date=month.start + datetime.timedelta(days=rng.randrange(days)),
                        minutes=rng.choice([30, 45, 60]),
                        mode=mode,
                        response_type="post_crisis" if n % 3 else "ongoing",
                        topics=chosen,
                        referrals=referrals,
                    )
                )
        Contact.objects.bulk_create(contacts)
        for day in {contact.date for contact in contacts}:  # recorded the evening of the contact
            Contact.objects.filter(date=day).update(created_at=_local(day, 20, zone))
        check_ins = []
        for kind, count in CHECK_INS.items():
            for n in range(count):
                due = month.start + datetime.timedelta(days=n % days)
                moment = _local(due, 12, zone)
                check_ins.append(
                    CheckIn(
                        request=requests[n],
                        peer=peers[n % len(peers)],
                        due_on=due,
                        done_at=moment if kind == "done" else None,
                        cancelled_at=moment if kind == "cancelled" else None,
                    )
                )
        CheckIn.objects.bulk_create(check_ins)
        exception = ConfidentialityException.objects.create(request=requests[0], category="danger_self")
        ConfidentialityException.objects.filter(pk=exception.pk).update(raised_at=_local(month.start, 10, zone))
    return Program(agency=agency, months=list(months), peers=peers)


pytestmark = pytest.mark.django_db


def test_builder_makes_the_counts_the_report_tests_rely_on(cast):
    program = build_program()
    first, last = program.months[0], program.months[-1]
    assert Contact.objects.filter(date__gte=first.start, date__lte=last.end).count() == 3 * 42
    assert SupportRequest.objects.count() == 3 * 31
    assert SupportRequest.objects.filter(source="anonymous").count() == 6
    assert CheckIn.objects.filter(done_at__isnull=False).count() == 3 * 22
    assert ConfidentialityException.objects.count() == 3
    assert program.quarter.months() == program.months
