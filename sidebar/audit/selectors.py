from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from sidebar.accounts.models import RoleMembership, User
from sidebar.audit.models import AuditEvent, Verification


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


def label_actors(events: list[AuditEvent]) -> None:
    """How to show who acted. Holders of privileged roles are named (they answer for what they
    did); plain staff appear only as "a staff account", because when a staff member signs in
    is itself a hint that they may be asking for help. The id stays in the row for an inquiry."""
    actor_ids = {event.actor_id for event in events if event.actor_id}
    privileged = set(RoleMembership.objects.filter(user_id__in=actor_ids).values_list("user_id", flat=True))
    emails = dict(User.objects.filter(pk__in=privileged).values_list("pk", "email"))
    for event in events:
        event.actor_label = emails.get(event.actor_id, "a staff account") if event.actor_id else "—"  # type: ignore[attr-defined]


def last_verification() -> Verification | None:
    return Verification.objects.order_by("-at").first()
