"""Program statistics: leadership's suppressed report (page, print, CSV, PDF) and the team
leader's exact one. Who may open which is in sidebar/policy.py.

The only parameter any of these read is ``period`` (2026-10, 2026-Q3, 2026): there is no way to
ask for an arbitrary date range, so two reports can never be made to overlap by a few days."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sidebar.org.models import Agency
from sidebar.reports import services
from sidebar.reports.exports import suppression_note
from sidebar.reports.periods import Grain, Period, completed_choices, last_periods
from sidebar.reports.report import team_report


def _agency(request: HttpRequest) -> Agency:
    return request.agency  # type: ignore[attr-defined,no-any-return]  # set by AgencyTimezoneMiddleware


def _leadership_period(request: HttpRequest, today: datetime.date) -> tuple[Period, str | None]:
    """The requested period, or the last completed month and a message saying why not."""
    text = request.GET.get("period", "")
    if not text:
        return services.default_leadership_period(today), None
    try:
        return services.leadership_period(text, today=today), None
    except ValueError as error:
        return services.default_leadership_period(today), str(error)


def _choices(selected: Period, offered: dict[Grain, list[Period]]) -> list[tuple[str, list[Period]]]:
    """The picker's groups; a period reached by its address but not in the list is added."""
    if selected not in offered[selected.grain]:
        offered[selected.grain] = sorted([selected, *offered[selected.grain]], key=lambda p: p.start, reverse=True)
    names = {Grain.MONTH: "Months", Grain.QUARTER: "Quarters", Grain.YEAR: "Years"}
    return [(names[grain], offered[grain]) for grain in Grain if offered[grain]]


def _leadership_page(request: HttpRequest, template: str) -> HttpResponse:
    today = timezone.localdate()
    period, error = _leadership_period(request, today)
    report = services.published_report(period=period, agency=_agency(request))
    context: dict[str, Any] = {
        "report": report,
        "period_error": error,
        "period_groups": _choices(period, completed_choices(today)),
        "note": suppression_note(report.k),
    }
    return render(request, template, context, status=400 if error else 200)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return _leadership_page(request, "reports/dashboard.html")


@require_GET
def printable(request: HttpRequest) -> HttpResponse:
    return _leadership_page(request, "reports/print.html")


def _export(request: HttpRequest, fmt: services.Format) -> HttpResponse:
    period, error = _leadership_period(request, timezone.localdate())
    if error:
        return _leadership_page(request, "reports/dashboard.html")  # the message, and nothing exported
    export = services.export_report(
        period=period, agency=_agency(request), fmt=fmt, actor=request.user, request=request
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf")


@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """The team leader's exact counts, for any month, quarter or year (the current one too)."""
    today = timezone.localdate()
    error = None
    period = Period.containing(today, Grain.MONTH)
    if request.GET.get("period"):
        try:
            period = Period.parse(request.GET["period"])
        except ValueError as exc:
            error = str(exc)
    offered = {
        grain: [Period.containing(today, grain), *last_periods(grain, count=count, today=today)]
        for grain, count in ((Grain.MONTH, 11), (Grain.QUARTER, 7), (Grain.YEAR, 2))
    }
    context = {
        "report": team_report(period, agency=_agency(request)),
        "period_error": error,
        "period_groups": _choices(period, offered),
        "note": suppression_note(None),
    }
    return render(request, "reports/team.html", context, status=400 if error else 200)
