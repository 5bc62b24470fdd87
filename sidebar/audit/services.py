"""Appending to and verifying the audit chain."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent, ChainHead, Result, Verification

GENESIS = "0" * 64
_HASHED_FIELDS = ("at", "actor_id", "action", "object_type", "object_id", "detail", "ip", "result")


def _canonical(event: AuditEvent, prev_hash: str) -> bytes:
    """A stable serialisation: sorted keys, UTC ISO time to the microsecond, ids as strings."""
    values: dict[str, Any] = {name: getattr(event, name) for name in _HASHED_FIELDS}
    values["at"] = event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    values["actor_id"] = str(event.actor_id) if event.actor_id else None
    values["prev_hash"] = prev_hash
    return json.dumps(values, sort_keys=True, separators=(",", ":")).encode()


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256(_canonical(event, prev_hash)).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the sign-in rate limits see it (SIDEBAR_TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    try:
        return str(get_account_adapter(request).get_client_ip(request))
    except (PermissionDenied, ImproperlyConfigured):
        return None


def record(
    *,
    action: Action,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | uuid.UUID = "",
    detail: str = "",
    request: HttpRequest | None = None,
    result: Result = Result.OK,
) -> AuditEvent:
    """Append one event in the caller's transaction: if the action rolls back, so does its trace.
    ``obj`` (a model instance) gives its type and id; nothing else about it is read."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        event = AuditEvent(
            at=timezone.now(),
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
            ip=client_ip(request),
            result=result,
            prev_hash=head.last_hash,
        )
        # The row's id is not hashed (it is not known before the insert); order and links are:
        # each hash covers the previous one, so removing or reordering rows breaks the chain.
        event.hash = event_hash(event, head.last_hash)
        event.save(force_insert=True)
        head.last_hash, head.last_event_id = event.hash, event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_broken_id: int | None = None
    reason: str = ""


def verify_chain(*, batch_size: int = 5000) -> ChainReport:
    """Walk every event in order, recompute its hash and link; name the first row that breaks.
    The head is read first and the walk stops at the event it names, so an event appended while
    the walk runs is not mistaken for tampering."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.exists():
            first = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
            return ChainReport(False, 0, first, "the chain head is missing (the log was altered)")
        return ChainReport(True, 0)
    prev_hash, checked, last_id = GENESIS, 0, None
    events = (
        AuditEvent.objects.filter(id__lte=head.last_event_id or 0)
        .order_by("id")
        .only("id", "prev_hash", "hash", *_HASHED_FIELDS)
    )
    for event in events.iterator(chunk_size=batch_size):
        if event.prev_hash != prev_hash:
            return ChainReport(
                False,
                checked,
                event.pk,
                "its link to the previous event is broken (an event before it was removed or altered)",
            )
        if event_hash(event, prev_hash) != event.hash:
            return ChainReport(False, checked, event.pk, "its contents were altered")
        prev_hash, last_id, checked = event.hash, event.pk, checked + 1
    if head.last_hash != prev_hash or head.last_event_id != last_id:
        return ChainReport(False, checked, head.last_event_id, "the newest event was removed or altered")
    return ChainReport(True, checked)


@transaction.atomic
def run_verification(*, actor: Any = None, request: HttpRequest | None = None) -> ChainReport:
    """Verify, remember the outcome for the privacy page, and leave a trace of the check."""
    report = verify_chain()
    Verification.objects.create(
        at=timezone.now(), ok=report.ok, events_checked=report.events_checked, first_broken_id=report.first_broken_id
    )
    record(
        action=Action.AUDIT_VERIFIED,
        actor=actor,
        request=request,
        result=Result.OK if report.ok else Result.FAILED,
        detail=f"first_broken={report.first_broken_id}" if not report.ok else "",
    )
    return report
