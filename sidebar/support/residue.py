"""What a request leaves behind once its identity is shredded: statistics, and nothing that
singles the person out (issue 16, section 1; docs/privacy.md, "After shredding").

Shredding destroys who asked. The rows around the request stay for the program's figures, and
left as they were they could still point at a person: a creation time to the second sits beside
a sign-in in the audit log, a requested peer, a language or a referral reason narrow the roster,
an anonymous ticket's code proves who holds its slip of paper. So, in the shredding's own
transaction (``vault.shred`` calls ``deidentify`` through its after-shred hook):

- the request keeps its source, urgency, kind, incident and status, and the *month* it came in,
  was first contacted and closed (on the agency's clock: monthly figures do not move); the wait
  for its first contact is kept as whole minutes, rounded up, so the median wait and "within the
  target" (targets are whole hours) come out as before; its topics, referral reason, language,
  tier and unit preferences, requested peer and inactivity warning are dropped;
- contacts, check-ins and assignments keep their peer (the team's own workload), codes and
  minutes, and their dates and times only to the *week* (its Monday, or the first of the month
  when that Monday is in the month before);
- an anonymous ticket loses its messages' rows, its code and passphrase hash, and keeps the month;
- the form tokens that pointed at the request go.

Reports read only what is kept (sidebar/reports/queries.py): every figure of a month is the
same before and after. Old versions of these rows remain in the database's files, its WAL and
backups until overwritten; unlike identities, times are not encrypted (docs/privacy.md).
"""

from __future__ import annotations

import datetime
import math
import secrets
import zoneinfo
from dataclasses import dataclass
from typing import Any

from sidebar.lib.times import start_of_local_month, start_of_local_week_in_month, start_of_week_in_month

WAIT_STEP_SECONDS = 60


@dataclass(frozen=True)
class Models:
    """The models touched, so the data migration can pass its historical ones."""

    SupportRequest: Any
    Assignment: Any
    Contact: Any
    CheckIn: Any
    AnonymousTicket: Any
    TicketMessage: Any
    SentForm: Any


def wait_minutes(created_at: datetime.datetime, first_contact_at: datetime.datetime | None) -> int | None:
    """The wait for a first contact in whole minutes, rounded up: for a target of whole minutes,
    ``wait <= target`` is true exactly when ``minutes * 60 <= target``."""
    if first_contact_at is None:
        return None
    seconds = max(0.0, (first_contact_at - created_at).total_seconds())
    return math.ceil(seconds / WAIT_STEP_SECONDS)


def _month(moment: datetime.datetime | None, zone: datetime.tzinfo) -> datetime.datetime | None:
    return None if moment is None else start_of_local_month(moment, zone)


def _week(moment: datetime.datetime | None, zone: datetime.tzinfo) -> datetime.datetime | None:
    return None if moment is None else start_of_local_week_in_month(moment, zone)


def deidentify_rows(*, models: Models, request_id: Any, zone: datetime.tzinfo) -> None:
    """Coarsen and drop, as the module says, everything around one shredded request. Idempotent:
    a month start is its own month start, a week start its own week start."""
    support_request = models.SupportRequest.objects.filter(pk=request_id).first()
    if support_request is None:
        return
    wait = support_request.first_contact_wait_minutes
    if wait is None:
        wait = wait_minutes(support_request.created_at, support_request.first_contact_at)
    models.SupportRequest.objects.filter(pk=request_id).update(
        created_at=_month(support_request.created_at, zone),
        first_contact_at=_month(support_request.first_contact_at, zone),
        first_contact_wait_minutes=wait,
        closed_at=_month(support_request.closed_at, zone),
        inactivity_warned_at=None,
        topics=[],
        referral_reason="",
        language="",
        prefer_same_tier=True,
        prefer_other_unit=False,
        requested_peer=None,
    )
    for assignment in models.Assignment.objects.filter(request_id=request_id):
        models.Assignment.objects.filter(pk=assignment.pk).update(
            offered_at=_week(assignment.offered_at, zone),
            answered_at=_week(assignment.answered_at, zone),
            ended_at=_week(assignment.ended_at, zone),
        )
    for contact in models.Contact.objects.filter(request_id=request_id):
        models.Contact.objects.filter(pk=contact.pk).update(
            date=start_of_week_in_month(contact.date), created_at=_week(contact.created_at, zone)
        )
    for check_in in models.CheckIn.objects.filter(request_id=request_id):
        models.CheckIn.objects.filter(pk=check_in.pk).update(
            due_on=start_of_week_in_month(check_in.due_on),
            done_at=_week(check_in.done_at, zone),
            reminded_at=_week(check_in.reminded_at, zone),
            cancelled_at=_week(check_in.cancelled_at, zone),
        )
    for ticket in models.AnonymousTicket.objects.filter(request_id=request_id):
        models.TicketMessage.objects.filter(ticket_id=ticket.pk).delete()
        forgotten = ticket.code if ticket.code.startswith("x") and not ticket.passphrase_hash else None
        models.AnonymousTicket.objects.filter(pk=ticket.pk).update(
            code=forgotten or "x" + secrets.token_hex(15),
            passphrase_hash="",
            created_at=_month(ticket.created_at, zone),
        )
    models.SentForm.objects.filter(request_id=request_id).delete()


def agency_zone() -> zoneinfo.ZoneInfo:
    from sidebar.org.selectors import current_agency

    return zoneinfo.ZoneInfo(current_agency().timezone)


def deidentify(key: Any) -> None:
    """The vault's after-shred hook: the request of this data key, if it is one."""
    from sidebar.support import models as support

    request_id = support.SupportRequest.objects.filter(data_key=key).values_list("pk", flat=True).first()
    if request_id is None:
        return
    runtime = Models(
        SupportRequest=support.SupportRequest,
        Assignment=support.Assignment,
        Contact=support.Contact,
        CheckIn=support.CheckIn,
        AnonymousTicket=support.AnonymousTicket,
        TicketMessage=support.TicketMessage,
        SentForm=support.SentForm,
    )
    deidentify_rows(models=runtime, request_id=request_id, zone=agency_zone())
