"""``manage.py load_demo``: fill an empty demo database with the Harbor County demo office."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sidebar.incidents.demo import build_demo_incidents
from sidebar.org.demo import DemoAccounts, build_demo_agency, demo_accounts
from sidebar.org.models import Agency, Person
from sidebar.recruitment.demo import build_demo_recruitment
from sidebar.support.demo import build_demo_support, support_summary
from sidebar.team.demo import build_demo_rota
from sidebar.training.demo import build_demo_training


class Command(BaseCommand):
    help = "Load the fictional demo agency into an empty database (demo and test modes only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Seed for the generated office (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo accounts share a published password: in a real agency's database they would be
        # an open door, so the command checks the mode itself rather than trusting the caller.
        if not (settings.DEMO_MODE or settings.TESTING):
            raise CommandError(
                "Demo data must never be loaded into a production database. "
                "Run with SIDEBAR_MODE=demo (or test) to load it."
            )
        with transaction.atomic():
            # Anything already there may be someone's work: only an empty org chart gets the demo.
            if Person.objects.exists() or Agency.objects.exists():
                self.stdout.write("Demo data already present; keeping it.")
                accounts = demo_accounts()
            else:
                accounts = build_demo_agency(seed=options["seed"])
                build_demo_support(seed=options["seed"])  # a year of the program, in the same transaction
                build_demo_incidents(seed=options["seed"])  # a threat ten weeks ago, an injury, mutual aid
                build_demo_rota()  # who is on call, week by week
                build_demo_recruitment(seed=options["seed"])  # a recruitment round in progress
                build_demo_training(seed=options["seed"])  # its training year, from the team it built
                self.stdout.write(self.style.SUCCESS(f"Loaded the demo agency: {Person.objects.count()} people."))
            # Counted from the database on every run, so a second run prints the same line.
            summary = support_summary()
            if summary is not None:
                self.stdout.write(summary.line())
        if accounts is None:
            self.stdout.write("No demo accounts found (this database was not filled by load_demo).")
            return
        self.stdout.write(_table(accounts))
        self.stdout.write("Demo mode: two-factor sign-in is not enforced for privileged roles (it is in production).")


def _table(accounts: DemoAccounts) -> str:
    rows = [("Role", "E-mail", "Password")]
    rows += [(role.label, email, accounts.password) for role, email in accounts.by_role().items()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
