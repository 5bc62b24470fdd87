"""Incidents flow into the program statistics with the same suppression as every other figure:
people offered support, contacts and hours by type of incident, group sessions held."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sidebar.incidents import services
from sidebar.incidents.models import GroupSession, Incident
from sidebar.org.selectors import current_agency
from sidebar.reports.periods import Grain, Period
from sidebar.reports.report import leadership_report, team_report
from sidebar.support import services as support
from sidebar.support.models import Contact
from tests.factories import Cast, UnitFactory, make_account, make_peer

pytestmark = pytest.mark.django_db

LAST_MONTH = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def incident_row(report, label: str) -> list[str]:  # type: ignore[no-untyped-def]
    table = next(figure.table for figure in report.figures if figure.table.key == "incidents")
    row = next(row for row in table.rows if row.label == label)
    return [value.text for value in row.cells]


def test_people_contacts_hours_and_sessions_by_incident_type(cast: Cast) -> None:
    unit = UnitFactory(name="Felony trials")
    for n in range(6):
        make_account(f"trial{n}@example.gov", unit=unit)
    peer = make_peer(make_account("pat.peer@example.gov"), capacity=10)
    day = LAST_MONTH + datetime.timedelta(days=3)
    activation = services.activate(
        kind=Incident.Kind.OFFICER_SHOOTING, occurred_on=day, units=[unit], by=cast.team_leader
    )
    activation.incident.outreach.update(
        created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    )
    for item in list(activation.incident.outreach.all())[:2]:
        assignment = support.assign(support_request=item, peer=peer, by=cast.team_leader)
        support.accept(assignment=assignment, by=peer.person.user)
        support.log_contact(
            assignment=assignment,
            date=day,
            minutes=90,
            mode="in_person",
            response_type="defusing",
            topics=["critical_incident"],
            referrals=[],
        )
    GroupSession.objects.create(
        incident=activation.incident,
        kind=GroupSession.Kind.DEBRIEFING,
        starts_at=timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=2), datetime.time(10))),
        place="Room 4",
        attendance=5,
    )
    aid = services.record_mutual_aid(
        direction="given",
        other_agency="Kern County Probation",
        starts_on=day,
        ends_on=None,
        hours=Decimal(8),
        peers=[peer],
        by=cast.team_leader,
    )
    support.log_contact(
        assignment=aid.requests.get().assignments.get(),
        date=day,
        minutes=300,
        mode="in_person",
        response_type="group_crisis",
        topics=["critical_incident"],
        referrals=[],
    )

    period = Period.parse(f"{LAST_MONTH:%Y-%m}")
    exact = team_report(period, agency=current_agency())
    assert incident_row(exact, "Officer-involved shooting") == ["6", "2", "3", "1"]
    assert incident_row(exact, "Mutual aid to another agency") == ["0", "1", "5", "0"]

    # Leadership: the same figure by quarter (months publish only their summary), counted as
    # recorded by the end of each month, every count from 1 to k−1 hidden (k = 5 here), and a
    # row about fewer than k people (one mutual-aid request) hidden whole, zeros included.
    Contact.objects.update(created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(18))))
    quarter = Period.containing(LAST_MONTH, Grain.QUARTER)
    suppressed = leadership_report(quarter, agency=current_agency())
    # (the session was entered today, after its month ended: it counts nowhere for leadership)
    assert incident_row(suppressed, "Officer-involved shooting") == ["6", "hidden", "hidden", "0"]
    assert incident_row(suppressed, "Mutual aid to another agency") == ["hidden"] * 4
