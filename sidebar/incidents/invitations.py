"""The calendar file of a group session (RFC 5545, written by icalendar). It says when and where,
and that the team invites; never the incident, never a name."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from sidebar.incidents.models import GroupSession

PRODUCT = "-//Sidebar//Peer support//EN"


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
    event.add("summary", f"Peer support: {session.get_kind_display().split(' (')[0].lower()}")
    event.add("location", session.place)
    event.add(
        "description",
        "A voluntary, confidential group meeting offered by your peer support team. "
        "Nothing said is written down; who came is not recorded. "
        f"Sidebar: {settings.SIDEBAR_BASE_URL}/",
    )
    calendar.add_component(event)
    return calendar.to_ical()
