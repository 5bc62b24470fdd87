from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from sidebar.accounts.services import rewrap_mfa_secrets
from sidebar.vault import services


class Command(BaseCommand):
    help = "The identity vault: `status` (counts only), `rotate` (re-wrap data keys), `shred-due`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "rotate", "shred-due"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            state = services.status()
            self.stdout.write(f"live data keys: {state.live}")
            self.stdout.write(f"shredded: {state.shredded}")
            self.stdout.write(f"due for shredding: {state.due}")
            for key_id, count in sorted(state.by_master_key.items()):
                self.stdout.write(f"wrapped by master key {key_id}: {count}")
        elif action == "rotate":
            current = next(iter(settings.SIDEBAR_MASTER_KEYS))
            with transaction.atomic():
                count = services.rotate()
                authenticators = rewrap_mfa_secrets()
            self.stdout.write(
                f"Re-wrapped {count} data keys and {authenticators} two-factor secrets with master key {current}. "
                "Older master keys can now be removed from SIDEBAR_MASTER_KEY."
            )
        else:
            self.stdout.write(f"Shredded {services.shred_due()} identities whose retention had run out.")
