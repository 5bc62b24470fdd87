"""Training e-mails: announcements to the team, and a peer's own reminder about this year's
hours. A reminder speaks only of the reader's own hours and names nobody; an announcement carries
what the team leader wrote for the whole team (the form says it is e-mailed as written)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse


def _send_each(recipients: list[str], subject: str, body: str) -> None:
    for recipient in recipients:  # one message each: no recipient sees the others
        send_mail(subject, body, None, [recipient], fail_silently=False)


def _after_commit(recipients: Iterable[str], subject: str, body: str) -> None:
    addresses = sorted({address for address in recipients if address})
    if addresses:
        transaction.on_commit(lambda: _send_each(addresses, subject, body))


def announcement(recipients: Iterable[str], *, title: str, body: str) -> None:
    link = f"{settings.SIDEBAR_BASE_URL}{reverse('training:announcements')}"
    text = f"{title}\n\n{body}\n\nAll announcements to the peer support team: {link}"
    _after_commit(recipients, f"Peer support team: {title}", text)


def training_reminder(email: str, *, hours: Decimal, rule: int, year: int, days_left: int) -> None:
    link = f"{settings.SIDEBAR_BASE_URL}{reverse('training:my_record')}"
    text = (
        f"Your training record shows {float(hours):g} of the {rule} hours of continuing education the peer support "
        f"program asks of each member in {year}. The year ends in {days_left} days.\n\n"
        f"See your record and the sessions coming up: {link}\n\n"
        "If you attended training that is not on your record yet, tell the team leader."
    )
    _after_commit([email], "Your peer support training hours this year", text)
