"""``manage.py claims`` prints the claims ledger as the Markdown table that ends docs/privacy.md;
``--write`` puts it there (between its markers), so the docs never drift from the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sidebar.core.claims import LEDGER_END, LEDGER_START, ledger_markdown


class Command(BaseCommand):
    help = "Print the claims ledger (or write it into docs/privacy.md with --write)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true", help="replace the ledger in docs/privacy.md")

    def handle(self, *args: Any, **options: Any) -> None:
        table = ledger_markdown()
        if not options["write"]:
            self.stdout.write(table)
            return
        docs = Path(settings.BASE_DIR) / "docs" / "privacy.md"
        text = docs.read_text()
        if LEDGER_START not in text or LEDGER_END not in text:
            raise CommandError(f"docs/privacy.md has no ledger markers ({LEDGER_START} … {LEDGER_END})")
        before, rest = text.split(LEDGER_START, 1)
        _, after = rest.split(LEDGER_END, 1)
        docs.write_text(f"{before}{LEDGER_START}\n{table}{LEDGER_END}{after}")
        self.stdout.write("docs/privacy.md: ledger written")
