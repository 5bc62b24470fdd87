"""The shared test harness: a fixed cast (one account per role plus an outsider), a real SMTP
server, and — in tests/browser — Debian's Chromium with an accessibility scan."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from allauth.mfa.models import Authenticator
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from sidebar.accounts.models import User
from tests.factories import CAST_PASSWORD, Cast, activate_totp, make_cast

# Property tests explore new examples on a developer's machine; in CI (CI=true) they replay a
# fixed sequence, so a landing never depends on luck, and a loaded CI machine is not "too slow".
hypothesis_settings.register_profile(
    "sidebar",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
)
hypothesis_settings.load_profile("sidebar")


@pytest.fixture
def cast(db: None) -> Cast:
    """One account per role (all with staff records) and an outsider with no role at all."""
    return make_cast()


SignedIn = Callable[[User], Client]


@pytest.fixture
def signed_in(db: None) -> SignedIn:
    """A client signed in as ``user`` (one per user); privileged accounts have two-factor set up."""
    clients: dict[object, Client] = {}

    def client_for(user: User) -> Client:
        # checked on every call: a role granted during the test (a selected candidate becomes a
        # peer) needs two-factor sign-in from then on
        if user.role_memberships.exists() and not Authenticator.objects.filter(user=user).exists():
            activate_totp(user)
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    return client_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mailbox:
    """Messages received by the test SMTP server, parsed."""

    messages: list[Message]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)

    def deliver(self, count: int = 0, timeout: float = 10.0) -> list[Message]:
        """Does what the background worker does after a commit — sends the outbox's due e-mails
        (sidebar/outbox) to this server — then returns what arrived (waiting for ``count``)."""
        from sidebar.outbox.services import deliver

        deliver()
        return self.wait_for(count, timeout)

    def discard_earlier(self) -> None:
        """Delivers what the set-up queued and forgets it: the test reads only what follows."""
        self.deliver()
        self.messages.clear()


class _Collector:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.mailbox.messages.append(message_from_bytes(envelope.original_content))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: pytest.FixtureRequest) -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on loopback; Django's SMTP backend delivers to it."""
    mailbox = Mailbox(messages=[])
    port = free_port()
    controller = Controller(_Collector(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def deliver_outbox(db: None) -> Callable[[], list[Any]]:
    """For tests that read Django's locmem ``mail.outbox``: runs the worker's delivery of the
    outbox (sidebar/outbox), then returns ``mail.outbox``. E-mails leave only through it."""
    from django.core import mail

    from sidebar.outbox.services import deliver

    def run() -> list[Any]:
        deliver()
        return list(mail.outbox)

    return run


__all__ = ["CAST_PASSWORD", "Cast", "Mailbox", "SignedIn", "cast", "deliver_outbox", "signed_in", "smtp_server"]
