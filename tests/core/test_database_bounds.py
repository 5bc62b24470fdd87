"""Every number a person types is bounded by the database too, not only by the form or the
service: a script, the admin, a future view or a bulk update cannot store a contact of 0 or
70,000 minutes, a head count above those invited or a retention of 99,999 days (issue 12,
section 7). Each row below is written with ``update()``, which skips every Python check, and the
database itself must refuse it — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F, Model

from sidebar.incidents.models import GroupSession, Incident, MutualAid
from sidebar.org.models import Agency
from sidebar.org.selectors import current_agency
from sidebar.support import services
from sidebar.support.models import Assignment
from sidebar.team.models import PeerProfile
from sidebar.training.models import Course, TrainingSession
from tests.factories import ask_as, make_cast, make_peer

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def rows() -> dict[str, Model]:
    cast = make_cast()
    peer = make_peer(cast.peer)
    support_request = ask_as(cast.staff)
    assignment = Assignment.objects.create(request=support_request, peer=peer, status=Assignment.Status.ACCEPTED)
    contact = services.log_contact(
        assignment=assignment,
        date=DAY,
        minutes=45,
        mode="in_person",
        response_type="post_crisis",
        topics=[],
        referrals=[],
    )
    incident = Incident.objects.create(kind=Incident.Kind.values[0], occurred_on=DAY)
    session = GroupSession.objects.create(
        incident=incident,
        kind=GroupSession.Kind.DEFUSING,
        starts_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC),
        place="Room 4",
        invited=12,
        attendance=9,
    )
    aid = MutualAid.objects.create(direction=MutualAid.Direction.GIVEN, other_agency="Nearby county", starts_on=DAY)
    training = TrainingSession.objects.create(
        course=Course.objects.create(name="Listening skills"), date=DAY, hours=Decimal(3), trainer="Dr. Solis"
    )
    return {
        "agency": current_agency(), "contact": contact, "peer": peer, "session": session, "aid": aid,
        "training": training,
    }  # fmt: skip


REFUSED = {
    "contact of 0 minutes": ("contact", {"minutes": 0}),
    "contact of 601 minutes": ("contact", {"minutes": 601}),
    "head count above those invited": ("session", {"attendance": F("invited") + 1}),
    "group session of 0 minutes": ("session", {"minutes": 0}),
    "group session of 481 minutes": ("session", {"minutes": 481}),
    "negative mutual-aid hours": ("aid", {"hours": Decimal("-1")}),
    "mutual aid ending before it starts": ("aid", {"ends_on": DAY - datetime.timedelta(days=1)}),
    "training session of 0 hours": ("training", {"hours": Decimal(0)}),
    "training session of 41 hours": ("training", {"hours": Decimal(41)}),
    "peer capacity of 11": ("peer", {"capacity": 11}),
    "identity retention of 366 days": ("agency", {"identity_retention_days": 366}),
    "identity retention of 99,999 days": ("agency", {"identity_retention_days": 9999}),
    "closing inactive requests after 13 days": ("agency", {"inactive_close_days": 13}),
    "closing inactive requests after 366 days": ("agency", {"inactive_close_days": 366}),
    "first-contact target of 0 hours": ("agency", {"first_contact_hours_urgent": 0}),
    "yearly training target of 0 hours": ("agency", {"yearly_training_hours": 0}),
    "basic training target of 0 hours": ("agency", {"basic_training_hours": 0}),
    "suppression threshold of 2": ("agency", {"suppression_threshold": 2}),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_the_database_refuses_a_number_out_of_bounds(rows, case):
    name, change = REFUSED[case]
    row = rows[name]
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**change)


ACCEPTED = {
    "contact of 1 minute": ("contact", {"minutes": 1}),
    "contact of 600 minutes": ("contact", {"minutes": 600}),
    "head count equal to those invited": ("session", {"attendance": F("invited")}),
    "head count with no invitation count kept": ("session", {"invited": None, "attendance": 40}),
    "training session of half an hour": ("training", {"hours": Decimal("0.5")}),
    "peer capacity of 10": ("peer", {"capacity": 10}),
    "peer capacity of 0 (takes no cases for now)": ("peer", {"capacity": 0}),
    "identity retention of 365 days": ("agency", {"identity_retention_days": 365}),
    "identity retention of 0 days": ("agency", {"identity_retention_days": 0}),
}


@pytest.mark.parametrize("case", ACCEPTED, ids=list(ACCEPTED))
def test_the_bounds_themselves_are_accepted(rows, case):
    name, change = ACCEPTED[case]
    row = rows[name]
    assert type(row).objects.filter(pk=row.pk).update(**change) == 1


def test_the_bounds_are_the_ones_the_forms_and_services_use():
    """One number, three places: a bound changed in the form alone would make the form accept
    what the database refuses (a 500 instead of a message)."""
    from sidebar.incidents.forms import SessionForm as GroupSessionForm
    from sidebar.support.forms import ContactForm
    from sidebar.team.forms import OwnProfileForm
    from sidebar.training.forms import SessionForm as TrainingSessionForm

    assert range(1, 601) == services.CONTACT_MINUTES
    assert (ContactForm.base_fields["minutes"].min_value, ContactForm.base_fields["minutes"].max_value) == (1, 600)
    minutes = GroupSessionForm.base_fields["minutes"]
    assert (minutes.min_value, minutes.max_value) == (15, 480)
    capacity = OwnProfileForm.base_fields["capacity"]
    assert (capacity.min_value, capacity.max_value) == (1, 10)
    hours = TrainingSessionForm.base_fields["hours"]
    assert (hours.min_value, hours.max_value) == (Decimal("0.5"), 40)
    assert PeerProfile._meta.get_field("capacity").default == 3
    assert Agency._meta.get_field("identity_retention_days").default <= 365
