"""How finely Sidebar keeps and shows time where a time could point to a person (docs/privacy.md,
"Times"): a staff account's sign-ins to the UTC day, a request's arrival to the quarter hour."""

from __future__ import annotations

import datetime

DAY = datetime.timedelta(days=1)
QUARTER_HOUR = datetime.timedelta(minutes=15)


def start_of_utc_day(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def next_utc_midnight(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` rounded up to a UTC midnight (itself if it is one)."""
    day = start_of_utc_day(moment)
    return day if day == moment else day + DAY


def quarter_hour_floor(moment: datetime.datetime) -> datetime.datetime:
    """The quarter hour ``moment`` falls in. Every time zone's offset is a whole number of
    quarter hours, so this is a quarter hour on every clock."""
    utc = moment.astimezone(datetime.UTC)
    return utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0).astimezone(moment.tzinfo)


def quarter_hour_ceiling(moment: datetime.datetime) -> datetime.datetime:
    floor = quarter_hour_floor(moment)
    return floor if floor == moment else floor + QUARTER_HOUR


# --- task: issue 16, section 1: what outlives a shredding keeps the month or the week ---
def start_of_local_month(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    """Midnight on the first of ``moment``'s month on the agency's clock: the same month in every
    report (reports count by the agency's calendar months), and nothing finer."""
    local = moment.astimezone(zone)
    return datetime.datetime(local.year, local.month, 1, tzinfo=zone)


def start_of_week_in_month(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week, or the first of its month when that Monday falls in the month
    before: a week, and never another month (monthly figures must not move)."""
    return max(day - datetime.timedelta(days=day.weekday()), day.replace(day=1))


def start_of_local_week_in_month(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    day = start_of_week_in_month(moment.astimezone(zone).date())
    return datetime.datetime(day.year, day.month, day.day, tzinfo=zone)


# --- end task ---
