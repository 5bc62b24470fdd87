"""Exports of the leadership report. A file that leaves Sidebar leaves a trace: each export
writes an audit event (Action.EXPORT, object "report", the period) in the same transaction."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.db import transaction
from django.http import HttpRequest

from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Agency
from sidebar.reports import exports, frozen
from sidebar.reports.models import PublishedReport
from sidebar.reports.periods import Grain, Period, latest_completed
from sidebar.reports.report import Report, leadership_report, trend_months

Format = Literal["csv", "json", "pdf"]
CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


class PeriodNotAvailable(ValueError):
    """A leadership report was asked for a period that is malformed or has not ended."""


def leadership_period(text: str, *, today: datetime.date) -> Period:
    """The period a leadership report may cover: well-formed and already over. A period still
    running changes every day, and two readings a day apart would show what happened in between."""
    period = Period.parse(text)
    if not period.has_ended(today):
        latest = latest_completed(period.grain, today)
        name = f"{latest.label} ({latest})" if latest.grain is not Grain.YEAR else latest.label
        raise PeriodNotAvailable(
            f"{period.label} has not ended yet: leadership reports cover completed periods only. "
            f"The latest completed {period.grain.value} is {name}."
        )
    return period


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


def published_report(*, period: Period, agency: Agency) -> Report:
    """Leadership's report for ``period``, frozen at its first publication.

    The first time leadership views or downloads a period, the suppressed report is stored;
    from then on that stored report is served, whatever is recorded later. A quarter is
    published after its months (their summary decides what it may show), a year after its
    quarters, so each is stored before anything built on it."""
    stored = PublishedReport.objects.filter(agency=agency, period=str(period)).first()
    if stored is not None:
        return cast(Report, frozen.decode(stored.content))
    parts: dict[Period, Report] = {}
    if period.grain is Grain.YEAR:
        for number in range(1, 5):
            published_report(period=Period(period.year, Grain.QUARTER, number), agency=agency)
    if period.grain is not Grain.MONTH:
        for month in period.months():
            parts[month] = published_report(period=month, agency=agency)
    earlier = {
        Period.parse(row.period): cast(Report, frozen.decode(row.content))
        for row in PublishedReport.objects.filter(agency=agency, period__in=[str(m) for m in trend_months(period)])
    }
    report = leadership_report(period, agency=agency, frozen={**earlier, **parts})
    with transaction.atomic():
        stored, _ = PublishedReport.objects.get_or_create(
            agency=agency,
            period=str(period),
            defaults={"k": report.k or 0, "published_at": report.generated_at, "content": frozen.encode(report)},
        )
    return cast(Report, frozen.decode(stored.content))


def export_report(
    *,
    period: Period,
    agency: Agency,
    fmt: Format,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Export:
    """The leadership (suppressed) report for ``period`` as a file, audited."""
    report = published_report(period=period, agency=agency)
    content = render(report, fmt=fmt, agency_name=agency.name)
    record(action=Action.EXPORT, actor=actor, object_type="report", object_id=str(period), detail=fmt, request=request)
    return Export(
        filename=f"sidebar-program-statistics-{period}.{fmt}", content_type=CONTENT_TYPES[fmt], content=content
    )


def render(report: Report, *, fmt: Format, agency_name: str) -> bytes:
    if fmt == "csv":
        return exports.to_csv(report).encode("utf-8")
    if fmt == "json":
        return (json.dumps(exports.to_json(report), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return exports.to_pdf(report, agency_name=agency_name)


def default_leadership_period(today: datetime.date) -> Period:
    """The last completed month: leadership's monthly report."""
    return latest_completed(Grain.MONTH, today)
