"""Day one in a real agency, as docs/deploy.md's "First set-up" describes it, in production mode
on PostgreSQL: the first administrator is created and sets up two-factor sign-in; the agency is
described; the roster is uploaded with a misspelt unit confirmed; accounts are created and
invitations go out to a real SMTP server; people follow them; a staff member asks for support;
the team leader offers it; a peer accepts, records a contact and closes; and one person signs in
through the agency's OpenID Connect provider.

Each person has their own browser context. Every page is scanned with axe-core and photographed
(test-artifacts/screenshots/day_one-*.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import Journey
from tests.dayone.conftest import Relay
from tests.dayone.server import ProductionServer
from tests.factories import totp_code

ADMIN_EMAIL = "it.admin@harbor-county.example.gov"
ADMIN_PASSWORD = "correct horse battery staple 41"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class Person:
    """Someone at the agency with their own browser (their own cookies) and authenticator."""

    def __init__(self, browser: Browser, server: ProductionServer, name: str, *, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page: Page = self.context.new_page()
        self.journey = Journey(
            page=self.page, base_url=server.base_url, name=f"day_one-{name}", screenshot_dir=SCREENSHOTS
        )
        self.totp_secret: str | None = None
        self.last_code: str | None = None

    def fresh_code(self) -> str:
        """A TOTP code not used before (a code works once: take the next period's if needed)."""
        assert self.totp_secret is not None
        code = totp_code(self.totp_secret)
        if code == self.last_code:
            code = totp_code(self.totp_secret, offset=1)
        self.last_code = code
        return code

    def close(self) -> None:
        unscanned = self.journey.unscanned()
        self.context.close()
        assert not unscanned, f"pages never scanned for accessibility: {unscanned}"


@pytest.fixture
def people(browser: Browser, production: ProductionServer) -> Iterator[dict[str, Person]]:
    opened: dict[str, Person] = {}
    yield opened
    for person in opened.values():
        person.close()


def phrase(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text), re.IGNORECASE)


def sign_in(person: Person, email: str, password: str) -> None:
    page = person.page
    person.journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=phrase("Sign in")).click()
    person.journey.scan()


def set_up_authenticator(person: Person, password: str) -> None:
    """The compulsory two-factor set-up of a privileged account, on its first sign-in."""
    page = person.page
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name=phrase("Confirm")).click()
        person.journey.scan()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    person.totp_secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(person.fresh_code())
    page.get_by_role("button", name=phrase("Activate")).click()
    person.journey.scan()
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))


def test_day_one(production: ProductionServer, relay: Relay, browser: Browser, people: dict[str, Person]) -> None:
    # 1. The first program administrator, created on the server (docs/deploy.md, First set-up 1).
    production.manage(
        "createsuperuser",
        "--no-input",
        env={"DJANGO_SUPERUSER_EMAIL": ADMIN_EMAIL, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
    )

    # 2. They sign in and must set up two-factor sign-in before anything else opens.
    admin = people["admin"] = Person(browser, production, "admin")
    sign_in(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    set_up_authenticator(admin, ADMIN_PASSWORD)
    admin.journey.goto("/")
    expect(admin.page.get_by_role("heading", level=1)).to_be_visible()
