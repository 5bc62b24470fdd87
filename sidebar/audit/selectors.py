from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from sidebar.accounts.models import RoleMembership, User
from sidebar.audit.models import Action, AuditEvent, Verification


def filtered_events(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-id")
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("result"):
        events = events.filter(result=filters["result"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    if filters.get("since"):
        events = events.filter(at__gte=datetime.datetime.combine(filters["since"], datetime.time.min, datetime.UTC))
    if filters.get("until"):
        end = datetime.datetime.combine(filters["until"], datetime.time.min, datetime.UTC) + datetime.timedelta(days=1)
        events = events.filter(at__lt=end)
    return events


# What anyone may do as plain staff: for these, who acted is not shown (when a staff member signs
# in is itself a hint that they may be asking for help). Everything else — reading an identity,
# assigning, deciding an exception, changing roles — is privileged work and always named, even
# after the actor lost the role.
STAFF_ACTIONS = {Action.SIGN_IN, Action.SIGN_OUT, Action.SIGN_IN_FAILED}


def label_actors(events: list[AuditEvent]) -> None:
    """How to show who acted (see STAFF_ACTIONS). Ids stay in the rows for an inquiry."""
    actor_ids = {event.actor_id for event in events if event.actor_id}
    privileged = set(RoleMembership.objects.filter(user_id__in=actor_ids).values_list("user_id", flat=True))
    named = privileged | {e.actor_id for e in events if e.actor_id and e.action not in STAFF_ACTIONS}
    emails = dict(User.objects.filter(pk__in=named).values_list("pk", "email"))
    for event in events:
        staff_only = event.action in STAFF_ACTIONS and event.actor_id not in privileged
        event.actor_label = (  # type: ignore[attr-defined]
            "—"
            if not event.actor_id
            else "a staff account"
            if staff_only
            else emails.get(event.actor_id, "a staff account")
        )
        event.object_label = "" if staff_only else event.object_id  # type: ignore[attr-defined]


def last_verification() -> Verification | None:
    return Verification.objects.order_by("-at").first()
