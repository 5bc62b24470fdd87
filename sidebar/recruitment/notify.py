"""Recruitment e-mails. The announcement carries the round's own text; every other message says
only that there is something to see, with a link: never who nominated whom, never a reason, a
score or a panelist's name (inboxes are read over shoulders, and mail servers keep copies)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from sidebar.lib import mail

FOOTER = "This message says nothing more on purpose."


def _link(path: str) -> str:
    return f"{settings.SIDEBAR_BASE_URL}{path}"


def announcement(*, recipients: Iterable[str], title: str, text: str, round_path: str) -> None:
    body = f"{text}\n\nRead the job description, nominate a colleague or apply: {_link(round_path)}\n"
    mail.send_each_after_commit(recipients, f"Join the peer support team: {title}", body)


def nominated(*, email: str, round_path: str) -> None:
    body = (
        "A colleague has nominated you for the peer support team.\n\n"
        "Sign in to read what the team looks for, and apply or decline: "
        f"{_link(round_path)}\n\n"
        "Who nominated you stays confidential. " + FOOTER
    )
    mail.send_each_after_commit([email], "You were nominated for the peer support team", body)


def news_for_candidate(*, email: str) -> None:
    body = (
        "There is news about your application to the peer support team.\n\n"
        f"Sign in to read it: {_link(reverse('recruitment:join'))}\n\n" + FOOTER
    )
    mail.send_each_after_commit([email], "News about your application to the peer support team", body)
