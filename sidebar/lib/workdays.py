"""Working days, for the dates Sidebar proposes (a debriefing, a follow-up check-in): a default
that falls on a Saturday or Sunday moves to the Monday. People can still choose a weekend day."""

from __future__ import annotations

import datetime

SATURDAY = 5


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself from Monday to Friday, otherwise the Monday after."""
    while day.weekday() >= SATURDAY:
        day += datetime.timedelta(days=1)
    return day
