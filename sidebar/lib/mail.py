"""Sidebar's one way to send e-mail.

One message per recipient, so nobody sees who else was written to. Messages are written to the
outbox in the caller's transaction and sent by the background worker once it has committed
(sidebar/outbox): a rolled-back step writes to no one, a committed one is never lost to a crash
or to a mail server that is down, and nothing can fail for the person after the commit.
``quiet()`` turns it off for a stretch of code: the demo's made-up past must not e-mail anyone."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

Attachment = tuple[str, bytes, str]  # file name, content, content type

_quiet: ContextVar[bool] = ContextVar("sidebar_mail_quiet", default=False)


def send_each_after_commit(
    recipients: Iterable[str], subject: str, body: str, *, attachment: Attachment | None = None
) -> None:
    if _quiet.get():
        return
    from sidebar.outbox.services import queue  # the outbox is an app; lib stays importable without it

    queue(recipients=recipients, subject=subject, body=body, attachment=attachment)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No e-mail is queued inside this block."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)
