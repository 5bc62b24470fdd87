"""The anonymous channel: a request without an account, a ticket code and a passphrase, and the
conversation between the person and the peer who took the request.

The code and passphrase are shown once and never stored in clear (only the passphrase's hash);
together they carry 160 random bits. Opening a ticket gives the same answer, after the same
work, whether the code is unknown or the passphrase wrong, and failed attempts are limited per
source (an address, an IPv6 /64) and per code (THREATS.md: "a guesser at the anonymous ticket
page"). Messages are sealed in the vault under the request's key and destroyed with it.

Reads on the requester's side are audited with no actor and no client address: an address in
the audit log next to a ticket would be a thread back to the person who asked anonymously.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sidebar.safeguards.models import PolicyDocument
from sidebar.support import notify, services
from sidebar.support.categories import Source
from sidebar.support.models import AnonymousTicket, Assignment, SupportRequest, TicketMessage
from sidebar.support.services import WorkflowError
from sidebar.throttle import counters
from sidebar.vault import services as vault

# 32 symbols (5 bits each) without the look-alikes 0/O and 1/I.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 80 bits
PASSPHRASE_LENGTH = 16  # 80 bits; with the code 160 bits, well above the 128 THREATS.md asks for
GROUP = 4
MESSAGE_MAX_LENGTH = 2000
PREFERRED_TIMES_MAX_LENGTH = 200

# Failed attempts to open a ticket, per 15 minutes (docs/privacy.md, "The anonymous ticket").
# A stranger's wrong tries count against their source (an IPv4 address, or an IPv6 /64 network,
# which one household or phone holds whole): after 10 they wait, and the ticket's owner, coming
# from anywhere else, is not affected. The per-code limit is what stops guessing spread over many
# sources; it is ten sources' worth, so locking a code needs ten networks at once, and at 100
# guesses per 15 minutes an 80-bit passphrase would take ~10^17 years to find.
ATTEMPT_WINDOW = datetime.timedelta(minutes=15)
FAILED_ATTEMPTS_PER_SOURCE = 10
FAILED_ATTEMPTS_PER_CODE = 100
SUBMISSION_MEMORY_SECONDS = 24 * 60 * 60


class AlreadySent(Exception):
    """This form was already sent (a reload or a double click): the request exists once."""


@dataclass(frozen=True)
class NewTicket:
    """What the confirmation page shows once; the code and passphrase exist nowhere else."""

    ticket: AnonymousTicket
    code: str
    passphrase: str


class ThreadEntry(NamedTuple):
    author_label: str
    sent_at: datetime.datetime
    text: str


def _random_symbols(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def grouped(value: str) -> str:
    """ABCDEFGH… → ABCD-EFGH-…: easier to read aloud and copy by hand."""
    return "-".join(value[i : i + GROUP] for i in range(0, len(value), GROUP))


def normalize_code(raw: str) -> str:
    """What the person typed, in the stored form: upper case, without spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def normalize_passphrase(raw: str) -> str:
    return "".join(ch for ch in raw.lower() if ch.isalnum())


@functools.cache
def _dummy_hash(algorithm: str) -> str:
    """A hash of nothing anyone knows, made by the current hasher, to check an unknown code
    against: the answer then takes as long as a wrong passphrase does."""
    return make_password(secrets.token_urlsafe(32), hasher=algorithm)


# --- asking -----------------------------------------------------------------------------------


@transaction.atomic
def ask_anonymously(
    *,
    urgency: str,
    kind: str,
    topics: Iterable[str],
    message: str,
    preferred_times: str = "",
    notice: PolicyDocument | None = None,
    submission: str = "",
) -> NewTicket:
    """Request, ticket and first message in one transaction: acknowledged only once all of it is
    stored. ``submission`` is the form's one-time token; sending the same form twice raises
    AlreadySent instead of making a second request."""
    if submission and not cache.add(
        f"tickets:sent:{salted_hmac('sidebar.tickets.sent', submission).hexdigest()}", 1, SUBMISSION_MEMORY_SECONDS
    ):
        raise AlreadySent
    support_request = services._new_request(
        source=Source.ANONYMOUS,
        urgency=urgency,
        kind=kind,
        topics=sorted(set(topics)),
        notice_version=notice,
    )
    vault.store(key=support_request.data_key, owner=support_request, values={"preferred_times": preferred_times})
    passphrase = "".join(secrets.choice(ALPHABET.lower()) for _ in range(PASSPHRASE_LENGTH))
    passphrase_hash = make_password(passphrase)
    for _ in range(3):  # 80 random bits practically never collide; the unique index decides
        code = _random_symbols(CODE_LENGTH)
        try:
            with transaction.atomic():
                ticket = AnonymousTicket.objects.create(
                    request=support_request, code=code, passphrase_hash=passphrase_hash
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three collisions in a row mean a broken random source
        raise RuntimeError("could not draw a unique ticket code")
    _add_message(ticket=ticket, author=TicketMessage.Author.REQUESTER, body=message)
    services._alert_if_urgent(support_request)
    return NewTicket(ticket=ticket, code=grouped(code), passphrase=grouped(passphrase))


# --- opening ----------------------------------------------------------------------------------


class Limited(Exception):
    """Too many failed attempts from this source, or for this code, in the window."""


def source_of(address: str | None) -> str:
    """Whom a limit per source counts: an IPv4 address, or the /64 network of an IPv6 address
    (every device on one IPv6 connection can take any of 2^64 addresses at will)."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _attempt_counters(*, address: str | None, code: str) -> list[tuple[bytes, int]]:
    # the source first: a stranger's tries stop there and never reach the code's counter
    return [
        (counters.counter_key("tickets.source", source_of(address)), FAILED_ATTEMPTS_PER_SOURCE),
        (counters.counter_key("tickets.code", code), FAILED_ATTEMPTS_PER_CODE),
    ]


SUBMISSIONS_PER_ADDRESS = 5  # anonymous requests per address per hour: enough for a shared office
SUBMISSION_WINDOW_SECONDS = 60 * 60


def take_submission(*, address: str | None) -> bool:
    """Count an anonymous request from this address; False when it already sent too many this
    hour (each urgent one e-mails the team). Atomic, like the passphrase limits."""
    key = counters.counter_key("tickets.submissions", source_of(address))
    return counters.take(
        key, limit=SUBMISSIONS_PER_ADDRESS, window=datetime.timedelta(seconds=SUBMISSION_WINDOW_SECONDS)
    )


def forget_shredded_tickets() -> int:
    """Once a ticket's identity is shredded, its messages' rows (author and exact time could be
    matched against other records) and its code and passphrase hash go too. Idempotent."""
    shredded = AnonymousTicket.objects.filter(request__data_key__wrapped__isnull=True)
    TicketMessage.objects.filter(ticket__in=shredded).delete()
    forgotten = 0
    for ticket in shredded.exclude(passphrase_hash=""):
        ticket.code, ticket.passphrase_hash = "x" + secrets.token_hex(15), ""
        ticket.save(update_fields=["code", "passphrase_hash"])
        forgotten += 1
    return forgotten


def open_ticket(*, code: str, passphrase: str, address: str | None) -> AnonymousTicket | None:
    """The ticket these open, or None — for an unknown code, a wrong passphrase and a shredded
    ticket alike, after one password-hash check in every case. Raises Limited, before any check,
    when the source or the code has no attempt left in the window: asked for every code, known
    or not, so that being limited says nothing about whether it exists.

    Each attempt takes its unit from both counters *before* the check (atomically, see
    ``sidebar.throttle.counters``), so attempts sent at the same moment cannot all pass; the right passphrase gives
    its units back."""
    code, passphrase = normalize_code(code), normalize_passphrase(passphrase)
    taken: list[bytes] = []
    for key, limit in _attempt_counters(address=address, code=code):
        if not counters.take(key, limit=limit, window=ATTEMPT_WINDOW):
            for earlier in taken:
                counters.give_back(earlier)
            raise Limited
        taken.append(key)
    ticket = AnonymousTicket.objects.select_related("request__data_key").filter(code=code).first()
    if ticket is None:
        check_password(passphrase, _dummy_hash(get_hasher().algorithm))
        matches = False
    else:
        matches = check_password(passphrase, ticket.passphrase_hash)
    if not matches or ticket is None or ticket.request.data_key.is_shredded:
        return None
    for key in taken:
        counters.give_back(key)
    return ticket


# --- the conversation -------------------------------------------------------------------------


def _add_message(*, ticket: AnonymousTicket, author: str, body: str) -> TicketMessage:
    body = body.strip()
    if not body:
        raise WorkflowError("Write a message first.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise WorkflowError(f"A message can be at most {MESSAGE_MAX_LENGTH} characters.")
    message = TicketMessage.objects.create(ticket=ticket, author=author)
    vault.store(key=ticket.request.data_key, owner=message, values={"message": body})
    return message


def _lock_open_request(ticket: AnonymousTicket) -> SupportRequest:
    locked = SupportRequest.objects.select_for_update().select_related("data_key").get(pk=ticket.request_id)
    if locked.status == SupportRequest.Status.CLOSED or locked.data_key.is_shredded:
        raise WorkflowError("This conversation is closed.")
    return locked


@transaction.atomic
def post_requester_reply(*, ticket: AnonymousTicket, body: str) -> TicketMessage:
    """The person answers. The peer who accepted the request is told by e-mail that something
    waits — never what."""
    _lock_open_request(ticket)
    message = _add_message(ticket=ticket, author=TicketMessage.Author.REQUESTER, body=body)
    accepted = (
        Assignment.objects.filter(request_id=ticket.request_id, status=Assignment.Status.ACCEPTED)
        .select_related("peer__person")
        .first()
    )
    if accepted is not None:
        notify.ticket_reply(accepted.peer.person.work_email)
    return message


@transaction.atomic
def post_peer_reply(*, ticket: AnonymousTicket, peer_user: Any, body: str) -> TicketMessage:
    """The peer who accepted the request answers. Nobody is e-mailed: the person has no address
    here, they come back with their code. The first answer counts as the first contact."""
    _lock_open_request(ticket)
    holds = Assignment.objects.filter(
        request_id=ticket.request_id, peer__person__user=peer_user, status=Assignment.Status.ACCEPTED
    ).exists()
    if not holds:
        raise WorkflowError("Only the peer who accepted this request can answer it.")
    message = _add_message(ticket=ticket, author=TicketMessage.Author.PEER, body=body)
    SupportRequest.objects.filter(pk=ticket.request_id, first_contact_at__isnull=True).update(
        first_contact_at=timezone.now()
    )
    return message


def thread_for(*, ticket: AnonymousTicket, actor: Any, request: HttpRequest | None = None) -> list[ThreadEntry]:
    """The decrypted conversation, oldest first; every message read is an audited read. ``actor``
    None is the person themself (labels "You" / "Peer supporter"); otherwise the peer. Empty
    once the request's key is shredded."""
    key = ticket.request.data_key
    if key.is_shredded:
        return []
    labels = (
        {TicketMessage.Author.REQUESTER: "You", TicketMessage.Author.PEER: "Peer supporter"}
        if actor is None
        else {TicketMessage.Author.REQUESTER: "The person who asked", TicketMessage.Author.PEER: "Peer supporter"}
    )
    entries = []
    for message in ticket.messages.order_by("sent_at"):
        try:
            text = vault.reveal(key=key, owner=message, fields=["message"], actor=actor, request=request).get("message")
        except vault.IdentityUnavailable:
            return []
        if text:
            entries.append(ThreadEntry(labels[TicketMessage.Author(message.author)], message.sent_at, text))
    return entries


@transaction.atomic
def close_ticket(*, ticket: AnonymousTicket, shred_now: bool) -> SupportRequest:
    """The person closes their ticket; with ``shred_now`` every message and detail is destroyed at
    once, otherwise on the agency's retention schedule. A ticket the team already closed can
    still be deleted now. The peer who held it is told it was closed (nothing more); refused
    while a confidentiality exception holds the request (WorkflowError)."""
    closed = services.close_by_person(support_request=ticket.request, shred_now=shred_now)
    if shred_now:
        forget_shredded_tickets()
    return closed
