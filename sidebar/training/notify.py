"""Training e-mails: announcements to the team, and a peer's own reminder about this year's
hours. A reminder speaks only of the reader's own hours and names nobody; an announcement carries
what the team leader wrote for the whole team (the form says it is e-mailed as written)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from sidebar.lib import mail


def announcement(recipients: Iterable[str], *, title: str, body: str) -> None:
    link = f"{settings.SIDEBAR_BASE_URL}{reverse('training:announcements')}"
    text = f"{title}\n\n{body}\n\nAll announcements to the peer support team: {link}"
    mail.send_each_after_commit(recipients, f"Peer support team: {title}", text)


def training_reminder(email: str, *, hours: Decimal, rule: int, year: int, days_left: int) -> None:
    link = f"{settings.SIDEBAR_BASE_URL}{reverse('training:my_record')}"
    text = (
        f"Your training record shows {float(hours):g} of the {rule} hours of continuing education the peer support "
        f"program asks of each member in {year}. The year ends in {days_left} days.\n\n"
        f"See your record and the sessions coming up: {link}\n\n"
        "If you attended training that is not on your record yet, tell the team leader."
    )
    mail.send_each_after_commit([email], "Your peer support training hours this year", text)
