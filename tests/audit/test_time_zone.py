"""The audit log states one time zone, the agency's, and uses it both for the times it shows and
for the dates it filters on; a reversed date range is refused out loud, not ignored."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Agency
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast):
    activate_totp(cast.program_admin)
    client.force_login(cast.program_admin)
    return client


def _zone_on_another_date() -> str:
    """A real time zone in which today's date is not today's date in UTC (whatever the hour)."""
    return "Pacific/Kiritimati" if timezone.now().hour >= 10 else "Pacific/Pago_Pago"  # UTC+14 / UTC-11


def test_times_and_date_filters_are_in_the_agency_zone_named_on_the_page(admin_client, cast) -> None:
    zone = _zone_on_another_date()
    Agency.objects.update(timezone=zone)
    event = record(action=Action.EXPORT, actor=cast.program_admin, object_type="report", object_id="2026-10")
    local = event.at.astimezone(zoneinfo.ZoneInfo(zone))
    assert local.date() != event.at.astimezone(datetime.UTC).date()

    response = admin_client.get(reverse("audit:events"))
    body = response.content.decode()
    assert "When (UTC)" not in body
    assert f"When ({zone})" in body
    assert local.strftime("%Y-%m-%d %H:%M:%S") in body

    day = local.date().isoformat()
    response = admin_client.get(reverse("audit:events"), {"since": day, "until": day, "object_id": "2026-10"})
    assert [e.pk for e in response.context["events"]] == [event.pk]
    utc_day = event.at.astimezone(datetime.UTC).date().isoformat()
    response = admin_client.get(reverse("audit:events"), {"since": utc_day, "until": utc_day, "object_id": "2026-10"})
    assert list(response.context["events"]) == []


def test_a_reversed_date_range_is_refused_with_a_message_and_lists_nothing(admin_client, cast) -> None:
    record(action=Action.EXPORT, actor=cast.program_admin, object_type="report", object_id="2026-10")
    response = admin_client.get(reverse("audit:events"), {"since": "2026-11-02", "until": "2026-11-01"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in body
    assert "The end date must be on or after the start date." in body
    assert 'value="2026-11-02"' in body and 'value="2026-11-01"' in body
    assert list(response.context["events"]) == []  # not every event, as if nothing had been asked
