from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from sidebar.accounts.services import rewrap_mfa_secrets
from sidebar.vault import services

ACTIONS = {
    "status": "counts only: live and shredded data keys, epochs",
    "shred-due": "shred identities whose retention ran out (the live copy)",
    "rotate-epochs": "shred what is due, move live keys off ended epochs, destroy those epochs' keys",
    "adopt-epochs": "once, after upgrading: move data keys wrapped by the master key under an epoch key",
    "rotate": "re-wrap two-factor secrets (and any key from before epochs) with the first master key",
}


class Command(BaseCommand):
    help = "The identity vault: " + "; ".join(f"`{name}` ({what})" for name, what in ACTIONS.items()) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=list(ACTIONS))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            state = services.status()
            self.stdout.write(f"live data keys: {state.live}")
            self.stdout.write(f"shredded: {state.shredded}")
            self.stdout.write(f"due for shredding: {state.due}")
            self.stdout.write(f"live epochs: {state.live_epochs} (keys destroyed: {state.destroyed_epochs})")
            for key_id, count in sorted(state.by_master_key.items()):
                self.stdout.write(f"still wrapped by master key {key_id} (run `vault adopt-epochs`): {count}")
        elif action == "rotate":
            current = next(iter(settings.SIDEBAR_MASTER_KEYS))
            with transaction.atomic():
                count = services.rotate()
                authenticators = rewrap_mfa_secrets()
            self.stdout.write(
                f"Re-wrapped {count} data keys and {authenticators} two-factor secrets with master key {current}. "
                "Older master keys can now be removed from SIDEBAR_MASTER_KEY."
            )
        elif action == "rotate-epochs":
            run = services.rotate_epochs()
            self.stdout.write(
                f"Shredded {run.shredded}, moved {run.rewrapped} live data keys to the current epoch, "
                f"destroyed {run.destroyed} epoch keys."
            )
        elif action == "adopt-epochs":
            moved = services.adopt_epochs()
            old = ", ".join(settings.SIDEBAR_MASTER_KEYS)
            self.stdout.write(f"Moved {moved} data keys under the current epoch key.")
            if moved:
                self.stdout.write(
                    f"Copies wrapped by master key {old} remain in the database's files, WAL and backups. "
                    "Now put a new master key first in SIDEBAR_MASTER_KEY, run `vault rotate`, remove the old "
                    "key and destroy every copy of it (docs/deploy.md, upgrading to epoch keys)."
                )
        else:
            self.stdout.write(f"Shredded {services.shred_due()} identities whose retention had run out.")
