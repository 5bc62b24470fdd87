"""The fixed reporting periods: a calendar month, quarter or year, and nothing else.

Leadership reports never take arbitrary date ranges: two overlapping ranges would let anyone
subtract one report from another and see a handful of contacts (DESIGN.md, invariant 4). A
period is written the way people say it — ``2026-10``, ``2026-Q3``, ``2026`` — and parsing is
strict: anything else is a ``ValueError`` whose message says what to write instead.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

MIN_YEAR = 2000  # before any Sidebar deployment; keeps typos like "0202" out
MAX_YEAR = 2999

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-[Qq](\d)")
_YEAR = re.compile(r"(\d{4})")

FORMAT_HELP = "Write a month as 2026-10, a quarter as 2026-Q3 or a year as 2026."


class Grain(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    """One calendar month, quarter or year. ``number`` is the month (1–12), the quarter (1–4),
    or 1 for a year."""

    year: int
    grain: Grain
    number: int = 1

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"years run from {MIN_YEAR} to {MAX_YEAR}")
        if self.grain is Grain.MONTH and not 1 <= self.number <= 12:
            raise ValueError("months run from 01 to 12")
        if self.grain is Grain.QUARTER and not 1 <= self.number <= 4:
            raise ValueError("quarters run from Q1 to Q4")
        if self.grain is Grain.YEAR and self.number != 1:
            raise ValueError("a year is a year")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10``, ``2026-Q3`` or ``2026``; a ``ValueError`` that says what to write for
        anything else."""
        text = (text or "").strip()
        shown = text if len(text) <= 20 else text[:20] + "…"
        try:
            if match := _MONTH.fullmatch(text):
                return cls(int(match[1]), Grain.MONTH, int(match[2]))
            if match := _QUARTER.fullmatch(text):
                return cls(int(match[1]), Grain.QUARTER, int(match[2]))
            if _YEAR.fullmatch(text):
                return cls(int(text), Grain.YEAR)
        except ValueError as error:
            raise ValueError(f"“{shown}” is not a reporting period: {error}. {FORMAT_HELP}") from None
        raise ValueError(f"“{shown}” is not a reporting period. {FORMAT_HELP}")

    @classmethod
    def containing(cls, day: datetime.date, grain: Grain) -> Period:
        if grain is Grain.MONTH:
            return cls(day.year, grain, day.month)
        if grain is Grain.QUARTER:
            return cls(day.year, grain, (day.month - 1) // 3 + 1)
        return cls(day.year, Grain.YEAR)

    def __str__(self) -> str:
        if self.grain is Grain.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.grain is Grain.QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        """What a reader calls it: "October 2026", "July–September 2026 (Q3)", "2026"."""
        if self.grain is Grain.MONTH:
            return f"{calendar.month_name[self.number]} {self.year}"
        if self.grain is Grain.QUARTER:
            first, last = self._first_month, self._first_month + 2
            return f"{calendar.month_name[first]}–{calendar.month_name[last]} {self.year} (Q{self.number})"
        return str(self.year)

    @property
    def _first_month(self) -> int:
        return {Grain.MONTH: self.number, Grain.QUARTER: 3 * self.number - 2, Grain.YEAR: 1}[self.grain]

    @property
    def month_count(self) -> int:
        return {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}[self.grain]

    @property
    def start(self) -> datetime.date:
        """The first day of the period."""
        return datetime.date(self.year, self._first_month, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        last_month = self._first_month + self.month_count - 1
        return datetime.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def end_exclusive(self) -> datetime.date:
        return self.end + datetime.timedelta(days=1)

    def months(self) -> list[Period]:
        """The calendar months in this period, in order."""
        first = Period(self.year, Grain.MONTH, self._first_month)
        return [first.shifted(n) for n in range(self.month_count)]

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods of the same kind later (earlier when negative)."""
        if self.grain is Grain.YEAR:
            return Period(self.year + steps, Grain.YEAR)
        per_year = 12 if self.grain is Grain.MONTH else 4
        index = self.year * per_year + (self.number - 1) + steps
        return Period(index // per_year, self.grain, index % per_year + 1)

    def previous(self) -> Period:
        return self.shifted(-1)

    def next(self) -> Period:
        return self.shifted(1)

    def has_ended(self, today: datetime.date) -> bool:
        return self.end < today


def last_periods(grain: Grain, *, count: int, before: Period | None = None, today: datetime.date) -> list[Period]:
    """The ``count`` most recent periods of ``grain`` that have ended by ``today`` (newest first),
    or those just before ``before``."""
    newest = before.previous() if before is not None else Period.containing(today, grain).previous()
    periods: list[Period] = []
    for steps in range(count):
        try:
            periods.append(newest.shifted(-steps))
        except ValueError:  # before MIN_YEAR
            break
    return periods


def completed_choices(today: datetime.date) -> dict[Grain, list[Period]]:
    """What the leadership period picker offers: the last 12 months, 8 quarters and 3 years that
    have ended."""
    return {
        Grain.MONTH: last_periods(Grain.MONTH, count=12, today=today),
        Grain.QUARTER: last_periods(Grain.QUARTER, count=8, today=today),
        Grain.YEAR: last_periods(Grain.YEAR, count=3, today=today),
    }


def latest_completed(grain: Grain, today: datetime.date) -> Period:
    return Period.containing(today, grain).previous()
