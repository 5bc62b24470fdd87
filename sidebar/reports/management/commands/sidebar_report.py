"""``manage.py sidebar_report --period 2026-10 --format csv``: leadership's report, for automation.

Prints the same suppressed tables leadership sees (never exact counts) for a completed month,
quarter or year, and records the export in the audit log, as a download from the page does."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sidebar.org.selectors import current_agency
from sidebar.reports import services
from sidebar.reports.periods import Period


class Command(BaseCommand):
    help = (
        "Print the leadership (suppressed) program statistics for a completed period: "
        "--period 2026-10 (a month), 2026-Q3 (a quarter) or 2026 (a year); --format csv or json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="2026-10, 2026-Q3 or 2026")
        parser.add_argument("--format", choices=["csv", "json"], default="csv", dest="fmt")

    def handle(self, *args: Any, period: str, fmt: services.Format, **options: Any) -> None:
        try:
            Period.parse(period)  # a typo is reported before anything else is looked at
        except ValueError as error:
            raise CommandError(str(error)) from error
        agency = current_agency()
        if agency.pk is None:
            raise CommandError("The agency is not set up yet: there is nothing to report.")
        try:
            zone = zoneinfo.ZoneInfo(agency.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = timezone.get_default_timezone()
        try:
            chosen = services.leadership_period(period, today=timezone.localdate(timezone=zone))
        except ValueError as error:
            raise CommandError(str(error)) from error
        export = services.export_report(period=chosen, agency=agency, fmt=fmt)
        self.stdout.write(export.content.decode("utf-8"), ending="")
