"""Limits on what a signed-in account may do in a while (ASVS V2.4.1, issue 17).

Each urgent request e-mails the team leaders and the on-call peers; each nomination e-mails a
colleague. Nine urgent referrals in under a minute were all accepted. Every limit here is per
account and counted in the database every worker shares, atomically (a unit is taken with one
conditional UPDATE, ``sidebar.throttle.counters``), except asking for oneself, which leaves no
counter at all (``sidebar.support.services.ask_for_myself`` counts the account's own requests
through the vault's holder tags, under a lock on the account): a counter keyed by the account
with the moment of its first unit would say who asked for help, and when, to anyone holding the
database and the secret key, also in a backup.

When a limit refuses, the form is shown again with what was typed and a message saying what to
do instead; the refusal is audited as "Rate limit hit" with the limit's name and nothing else —
no account, no address, whoever it was — and the team leader's home page shows how many times
each limit was reached in the last week (``reached_recently``), never by whom.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent, Result
from sidebar.audit.services import record
from sidebar.throttle import counters


@dataclass(frozen=True)
class ActionLimit:
    action: str  # short, in the audit detail as "limit:<action>"
    label: str  # what the team leader's home page calls it
    amount: int
    window: datetime.timedelta
    message: str  # shown above the form, which keeps what was typed


HOUR = datetime.timedelta(hours=1)
ASK = ActionLimit(
    "ask",
    "Asking for support",
    3,
    HOUR,
    "You have asked for support three times in the last hour, and the team has each of those "
    "requests: nothing more is needed for them to reach you. To add to a request, open My "
    "requests. If you need someone now, call one of the numbers on this page.",
)
REFER = ActionLimit(
    "refer",
    "Referring a colleague",
    5,
    HOUR,
    "You have referred five colleagues in the last hour, which is as many as Sidebar takes from "
    "one account in an hour. The team has each of them. Your form is kept below: send it again "
    "later, or if someone is in danger now, call the emergency number.",
)
NOMINATE = ActionLimit(
    "nominate",
    "Nominating colleagues",
    10,
    HOUR,
    "You have nominated ten colleagues in the last hour, which is as many as Sidebar takes from "
    "one account in an hour. Your form is kept below: send it again later.",
)
LIMITS = (ASK, REFER, NOMINATE)
WEEK = datetime.timedelta(days=7)


class LimitReached(Exception):
    """An account used every unit of ``limit`` in its window; the message is fit to show."""

    def __init__(self, limit: ActionLimit) -> None:
        super().__init__(limit.message)
        self.limit = limit


def take(limit: ActionLimit, *, account_id: Any) -> None:
    """Take one unit of ``limit`` for the account, in the caller's transaction (a rolled-back
    action gives its unit back with it); raises LimitReached when none is left."""
    key = counters.counter_key(f"action.{limit.action}", str(account_id))
    if not counters.take(key, limit=limit.amount, window=limit.window):
        raise LimitReached(limit)


def note_reached(limit: ActionLimit) -> None:
    """Audit a refusal, naming no account and no address (call it outside the refused action's
    transaction, which rolls back)."""
    record(action=Action.RATE_LIMITED, detail=f"limit:{limit.action}", result=Result.DENIED, ip=None)


def reached_recently(*, now: datetime.datetime | None = None) -> list[tuple[str, int]]:
    """(label, times) for each limit reached in the last seven days, for the team leader."""
    since = (now or timezone.now()) - WEEK
    events = AuditEvent.objects.filter(action=Action.RATE_LIMITED, at__gte=since, detail__startswith="limit:")
    counts = dict(events.values_list("detail").annotate(times=Count("pk")).order_by())
    return [(limit.label, counts[f"limit:{limit.action}"]) for limit in LIMITS if counts.get(f"limit:{limit.action}")]
