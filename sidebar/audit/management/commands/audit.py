from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sidebar.audit.services import run_verification


class Command(BaseCommand):
    help = "Work with the audit log. `audit verify` walks the hash chain and names the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        report = run_verification()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at event #{report.first_broken_id}: {report.reason}. "
                f"{report.events_checked} events before it verified."
            )
        self.stdout.write(f"Audit chain intact: {report.events_checked} events verified.")
