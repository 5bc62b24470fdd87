"""The outbox: e-mails are queued in the caller's transaction and sent by the worker.

At least once: a message is marked sent only after the SMTP server accepted it, in the same
transaction that held its row while sending; a worker killed in between leaves it unsent, and
the next run sends it again. Twice is harmless (Sidebar's e-mails name nobody and give no
reason). A message that fails is retried with growing pauses; one that failed
``ALERT_AFTER_ATTEMPTS`` times counts as an alert not delivered on the team leader's home page.
Logs carry message ids and exception classes, never an address."""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from sidebar.outbox.models import OutgoingMail

logger = logging.getLogger("sidebar.outbox")

Attachment = tuple[str, bytes, str]  # file name, content, content type

ALERT_AFTER_ATTEMPTS = 3
FIRST_PAUSE = datetime.timedelta(minutes=1)
LONGEST_PAUSE = datetime.timedelta(hours=1)
# Recipient addresses are personal data: a sent message is kept only long enough to look into a
# complaint that one never arrived; one that could not be sent for a week is given up.
SENT_KEPT = datetime.timedelta(days=1)
UNSENT_KEPT = datetime.timedelta(days=7)
BATCH = 200

# The message, not the server, is the problem: the others may still go. (Every SMTP error is an
# OSError, so these are told apart first; any other OSError means the server cannot be reached.)
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int


def queue(*, recipients: Iterable[str], subject: str, body: str, attachment: Attachment | None = None) -> int:
    """One message per recipient (nobody sees who else was written to), stored in the current
    transaction, and a delivery run queued with it. Returns how many were queued."""
    from sidebar.outbox.tasks import deliver_mail

    name, content, content_type = attachment or ("", b"", "")
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return 0
    OutgoingMail.objects.bulk_create(
        OutgoingMail(
            recipient=address,
            subject=subject,
            body=body,
            attachment_name=name,
            attachment=content,
            attachment_type=content_type,
        )
        for address in addresses
    )
    deliver_mail.enqueue()
    return len(addresses)


def pause_after(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes, at most an hour."""
    pause: datetime.timedelta = FIRST_PAUSE * 2 ** max(attempts - 1, 0)
    return min(pause, LONGEST_PAUSE)


def deliver(*, now: datetime.datetime | None = None) -> Delivery:
    """Send every message that is due, one SMTP connection for the run; forget old ones."""
    now = now or timezone.now()
    due = list(
        OutgoingMail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now).values_list("pk", flat=True)[:BATCH]
    )
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    server_down: str | None = None
    try:
        for pk in due:
            with transaction.atomic():
                # The row stays locked while the SMTP server answers, so a second worker skips it;
                # if this one dies, its connection and the lock go, and the message is still unsent.
                message = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=pk, sent_at=None).first()
                if message is None:
                    continue
                error = server_down
                if error is None:
                    try:
                        connection.send_messages([message.as_email()])
                    except MESSAGE_ERRORS as exc:
                        error = type(exc).__name__
                    except Exception as exc:  # the server is down, slow or confused: stop this run
                        error = server_down = type(exc).__name__
                if error is None:
                    message.sent_at = timezone.now()
                    message.attempts += 1
                    message.save(update_fields=["sent_at", "attempts"])
                    sent += 1
                else:
                    _failed(message, error=error, now=now)
                    failed += 1
    finally:
        connection.close()
    _forget_old(now=now)
    if failed:
        logger.warning("outbox: %d sent, %d not sent (%s); retried later", sent, failed, server_down or "see admin")
    elif sent:
        logger.info("outbox: %d sent", sent)
    return Delivery(sent=sent, failed=failed)


def _failed(message: OutgoingMail, *, error: str, now: datetime.datetime) -> None:
    message.attempts += 1
    message.next_attempt_at = now + pause_after(message.attempts)
    message.last_error = error[:100]
    message.save(update_fields=["attempts", "next_attempt_at", "last_error"])
    if message.attempts == ALERT_AFTER_ATTEMPTS:
        logger.error("outbox: e-mail %s not delivered after %d attempts (%s)", message.pk, message.attempts, error)


def _forget_old(*, now: datetime.datetime) -> None:
    OutgoingMail.objects.filter(sent_at__lt=now - SENT_KEPT).delete()
    given_up, _ = OutgoingMail.objects.filter(sent_at=None, queued_at__lt=now - UNSENT_KEPT).delete()
    if given_up:
        logger.error("outbox: gave up %d e-mails that could not be sent for %s", given_up, UNSENT_KEPT)


def undelivered_count() -> int:
    """Alerts not delivered: messages that failed again and again and are still unsent."""
    return OutgoingMail.objects.filter(sent_at=None, attempts__gte=ALERT_AFTER_ATTEMPTS).count()


def retry_now(*, messages: Iterable[OutgoingMail]) -> int:
    """The administrator asks for another attempt at once (the mail server is back)."""
    from sidebar.outbox.tasks import deliver_mail

    pks = [message.pk for message in messages]
    count = OutgoingMail.objects.filter(pk__in=pks, sent_at=None).update(next_attempt_at=timezone.now())
    deliver_mail.enqueue()
    return count


__all__ = ["Delivery", "deliver", "queue", "retry_now", "undelivered_count"]
