from __future__ import annotations

import datetime
import ipaddress
from typing import Any

from django.db.models import QuerySet

from sidebar.accounts.models import RoleMembership, User
from sidebar.accounts.roles import PRIVILEGED_ROLES
from sidebar.audit.checkpoints import CheckpointLine
from sidebar.audit.models import Action, AuditEvent, Checkpoint, Verification
from sidebar.audit.services import STAFF_ACCOUNT


def filtered_events(filters: dict[str, Any], *, zone: datetime.tzinfo) -> QuerySet[AuditEvent]:
    """Events matching ``filters``; the dates are days in ``zone`` (the agency's, the zone the
    page shows its times in), from the start of ``since`` to the end of ``until``."""
    events = AuditEvent.objects.order_by("-id")
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("result"):
        events = events.filter(result=filters["result"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    if filters.get("since"):
        events = events.filter(at__gte=_start_of(filters["since"], zone))
    if filters.get("until"):
        events = events.filter(at__lt=_start_of(filters["until"] + datetime.timedelta(days=1), zone))
    return events


def _start_of(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, zone)


# What anyone may do as plain staff: for these, who acted is not shown (when a staff member signs
# in is itself a hint that they may be asking for help), nor the time of day or the address (the
# day only; for a failed try, the network). Sign-ins of accounts without a privileged role are
# recorded naming no account (sidebar/audit/receivers.py); older events still name one, and are
# shown the same way. Everything else — reading an identity, assigning, deciding an exception,
# changing roles, a privileged account's sign-in — is privileged work and always named, to the
# second, even after the actor lost the role.
STAFF_ACTIONS = {Action.SIGN_IN, Action.SIGN_OUT, Action.SIGN_IN_FAILED}


def _network(ip: str | None) -> str:
    if not ip:
        return ""
    parsed = ipaddress.ip_address(ip)
    return str(ipaddress.ip_network(f"{parsed}/{24 if parsed.version == 4 else 48}", strict=False))


def label_actors(events: list[AuditEvent]) -> None:
    """How to show who acted, when and from where (see STAFF_ACTIONS). Ids stay in the rows for an
    inquiry."""
    actor_ids = {event.actor_id for event in events if event.actor_id}
    privileged = set(
        RoleMembership.objects.filter(user_id__in=actor_ids, role__in=PRIVILEGED_ROLES).values_list(
            "user_id", flat=True
        )
    )
    named = privileged | {e.actor_id for e in events if e.actor_id and e.action not in STAFF_ACTIONS}
    emails = dict(User.objects.filter(pk__in=named).values_list("pk", "email"))
    for event in events:
        staff_only = event.action in STAFF_ACTIONS and event.actor_id not in privileged
        event.actor_label = (  # type: ignore[attr-defined]
            "a staff account"
            if event.detail == STAFF_ACCOUNT or (staff_only and event.actor_id)
            else "—"
            if not event.actor_id
            else emails.get(event.actor_id, "a staff account")
        )
        event.object_label = "" if staff_only else event.object_id  # type: ignore[attr-defined]
        event.day_only = staff_only  # type: ignore[attr-defined]
        failed = event.action == Action.SIGN_IN_FAILED
        event.detail_label = (  # type: ignore[attr-defined]
            event.detail if not staff_only or (failed and event.detail != STAFF_ACCOUNT) else ""
        )
        event.ip_label = (  # type: ignore[attr-defined]
            (_network(event.ip) if failed else "") if staff_only else (event.ip or "")
        )


def last_verification() -> Verification | None:
    return Verification.objects.order_by("-at").first()


def published_checkpoint() -> CheckpointLine | None:
    """The newest checkpoint that was e-mailed (at most one a day, plus those asked for), if its
    signature holds: what the privacy page shows. The hourly ones stay off the public page, so
    it never tells how many events an hour brought."""
    for row in Checkpoint.objects.filter(emailed=True).order_by("-seq")[:5]:
        if row.line.signature_valid():
            return row.line
    return None
