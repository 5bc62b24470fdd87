"""The calendar file of a group session (RFC 5545, written by icalendar). It says when and where,
and nothing else: never peer support, never the incident, never a name."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from sidebar.incidents.models import GroupSession

PRODUCT = "-//Sidebar//Calendar//EN"


def ics_for(session: GroupSession) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{session.pk}@sidebar")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(datetime.UTC))
    event.add("dtend", (session.starts_at + datetime.timedelta(minutes=session.minutes)).astimezone(datetime.UTC))
    # Calendars are shared with assistants and shown to colleagues looking for a free slot: the
    # entry says only that there is a meeting; the e-mail that carries it says what it is.
    event.add("summary", "Voluntary meeting")
    event.add("location", session.place)
    event.add("description", f"Details in Sidebar: {settings.SIDEBAR_BASE_URL}/")
    calendar.add_component(event)
    return calendar.to_ical()
