"""Day one runs in a real browser against a production server of its own (see server.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.browser.conftest import CHROMIUM, browser_type_launch_args  # noqa: F401 (a fixture, re-used)
from tests.conftest import Mailbox, _Collector, free_port
from tests.dayone.server import ProductionServer, postgres_reachable
from tests.sso.provider import CALLBACK, CLIENT_ID, CLIENT_SECRET, start_provider


@dataclass
class Relay:
    """The agency's mail relay: a real SMTP server (aiosmtpd) the production server sends to."""

    mailbox: Mailbox
    port: int


@pytest.fixture(scope="module")
def relay() -> Iterator[Relay]:
    box = Relay(mailbox=Mailbox(messages=[]), port=free_port())
    controller = Controller(_Collector(box.mailbox), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


# The one person of the day who signs in with the agency's own account (single sign-on).
SSO_PERSON = "lee.park@harbor-county.example.gov"


@pytest.fixture(scope="module")
def production(relay: Relay, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionServer]:
    """An empty PostgreSQL database set up as docs/deploy.md says, migrated by the owner role,
    and gunicorn in production mode serving it as the application role, with single sign-on
    through the agency's OpenID Connect provider (a real one, in its own process)."""
    if not CHROMIUM.exists():
        pytest.skip(f"day one runs in a browser: needs Debian's Chromium at {CHROMIUM}")
    if not postgres_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("day one runs on PostgreSQL: no server on 127.0.0.1:5432")
        pytest.skip("day one runs on PostgreSQL: no server on 127.0.0.1:5432")
    server = ProductionServer(port=free_port(), smtp_port=relay.port)
    provider = start_provider(
        tmp_path_factory.mktemp("dayone_provider"),
        redirect_uris=[f"{server.base_url}{CALLBACK}"],
        users=(SSO_PERSON,),
    )
    server.extra_env.update(
        SSO_OIDC_SERVER_URL=provider.url,
        SSO_OIDC_CLIENT_ID=CLIENT_ID,
        SSO_OIDC_CLIENT_SECRET=CLIENT_SECRET,
        SSO_OIDC_NAME="your Harbor County account",
    )
    server.create_database()
    try:
        server.manage("migrate", "--no-input", "-v0", role=server.owner)
        server.manage("collectstatic", "--no-input", "-v0")
        server.start(Path(tmp_path_factory.mktemp("dayone")))
        server.start_worker()
        yield server
    finally:
        server.stop()
        print(f"--- the server's log (the end) ---\n{server.log()}")  # shown when a test fails
        server.drop_database()
        provider.process.terminate()
        provider.process.wait(timeout=10)
