"""A group session's head count is bounded by the number invited and can be given only once the
session has started (in the form, the service and the database); the dates Sidebar proposes for a
debriefing and for follow-up check-ins fall on working days."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sidebar.incidents import services
from sidebar.incidents.models import GroupSession, Incident
from sidebar.lib.workdays import next_working_day
from tests.factories import Cast, UnitFactory, activate_totp, make_account

pytestmark = pytest.mark.django_db

THURSDAY = datetime.date(2026, 12, 3)
SATURDAY, MONDAY = datetime.date(2026, 12, 5), datetime.date(2026, 12, 7)


def _incident(cast: Cast, *, occurred_on: datetime.date | None = None) -> Incident:
    unit = UnitFactory(name="Records")
    for n in range(3):
        make_account(f"records.{n}@example.gov", unit=unit)
    return services.activate(
        kind=Incident.Kind.THREAT_ASSAULT,
        occurred_on=occurred_on or timezone.localdate(),
        units=[unit],
        witnesses=[],
        by=cast.team_leader,
    ).incident


def _session(cast: Cast, *, starts_at: datetime.datetime) -> GroupSession:
    return services.schedule_session(
        incident=_incident(cast),
        kind=GroupSession.Kind.DEBRIEFING,
        starts_at=starts_at,
        minutes=90,
        place="Room 4",
        facilitators=[],
        clinical_advisor_facilitates=False,
        by=cast.team_leader,
    )


def test_the_number_invited_is_kept_and_bounds_the_head_count(cast: Cast) -> None:
    session = _session(cast, starts_at=timezone.now() - datetime.timedelta(hours=2))
    assert session.invited == 3
    with pytest.raises(services.IncidentError, match="3 people were invited"):
        services.record_attendance(session=session, attendance=500, by=cast.team_leader)
    services.record_attendance(session=session, attendance=3, by=cast.team_leader)
    session.refresh_from_db()
    assert session.attendance == 3


def test_no_head_count_before_the_session_has_started(cast: Cast) -> None:
    session = _session(cast, starts_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(services.IncidentError, match="once the session has started"):
        services.record_attendance(session=session, attendance=2, by=cast.team_leader)
    session.refresh_from_db()
    assert session.attendance is None


def test_the_database_refuses_more_people_than_were_invited(cast: Cast) -> None:
    session = _session(cast, starts_at=timezone.now() - datetime.timedelta(hours=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupSession.objects.filter(pk=session.pk).update(attendance=4)


def test_the_session_page_explains_a_head_count_too_high_and_keeps_it(cast: Cast, client) -> None:
    session = _session(cast, starts_at=timezone.now() - datetime.timedelta(hours=2))
    activate_totp(cast.team_leader)
    client.force_login(cast.team_leader)
    response = client.post(reverse("incidents:session", kwargs={"pk": session.pk}), {"attendance": "500"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "3 people were invited" in body
    assert 'value="500"' in body
    session.refresh_from_db()
    assert session.attendance is None


def test_a_proposed_debriefing_moves_off_the_weekend(cast: Cast) -> None:
    incident = _incident(cast, occurred_on=THURSDAY)
    now = timezone.make_aware(datetime.datetime.combine(THURSDAY, datetime.time(9, 0)))
    proposed = services.proposed_start(incident, GroupSession.Kind.DEBRIEFING, now=now)  # 48 hours: a Saturday
    assert timezone.localtime(proposed).date() == MONDAY


def test_follow_up_check_ins_move_off_the_weekend(cast: Cast) -> None:
    incident = _incident(cast, occurred_on=THURSDAY)
    incident.follow_up_days = [2, 4, 7]  # Saturday, Monday, Thursday
    assert services.follow_up_dates(incident, today=THURSDAY) == [MONDAY, THURSDAY + datetime.timedelta(days=7)]
    assert services.follow_up_dates(incident, today=SATURDAY)[0] == MONDAY  # late, on a weekend


def test_next_working_day() -> None:
    assert [next_working_day(THURSDAY + datetime.timedelta(days=n)) for n in range(5)] == [
        THURSDAY,
        THURSDAY + datetime.timedelta(days=1),
        MONDAY,
        MONDAY,
        MONDAY,
    ]
