"""Exports of the leadership report. A file that leaves Sidebar leaves a trace: each export
writes an audit event (Action.EXPORT, object "report", the period) in the same transaction."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest

from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Agency
from sidebar.reports import exports
from sidebar.reports.periods import Grain, Period, latest_completed
from sidebar.reports.report import Report, leadership_report

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


def export_report(
    *,
    period: Period,
    agency: Agency,
    fmt: Format,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Export:
    """The leadership (suppressed) report for ``period`` as a file, audited."""
    report = leadership_report(period, agency=agency)
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
