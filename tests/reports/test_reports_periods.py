"""Reporting periods: a calendar month, quarter or year, written 2026-10, 2026-Q3 or 2026, and
nothing else (no arbitrary date ranges)."""

from __future__ import annotations

import datetime

import pytest

from sidebar.reports.periods import Grain, Period, completed_choices, last_periods, latest_completed


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-10", datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), "October 2026"),
        ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29), "February 2024"),
        ("2026-Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "July–September 2026 (Q3)"),
        ("2026-q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "January–March 2026 (Q1)"),
        ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), "2026"),
        (" 2025-12 ", datetime.date(2025, 12, 1), datetime.date(2025, 12, 31), "December 2025"),
    ],
)
def test_a_period_is_parsed_with_its_first_and_last_day(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.end_exclusive == end + datetime.timedelta(days=1)
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "“2026-13” is not a reporting period: months run from 01 to 12."),
        ("2026-00", "months run from 01 to 12"),
        ("2026-Q5", "“2026-Q5” is not a reporting period: quarters run from Q1 to Q4."),
        ("2026-Q0", "quarters run from Q1 to Q4"),
        ("26", "“26” is not a reporting period. Write a month as 2026-10, a quarter as 2026-Q3 or a year as 2026."),
        ("2026-1", "is not a reporting period"),
        ("2026-10-01", "is not a reporting period"),
        ("2026-10..2026-11", "is not a reporting period"),
        ("", "is not a reporting period"),
        ("1999", "years run from 2000"),
    ],
)
def test_a_malformed_period_is_rejected_with_what_to_write_instead(text, message):
    with pytest.raises(ValueError, match="Write a month as 2026-10") as error:
        Period.parse(text)
    assert message in str(error.value)


def test_previous_and_next_cross_year_boundaries():
    assert Period.parse("2026-01").previous() == Period.parse("2025-12")
    assert Period.parse("2025-12").next() == Period.parse("2026-01")
    assert Period.parse("2026-Q1").previous() == Period.parse("2025-Q4")
    assert Period.parse("2025-Q4").next() == Period.parse("2026-Q1")
    assert Period.parse("2026").previous() == Period.parse("2025")
    assert Period.parse("2026-Q3").shifted(-4) == Period.parse("2025-Q3")


def test_months_of_a_period():
    assert [str(m) for m in Period.parse("2026-Q3").months()] == ["2026-07", "2026-08", "2026-09"]
    assert len(Period.parse("2025").months()) == 12
    assert Period.parse("2026-10").months() == [Period.parse("2026-10")]


def test_a_period_has_ended_only_after_its_last_day():
    october = Period.parse("2026-10")
    assert not october.has_ended(datetime.date(2026, 10, 31))
    assert october.has_ended(datetime.date(2026, 11, 1))


def test_last_periods_are_the_completed_ones_newest_first():
    today = datetime.date(2026, 11, 22)
    assert [str(p) for p in last_periods(Grain.MONTH, count=3, today=today)] == ["2026-10", "2026-09", "2026-08"]
    assert [str(p) for p in last_periods(Grain.QUARTER, count=2, today=today)] == ["2026-Q3", "2026-Q2"]
    assert [str(p) for p in last_periods(Grain.YEAR, count=2, today=today)] == ["2025", "2024"]
    assert latest_completed(Grain.QUARTER, datetime.date(2026, 1, 1)) == Period.parse("2025-Q4")
    choices = completed_choices(today)
    assert [len(choices[g]) for g in Grain] == [12, 8, 3]
    assert all(p.has_ended(today) for periods in choices.values() for p in periods)


def test_last_periods_stop_at_the_earliest_year():
    assert [str(p) for p in last_periods(Grain.YEAR, count=5, today=datetime.date(2001, 6, 1))] == ["2000"]
