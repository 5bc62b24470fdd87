"""Appending to and verifying the audit chain."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.audit.checkpoints import CheckpointLine, InvalidCheckpoint
from sidebar.audit.models import Action, AuditEvent, ChainHead, Checkpoint, Result, Verification
from sidebar.lib.mail import send_each_after_commit

# The system log's copy of every checkpoint (and the alarm when the chain fails its check).
# settings.LOGGING gives this logger its own level, so LOG_LEVEL=WARNING does not drop the lines.
checkpoint_log = logging.getLogger("sidebar.audit.checkpoint")

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


# The detail of a sign-in or sign-out of an account without a privileged role: the event names
# no account and no address (sidebar/audit/receivers.py).
STAFF_ACCOUNT = "staff_account"


def client_network(request: HttpRequest | None) -> str | None:
    """The network the client's address belongs to (its /24 for IPv4, /48 for IPv6), written as
    the network's first address: where a run of failed sign-ins comes from, not which desk."""
    address = client_ip(request)
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)


_FROM_REQUEST: Any = object()


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
    ip: str | None = _FROM_REQUEST,
) -> AuditEvent:
    """Append one event in the caller's transaction: if the action rolls back, so does its trace.
    ``obj`` (a model instance) gives its type and id; nothing else about it is read. The address
    is the client's, from ``request``, unless ``ip`` gives another (or None)."""
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
            ip=client_ip(request) if ip is _FROM_REQUEST else ip,
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
    head_hash: str = GENESIS
    # the checkpoint with the most events the chain was compared with, if any
    checkpoint: CheckpointLine | None = None
    findings: tuple[str, ...] = field(default=())


def checked_line(text: str) -> CheckpointLine:
    """A checkpoint line given by a person (from an e-mail or the system log), parsed and its
    signature checked; InvalidCheckpoint says what is wrong with it."""
    line = CheckpointLine.parse(text)
    if not line.key_known():
        raise InvalidCheckpoint(
            f"This checkpoint cannot be checked: it was signed with key {line.key_id!r}, which this "
            "installation does not hold. Add that master key back to SIDEBAR_MASTER_KEY (after the "
            "current one) to check lines signed before a rotation."
        )
    if not line.signature_valid():
        raise InvalidCheckpoint(
            "This is not a genuine Sidebar checkpoint of this installation: its signature does not "
            "match (a figure in it was changed, or it comes from another installation)."
        )
    return line


def _trusted_checkpoints(given: Sequence[CheckpointLine]) -> tuple[list[CheckpointLine], list[str]]:
    """The database's checkpoints whose signature holds, plus those given; and what is wrong with
    the rest. A row signed with a key no longer configured cannot be checked and is left out."""
    findings: list[str] = []
    stored = [row.line for row in Checkpoint.objects.order_by("seq")]
    trusted = []
    for line in stored:
        if line.signature_valid():
            trusted.append(line)
        elif line.key_known():
            findings.append(
                f"checkpoint {line.seq} in the database is not genuine (its signature does not match): "
                "it was added or altered by a database writer"
            )
    stored_seqs = {line.seq for line in trusted}
    given_valid = [line for line in given if line.signature_valid()]
    highest = max((line.seq for line in [*trusted, *given_valid]), default=0)
    missing = sorted(set(range(1, highest + 1)) - stored_seqs)
    if missing:
        shown = ", ".join(str(seq) for seq in missing[:10]) + (" …" if len(missing) > 10 else "")
        findings.append(f"checkpoints missing from the database: {shown} (they were removed)")
    return [*trusted, *given_valid], findings


class _Walk:
    """Follows the chain one event at a time; checks each link and hash, and the checkpoints'
    heads at their positions."""

    def __init__(self, checkpoints: Iterable[CheckpointLine]) -> None:
        self.prev_hash, self.count = GENESIS, 0
        self.last_id: int | None = None
        self.broken_id: int | None = None
        self.findings: list[str] = []
        self.at_position: dict[int, list[CheckpointLine]] = {}
        for line in checkpoints:
            self.at_position.setdefault(line.events, []).append(line)

    def step(self, event: AuditEvent) -> bool:
        if event.prev_hash != self.prev_hash:
            self.broken_id = event.pk
            self.findings.append(
                f"event #{event.pk}: its link to the previous event is broken "
                "(an event before it was removed or altered)"
            )
            return False
        if event_hash(event, self.prev_hash) != event.hash:
            self.broken_id = event.pk
            self.findings.append(f"event #{event.pk}: its contents were altered")
            return False
        self.prev_hash, self.last_id, self.count = event.hash, event.pk, self.count + 1
        for line in self.at_position.get(self.count, ()):
            if line.head != event.hash:
                self.findings.append(
                    f"the head of checkpoint {line.seq} is no longer event {line.events} of the chain: "
                    "events up to it were removed or replaced"
                )
        return True


def _events(**filters: Any) -> Any:
    return AuditEvent.objects.filter(**filters).order_by("id").only("id", "prev_hash", "hash", *_HASHED_FIELDS)


def verify_chain(
    *,
    checkpoints: Sequence[CheckpointLine] = (),
    batch_size: int = 5000,
    after_reading_head: Callable[[], None] | None = None,
) -> ChainReport:
    """Walk every event in order, recompute its hash and link, and compare the chain with every
    checkpoint: those in the database whose signature holds, and ``checkpoints`` (lines a person
    kept, already checked with :func:`checked_line`). Finds: altered or unlinked events, events
    missing after a checkpoint (fewer events than it recorded, or its head no longer at its
    position), and rows past the chain head (an error, never events).

    The head is read before the walk and again after it: an event appended meanwhile (its head
    update commits with it) is followed, not mistaken for tampering; a row that the second
    reading of the head does not cover was not appended by Sidebar. ``after_reading_head`` runs
    between the first reading and the walk (tests append there)."""
    lines, findings = _trusted_checkpoints(checkpoints)
    latest = max(lines, key=lambda line: (line.events, line.seq), default=None)
    walk = _Walk(lines)

    def report(first_broken_id: int | None = None) -> ChainReport:
        found = tuple(findings + walk.findings)
        if first_broken_id is None:
            first_broken_id = walk.broken_id
        return ChainReport(
            ok=not found,
            events_checked=walk.count,
            first_broken_id=first_broken_id,
            reason="; ".join(found),
            head_hash=walk.prev_hash,
            checkpoint=latest,
            findings=found,
        )

    head = ChainHead.objects.filter(pk=1).first()
    if after_reading_head is not None:
        after_reading_head()
    boundary = (head.last_event_id or 0) if head else 0
    later_ids: list[int] = []  # rows after the head as first read: appended since, or not events
    for event in _events().iterator(chunk_size=batch_size):
        if event.pk > boundary:
            later_ids.append(event.pk)
        elif not walk.step(event):
            return report()
    head = ChainHead.objects.filter(pk=1).first()
    if head is None and later_ids:
        findings.append("the chain head is missing (the log was altered)")
        return report(later_ids[0])
    limit = (head.last_event_id or 0) if head else 0
    past = [pk for pk in later_ids if pk > limit]
    if past:
        findings.append(
            f"{len(past)} row{'s' if len(past) > 1 else ''} past the chain head (from #{past[0]}): "
            "not events — written into the table outside Sidebar"
        )
    for event in _events(id__gt=boundary, id__lte=limit).iterator(chunk_size=batch_size):
        if not walk.step(event):
            return report()
    if head is not None and (head.last_hash != walk.prev_hash or head.last_event_id != walk.last_id):
        findings.append(f"event #{head.last_event_id}: the newest event was removed or altered")
        return report(head.last_event_id)
    if latest is not None and walk.count < latest.events:
        findings.append(
            f"the chain was cut short: at least {latest.events - walk.count} events missing after checkpoint "
            f"{latest.seq} (it recorded {latest.events} events, the chain now has {walk.count})"
        )
    return report(past[0] if past else None)


def run_verification(
    *, actor: Any = None, request: HttpRequest | None = None, checkpoint: CheckpointLine | None = None
) -> ChainReport:
    """Verify (against ``checkpoint`` too, if given), remember the outcome for the privacy page,
    and leave a trace of the check. The walk runs before the transaction that records it."""
    report = verify_chain(checkpoints=[checkpoint] if checkpoint else [])
    _remember(report, actor=actor, request=request)
    return report


@transaction.atomic
def _remember(report: ChainReport, *, actor: Any = None, request: HttpRequest | None = None) -> None:
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


@dataclass(frozen=True)
class CheckpointOutcome:
    report: ChainReport
    checkpoint: Checkpoint | None


def checkpoint_recipients() -> list[str]:
    """The clinical advisors and the addresses in SIDEBAR_AUDIT_CHECKPOINT_EMAILS (counsel)."""
    advisors = User.objects.filter(is_active=True, role_memberships__role=Role.CLINICAL_ADVISOR)
    return [*advisors.values_list("email", flat=True), *settings.SIDEBAR_AUDIT_CHECKPOINT_EMAILS]


def _mailed_today(now: datetime.datetime) -> bool:
    day = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = Checkpoint.objects.filter(emailed=True, at__gte=day, at__lt=day + datetime.timedelta(days=1))
    return any(row.line.signature_valid() for row in rows)  # a row nobody signed suppresses nothing


def take_checkpoint(*, scheduled: bool, now: datetime.datetime | None = None) -> CheckpointOutcome:
    """Verify the chain and, if it holds, sign its head: the line goes to the system log, into
    the database and on the privacy page, and by e-mail to the clinical advisors and the
    checkpoint addresses — always when asked for, and for the first scheduled one of each (UTC)
    day. A chain that fails is never signed: the log and the same people get an alarm instead."""
    now = now or timezone.now()
    report = verify_chain()
    if not report.ok:
        _remember(report)
        checkpoint_log.error("audit chain failed its check; no checkpoint signed: %s", report.reason)
        send_each_after_commit(
            checkpoint_recipients(),
            "Sidebar audit log: the check failed",
            "The audit log failed its check, so no checkpoint was signed.\n\n"
            f"See what failed on the audit screen: {settings.SIDEBAR_BASE_URL}{reverse('audit:events')}\n",
        )
        return CheckpointOutcome(report, None)
    with transaction.atomic():
        last = Checkpoint.objects.order_by("-seq").first()
        emailed = not scheduled or not _mailed_today(now)
        line = CheckpointLine.sign(
            seq=(last.seq if last else 0) + 1, events=report.events_checked, head=report.head_hash, at=now
        )
        checkpoint = Checkpoint.objects.create(
            seq=line.seq,
            at=line.at,
            events=line.events,
            head_hash=line.head,
            key_id=line.key_id,
            signature=line.signature,
            emailed=emailed,
        )
        if emailed:
            send_each_after_commit(checkpoint_recipients(), "Sidebar audit checkpoint", _checkpoint_mail(line))
    checkpoint_log.info("%s", line.text)
    return CheckpointOutcome(report, checkpoint)


def _checkpoint_mail(line: CheckpointLine) -> str:
    return (
        "Keep this message. The line below is a signed checkpoint of Sidebar's audit log: if audit "
        "entries made before it are ever removed, checking the log against it shows it.\n\n"
        f"{line.text}\n\n"
        'To check: manage.py audit verify --checkpoint "<the line>" (docs/deploy.md).\n'
    )
