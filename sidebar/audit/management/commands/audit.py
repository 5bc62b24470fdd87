from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sidebar.audit.checkpoints import InvalidCheckpoint
from sidebar.audit.services import ChainReport, checked_line, run_verification, take_checkpoint


def describe_failure(report: ChainReport) -> str:
    where = f" at event #{report.first_broken_id}" if report.first_broken_id else ""
    return f"Audit chain BROKEN{where}: {report.reason}. {report.events_checked} events before it verified."


class Command(BaseCommand):
    help = (
        "Work with the audit log. `audit verify` walks the hash chain, compares it with every signed "
        'checkpoint (the database\'s, and one given with --checkpoint "<line>" as e-mailed or logged) '
        "and names what is wrong; `audit checkpoint` verifies, then signs and sends a checkpoint now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoint",
            metavar="LINE",
            help="verify only: a checkpoint line kept outside the database (from the e-mail or the system log)",
        )

    def handle(self, *args: Any, action: str, checkpoint: str | None = None, **options: Any) -> None:
        if action == "checkpoint":
            if checkpoint:
                raise CommandError("--checkpoint goes with `audit verify`.")
            outcome = take_checkpoint(scheduled=False)
            if outcome.checkpoint is None:
                raise CommandError(f"No checkpoint signed. {describe_failure(outcome.report)}")
            self.stdout.write(outcome.checkpoint.line.text)
            return
        try:
            line = checked_line(checkpoint) if checkpoint is not None else None
        except InvalidCheckpoint as exc:
            raise CommandError(str(exc)) from exc
        report = run_verification(checkpoint=line)
        if not report.ok:
            raise CommandError(describe_failure(report))
        self.stdout.write(f"Audit chain intact: {report.events_checked} events verified.")
        if report.checkpoint is None:
            self.stdout.write("There was no checkpoint to compare it with.")
        else:
            self.stdout.write(f"It holds every event of {report.checkpoint.brief}.")
