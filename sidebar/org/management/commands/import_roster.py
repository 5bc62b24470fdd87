"""``manage.py import_roster staff.csv``: create and update staff records from a CSV file.
The format and the error report are described in docs/roster.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sidebar.org.roster import error_report, import_roster, parse_roster

# Small files finish before a bar would be worth reading.
PROGRESS_FROM_ROWS = 2000
BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Create and update staff records from a roster CSV; imports nothing if any line is bad (docs/roster.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the roster CSV (UTF-8, header row first)")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc

        # Check and write in one transaction, so the database cannot change in between.
        with transaction.atomic():
            result = parse_roster(data)
            if result.errors:
                raise CommandError(error_report(result.errors))
            progress = self._progress if len(result.rows) > PROGRESS_FROM_ROWS else None
            summary = import_roster(rows=result.rows, new_units=result.new_units, progress=progress)
        if progress and summary.created + summary.updated:
            self.stderr.write("", style_func=str)  # end the progress line
        self.stdout.write(
            f"Roster imported: created {summary.created}, updated {summary.updated}, "
            f"unchanged {summary.unchanged}, units created {summary.units_created}."
        )

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        # style_func=str keeps Django from colouring progress as an error on a terminal.
        self.stderr.write(f"\rImporting [{bar}] {done}/{total}", style_func=str, ending="")
        self.stderr.flush()
