"""The demo's incidents: a past critical incident with its sessions and follow-ups, an injury on
duty, mutual aid — built by the same services a team leader uses, with no e-mail sent."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sidebar.incidents.demo import build_demo_incidents
from sidebar.incidents.models import GroupSession, Incident, MutualAid
from sidebar.org.demo import build_demo_agency
from sidebar.outbox.models import OutgoingMail
from sidebar.support.demo import build_demo_support
from sidebar.support.models import CheckIn, Contact

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_past_incident_with_its_sessions_and_follow_ups(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    build_demo_agency()
    build_demo_support()
    build_demo_incidents()
    today = timezone.localdate()

    threat = Incident.objects.get(kind=Incident.Kind.THREAT_ASSAULT)
    assert threat.occurred_on < today - datetime.timedelta(weeks=8)
    assert threat.outreach.count() >= 15 and threat.units.count() == 1
    assert threat.recusals.filter(reason="witness").count() == 1
    assert sorted(threat.sessions.values_list("kind", flat=True)) == [
        GroupSession.Kind.DEBRIEFING,
        GroupSession.Kind.DEFUSING,
    ]
    assert all(session.attendance for session in threat.sessions.all())
    follow_ups = CheckIn.objects.filter(request__incident=threat)
    assert follow_ups.filter(done_at__isnull=False).exists()  # the early ones were done
    assert follow_ups.filter(due_on__gt=today, done_at__isnull=True, cancelled_at__isnull=True).exists()
    assert Contact.objects.filter(request__incident=threat).count() >= 8

    assert Incident.objects.get(kind=Incident.Kind.ILLNESS_INJURY).outreach.count() == 1
    given = MutualAid.objects.get(direction="given")
    assert given.ends_on is not None and Contact.objects.filter(request__mutual_aid=given).count() == 6
    assert not OutgoingMail.objects.exists()  # the demo's past wrote to no one, not even queued
