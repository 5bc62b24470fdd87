"""The figures, counted by the database (SQLite and PostgreSQL alike): month buckets in the
agency's time zone, JSON topic and referral lists counted in SQL, medians by a window function,
and a fixed number of queries however many rows there are."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sidebar.org.models import Agency
from sidebar.reports import queries
from sidebar.reports.periods import Period
from sidebar.reports.report import gather, targets_of
from sidebar.safeguards.models import ConfidentialityException
from sidebar.support.models import Assignment, Contact, SupportRequest
from sidebar.vault.models import DataKey
from tests.reports.test_reports_builder import build_program

pytestmark = pytest.mark.django_db

OCTOBER, NOVEMBER = Period.parse("2026-10"), Period.parse("2026-11")


def _request(at: datetime.datetime, *, urgency: str = "routine", source: str = "self", wait_hours: float | None = None):
    request = SupportRequest.objects.create(source=source, urgency=urgency, data_key=DataKey.objects.create())
    first = at + datetime.timedelta(hours=wait_hours) if wait_hours is not None else None
    SupportRequest.objects.filter(pk=request.pk).update(created_at=at, first_contact_at=first)
    return request


def _contact(request, peer, day, **fields):
    values = {"minutes": 30, "mode": "phone", "response_type": "ongoing", "topics": [], "referrals": []}
    values.update(fields)
    return Contact.objects.create(request=request, peer=peer, date=day, **values)


@pytest.fixture
def zone(cast):
    agency = Agency.objects.get()  # the cast made it
    agency.timezone = "America/Los_Angeles"
    agency.save(update_fields=["timezone"])
    return zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture
def peer(cast):
    from tests.factories import make_peer

    return make_peer(cast.peer)


def test_a_request_late_on_the_last_evening_of_a_month_counts_in_that_month(zone):
    # 23:30 in Los Angeles on 31 October is already 1 November in UTC
    _request(datetime.datetime(2026, 10, 31, 23, 30, tzinfo=zone))
    _request(datetime.datetime(2026, 11, 1, 0, 30, tzinfo=zone))
    counts = queries.requests_by_month([OCTOBER, NOVEMBER], timezone="America/Los_Angeles", targets={})
    assert counts[OCTOBER].received == {("self", "routine"): 1}
    assert counts[NOVEMBER].received == {("self", "routine"): 1}


def test_first_contacts_within_target_are_counted_per_urgency_and_month(zone):
    at = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=zone)
    _request(at, urgency="urgent", wait_hours=0.5)
    _request(at, urgency="urgent", wait_hours=3)  # the urgent target is 1 hour
    _request(at, urgency="routine", wait_hours=72)  # exactly on the 72-hour target counts as in time
    _request(at, urgency="routine")  # no first contact yet
    targets = {
        "urgent": datetime.timedelta(hours=1),
        "soon": datetime.timedelta(hours=24),
        "routine": datetime.timedelta(hours=72),
    }
    month = queries.requests_by_month([OCTOBER], timezone="America/Los_Angeles", targets=targets)[OCTOBER]
    assert month.contacted == {"urgent": 2, "routine": 1}
    assert month.within_target == {"urgent": 1, "routine": 1}
    assert sum(month.received.values()) == 4


def test_median_wait_per_urgency_takes_the_middle_of_odd_and_even_counts(zone):
    at = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=zone)
    for hours in (1, 2, 10):
        _request(at, urgency="soon", wait_hours=hours)
    for hours in (4, 8, 30, 100):
        _request(at, urgency="routine", wait_hours=hours)
    _request(at, urgency="urgent")  # never contacted: no median
    medians = queries.median_waits(
        queries.Bounds.of(OCTOBER, timezone="America/Los_Angeles"), contacted={"soon": 3, "routine": 4, "urgent": 0}
    )
    assert medians["soon"] == pytest.approx(datetime.timedelta(hours=2), abs=datetime.timedelta(seconds=1))
    assert medians["routine"] == pytest.approx(datetime.timedelta(hours=19), abs=datetime.timedelta(seconds=1))
    assert "urgent" not in medians


def test_topics_and_referrals_are_counted_from_the_json_lists_in_sql(peer, zone):
    request = _request(datetime.datetime(2026, 10, 1, 9, tzinfo=zone))
    day = datetime.date(2026, 10, 3)
    _contact(request, peer, day, topics=["work_stress", "grief"], referrals=["eap", "chaplain"])
    _contact(request, peer, day, topics=["grief"], referrals=["eap"])
    _contact(request, peer, day, mode="email", topics=["other"], referrals=["other"])  # "other" in both lists
    _contact(request, peer, datetime.date(2026, 11, 1), topics=["grief"])  # next month
    month = queries.contacts_by_month([OCTOBER], detailed=[OCTOBER])[OCTOBER]
    assert month.by_topic["grief"] == 2
    assert month.by_topic["work_stress"] == 1
    assert month.by_topic["other"] == 1
    assert month.by_topic["secondary_trauma"] == 0
    assert month.referrals["eap"] == 2
    assert month.referrals["chaplain"] == 1
    assert month.referrals["other"] == 1
    assert month.by_mode_and_response == {("phone", "ongoing"): 2, ("email", "ongoing"): 1}
    assert month.minutes == 90


def test_months_outside_the_detail_get_counts_only(peer, zone):
    request = _request(datetime.datetime(2026, 9, 1, 9, tzinfo=zone))
    _contact(request, peer, datetime.date(2026, 9, 30), topics=["grief"])
    _contact(request, peer, datetime.date(2026, 10, 1), topics=["grief"])
    september = Period.parse("2026-09")
    with CaptureQueriesContext(connection) as queries_run:
        months = queries.contacts_by_month([september, OCTOBER], detailed=[OCTOBER])
    assert len(queries_run) == 2  # one pass for the detailed run, one for the rest
    assert months[september].by_mode_and_response == {("phone", "ongoing"): 1}
    assert months[september].by_topic == {}
    assert months[OCTOBER].by_topic["grief"] == 1


def test_check_ins_are_done_cancelled_or_not_done_by_month_due(peer, zone):
    from sidebar.support.models import CheckIn

    request = _request(datetime.datetime(2026, 10, 1, 9, tzinfo=zone))
    moment = datetime.datetime(2026, 10, 20, 12, tzinfo=zone)
    CheckIn.objects.create(request=request, peer=peer, due_on=datetime.date(2026, 10, 2), done_at=moment)
    CheckIn.objects.create(request=request, peer=peer, due_on=datetime.date(2026, 10, 3), cancelled_at=moment)
    CheckIn.objects.create(request=request, peer=peer, due_on=datetime.date(2026, 10, 4))
    CheckIn.objects.create(request=request, peer=peer, due_on=datetime.date(2026, 11, 4))
    months = queries.check_ins_by_month([OCTOBER, NOVEMBER])
    assert months[OCTOBER] == queries.CheckInMonth(done=1, not_done=1, cancelled=1)
    assert months[NOVEMBER] == queries.CheckInMonth(not_done=1)


def test_exceptions_by_category_and_month(zone):
    request = _request(datetime.datetime(2026, 10, 1, 9, tzinfo=zone))
    for category, day in (("danger_self", 2), ("danger_self", 30), ("consent", 31)):
        exception = ConfidentialityException.objects.create(request=request, category=category)
        raised = datetime.datetime(2026, 10, day, 22, tzinfo=zone)
        ConfidentialityException.objects.filter(pk=exception.pk).update(raised_at=raised)
    months = queries.exceptions_by_month([OCTOBER, NOVEMBER], timezone="America/Los_Angeles")
    assert months[OCTOBER] == {"danger_self": 2, "consent": 1}
    assert months[NOVEMBER] == {"danger_self": 0, "consent": 0}


def test_team_by_level_counts_active_peers_and_their_training(cast):
    from sidebar.team.models import PeerProfile
    from tests.factories import make_peer

    make_peer(cast.peer)
    make_peer(cast.team_leader, level=PeerProfile.Level.SUPERVISORY, basic_training_completed_on=None)
    make_peer(cast.staff, status=PeerProfile.Status.IN_TRAINING)  # not on the team yet
    assert queries.team_by_level() == {
        ("peer", True): 1,
        ("peer", False): 0,
        ("supervisory", True): 0,
        ("supervisory", False): 1,
    }


def test_peer_load_shows_each_peers_time_in_the_period_and_what_they_carry_now(cast, zone):
    program = build_program(months=[OCTOBER])
    first = program.peers[0]
    request = SupportRequest.objects.first()
    Assignment.objects.create(request=request, peer=first, status=Assignment.Status.ACCEPTED)
    load = {row.name: row for row in queries.peer_load(OCTOBER)}
    expected_minutes = sum(
        Contact.objects.filter(peer=first, date__gte=OCTOBER.start, date__lte=OCTOBER.end).values_list(
            "minutes", flat=True
        )
    )
    assert load["Avery Quinn"].minutes == expected_minutes
    assert load["Avery Quinn"].contacts == Contact.objects.filter(peer=first).count()
    assert load["Avery Quinn"].open_requests == 1
    assert load["Blake Moreno"].open_requests == 0
    assert set(load) == {*(p.person.full_name for p in program.peers)}


def test_gathering_a_period_takes_the_same_few_queries_for_little_or_much_data(cast):
    program = build_program(months=Period.parse("2026-Q3").months())
    agency = program.agency
    with CaptureQueriesContext(connection) as small:
        gather(Period.parse("2026-08"), agency=agency)
    build_program(months=Period.parse("2026-Q3").months(), seed=7)
    with CaptureQueriesContext(connection) as large:
        figures = gather(Period.parse("2026-08"), agency=agency)
    # requests, a median per urgency (three), contacts (the period, and the trend months before
    # it), check-ins, exceptions, incidents (contacts, people offered, sessions held), team
    assert len(small) == len(large) == 12
    assert figures.contacts[Period.parse("2026-08")].grand_total == 2 * 42


def test_targets_come_from_the_agency(cast):
    agency = Agency.objects.get()
    agency.first_contact_hours_urgent = 2
    assert targets_of(agency)["urgent"] == datetime.timedelta(hours=2)
