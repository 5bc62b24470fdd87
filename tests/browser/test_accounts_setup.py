"""Day one for accounts, in a real browser with a real SMTP server: the program administrator
creates an account for everyone on the roster, invites the people of one division who have not
signed in (after a preview count), and a new colleague follows the link from the e-mail they
received, chooses a password on a phone and signs in.

Every page is scanned with axe-core and photographed at 1280 px and 360 px (see harness.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect
from pytest_django import Settings

from sidebar.accounts.models import User
from tests.browser.harness import Journey
from tests.browser.test_sign_in import at, enter_code, sign_in, sign_out
from tests.conftest import Mailbox
from tests.factories import CAST_PASSWORD, PersonFactory, UnitFactory, activate_totp, make_cast, totp_code

PHONE_WIDTH = 360
NEW_PASSWORD = "lantern orchard pebble 77"


@dataclass
class Agency:
    admin_secret: str
    mara: str  # a new colleague in the Homicide Unit (inside the Trial Division)
    noor: str  # a new colleague in the Trial Division itself
    olu: str  # a new colleague in Civil, outside the division


@pytest.fixture
def agency(db: None, settings: Settings, base_url: str) -> Agency:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIDEBAR_BASE_URL = base_url  # links in e-mails lead to the live server
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    trial = UnitFactory(name="Trial Division")
    homicide = UnitFactory(name="Homicide Unit", parent=trial)
    mara = PersonFactory(full_name="Mara Lindqvist", work_email="mara.lindqvist@example.gov", unit=homicide)
    noor = PersonFactory(full_name="Noor Haddad", work_email="noor.haddad@example.gov", unit=trial)
    olu = PersonFactory(full_name="Olu Adeyemi", work_email="olu.adeyemi@example.gov", unit=UnitFactory(name="Civil"))
    return Agency(
        admin_secret=activate_totp(cast.program_admin),
        mara=mara.work_email,
        noor=noor.work_email,
        olu=olu.work_email,
    )


def heading(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("heading", level=1)


def fits_phone(page: Page) -> None:
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH}px phone ({width}px wide)"


def test_roster_to_invitation_to_a_first_sign_in(journey: Journey, agency: Agency, smtp_server: Mailbox) -> None:
    page = journey.page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(journey, "admin@example.gov")
    enter_code(journey, totp_code(agency.admin_secret))

    # Accounts for everyone on the roster: a preview count, then one click.
    page.get_by_role("main").get_by_role("link", name="Accounts and roles").click()  # from the home page
    journey.scan()
    expect(heading(page)).to_have_text("Accounts and roles")
    page.get_by_role("link", name="Create accounts from the roster").click()
    journey.scan()
    expect(page.get_by_text("3 active people on the staff roster have no account yet.")).to_be_visible()
    page.get_by_role("button", name="Create 3 accounts").click()
    journey.scan()
    expect(page.get_by_text("3 accounts created. Nobody has been told yet")).to_be_visible()
    for address in (agency.mara, agency.noor, agency.olu):
        account = User.objects.get(email=address)
        assert account.person.work_email == address and not account.has_usable_password()
    assert not smtp_server.deliver()

    # Invitations on a phone: the division (with the unit inside it), only the not-yet-signed-in.
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    expect(heading(page)).to_have_text("Send invitations")
    page.get_by_label("Unit (and the units in it)").select_option(label="Trial Division")
    expect(page.get_by_label("Only people who have never signed in")).to_be_checked()
    page.get_by_role("button", name="Show how many").click()
    journey.scan()
    expect(page.get_by_text("2 invitations", exact=True)).to_be_visible()
    fits_phone(page)
    page.get_by_role("button", name="Send 2 invitations").click()
    journey.scan()
    expect(page.get_by_text("2 invitations sent. Each link works for 3 days.")).to_be_visible()
    expect(heading(page)).to_have_text("Accounts and roles")
    fits_phone(page)

    # The list tells who was invited and who has not been yet.
    mara_entry = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Mara Lindqvist"))
    expect(mara_entry).to_contain_text("Homicide Unit (Trial Division)")
    expect(mara_entry).to_contain_text("not signed in yet")
    olu_entry = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Olu Adeyemi"))
    expect(olu_entry).to_contain_text("not invited yet")

    # One person's account: roles, a single invitation, and deactivation behind a confirmation.
    olu_entry.get_by_role("link", name="Olu Adeyemi").click()
    journey.scan()
    expect(heading(page)).to_have_text("Olu Adeyemi")
    expect(page.get_by_role("button", name="Send an invitation")).to_be_visible()
    fits_phone(page)
    page.get_by_role("link", name="Deactivate…").click()
    journey.scan()
    expect(heading(page)).to_have_text("Deactivate the account of Olu Adeyemi?")
    fits_phone(page)
    page.get_by_role("main").get_by_role("link", name="Cancel").click()
    journey.scan()
    assert User.objects.get(email=agency.olu).is_active

    received = smtp_server.deliver(2)
    assert sorted(message["To"] for message in received) == [agency.mara, agency.noor]
    letter = next(message for message in received if message["To"] == agency.mara)
    body = letter.get_payload(decode=True).decode()
    assert "Lindqvist" not in body and "Haddad" not in body
    link = re.search(r"(https?://\S+/accounts/password/reset/key/\S+)", body)
    assert link, body
    sign_out(journey)

    # Mara, on her phone, follows the link from her e-mail and chooses a password.
    journey.goto(link.group(1))
    expect(heading(page)).to_have_text("Choose your password")
    fits_phone(page)
    page.get_by_label(re.compile(r"^New Password:?$")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^New Password \(again\):?$")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    journey.scan()
    expect(heading(page)).to_have_text("Your password is saved")
    fits_phone(page)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    journey.scan()
    expect(page).to_have_url(at(journey, "/accounts/login/"))

    sign_in(journey, agency.mara, NEW_PASSWORD)
    expect(page).to_have_url(at(journey, "/"))
    expect(heading(page)).to_have_text("Welcome, Mara Lindqvist")

    # The link is spent: opening it again says so, and offers a fresh one.
    sign_out(journey)
    journey.goto(link.group(1))
    expect(heading(page)).to_have_text("This link no longer works")
    expect(page.get_by_role("button", name="E-mail me a fresh link")).to_be_visible()
    fits_phone(page)
