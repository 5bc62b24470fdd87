"""E-mails that say only that something waits, with a link. Never a name, a topic or a reason:
anyone may read an inbox over someone's shoulder, and mail servers keep copies."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from sidebar.lib import mail

SUBJECT = "Something is waiting for you in Sidebar"


def after_commit(recipients: Iterable[str], path: str, what: str) -> None:
    """Tell each recipient that ``what`` waits at ``path``, once the transaction has committed."""
    body = (
        f"{what}\n\n"
        f"Open Sidebar to see it: {settings.SIDEBAR_BASE_URL}{path}\n\n"
        "This message says nothing more on purpose."
    )
    mail.send_each_after_commit(recipients, SUBJECT, body)


def new_assignment(email: str) -> None:
    after_commit([email], reverse("support:my_assignments"), "A peer support request has been offered to you.")


def urgent_request(emails: Iterable[str]) -> None:
    """To the team leaders: the queue, where they offer it."""
    after_commit(emails, reverse("support:queue"), "An urgent peer support request is waiting.")


def urgent_request_for_peers(emails: Iterable[str]) -> None:
    """To the on-call peers: the page of urgent requests waiting (the queue is the team leader's)."""
    after_commit(
        emails,
        reverse("support:urgent"),
        "An urgent peer support request is waiting. You are on call: the team leader may offer it to you.",
    )


def closed_by_person(emails: Iterable[str]) -> None:
    after_commit(
        emails,
        reverse("support:my_assignments"),
        "A request you held was closed by the person who asked. Nothing more is needed from you.",
    )


def handed_back(emails: Iterable[str]) -> None:
    after_commit(emails, reverse("support:queue"), "A peer handed a request back: it is waiting in the queue.")


def check_in_due(email: str) -> None:
    after_commit([email], reverse("support:my_assignments"), "A check-in you planned is due.")


def ticket_reply(email: str) -> None:
    after_commit([email], reverse("support:my_assignments"), "There is a new message on an anonymous request.")


def debrief_requested(emails: Iterable[str]) -> None:
    after_commit(emails, reverse("support:debriefs"), "A peer supporter asked for a debrief.")


def inactive_requests_warning(emails: Iterable[str], *, count: int, days: int) -> None:
    """To the team leaders, a week ahead: how many requests will close, never which or whose."""
    some = "1 request has" if count == 1 else f"{count} requests have"
    after_commit(
        emails,
        reverse("support:queue"),
        f"{some} had no activity for a long time and will close on their own in {days} days "
        "unless something happens on them (an offer, a contact, a check-in, a message).",
    )


def closed_for_inactivity(emails: Iterable[str]) -> None:
    after_commit(
        emails,
        reverse("support:my_assignments"),
        "A request you held was closed after a long time without activity. Nothing more is needed from you.",
    )
