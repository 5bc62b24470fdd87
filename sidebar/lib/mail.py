"""Sidebar's one way to send e-mail.

One message per recipient, so nobody sees who else was written to; sent only once the
transaction that caused it has committed, so a rolled-back step writes to no one. ``quiet()``
turns it off for a stretch of code: the demo's made-up past must not e-mail anyone."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.core.mail import EmailMessage
from django.db import transaction

Attachment = tuple[str, bytes, str]  # file name, content, content type

_quiet: ContextVar[bool] = ContextVar("sidebar_mail_quiet", default=False)


def send_each_after_commit(
    recipients: Iterable[str], subject: str, body: str, *, attachment: Attachment | None = None
) -> None:
    if _quiet.get():
        return
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return

    def send() -> None:
        for address in addresses:
            message = EmailMessage(subject, body, None, [address])
            if attachment is not None:
                message.attach(*attachment)
            message.send(fail_silently=False)

    transaction.on_commit(send)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No e-mail is queued inside this block (checked when a message is queued, not sent)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)
