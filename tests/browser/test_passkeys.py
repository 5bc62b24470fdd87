"""Passkeys for staff, in a real browser (ASVS V6.3.3, issue 17): a staff member who signed in with
a password is offered a passkey on the home page, adds one with the device's authenticator
(Chromium's virtual authenticator, through the DevTools protocol: WebAuthn.enable and
WebAuthn.addVirtualAuthenticator, with user verification as a screen lock would give), signs out,
and signs in again with the passkey alone — no password typed."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from sidebar.accounts.models import User
from tests.browser.harness import Journey
from tests.browser.test_sign_in import (
    LOGIN,
    at,
    confirm_password_if_asked,
    expect_home,
    people,  # noqa: F401 (a fixture)
    phrase,
    sign_in,
    sign_out,
)
from tests.factories import Cast


def add_virtual_authenticator(journey: Journey) -> dict[str, object]:
    """A platform authenticator (like a laptop's fingerprint reader) that keeps passkeys and
    verifies the user at every use."""
    cdp = journey.page.context.new_cdp_session(journey.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return {"cdp": cdp}


def test_staff_member_adds_a_passkey_when_offered_and_signs_in_with_it_alone(journey: Journey, people: Cast) -> None:  # noqa: F811
    page = journey.page
    add_virtual_authenticator(journey)
    sign_in(journey, "staff@example.gov")
    expect_home(page, journey, "Welcome, Staff")

    offer = page.get_by_role("region", name="Sign in with a passkey next time (optional)")
    expect(offer).to_be_visible()
    offer.get_by_role("link", name="Add a passkey").click()
    journey.scan()
    confirm_password_if_asked(journey)

    page.get_by_label("Name").fill("Work laptop")
    passwordless = page.get_by_label("Passwordless")
    if passwordless.count():
        passwordless.check()
    page.get_by_role("button", name=phrase("Add")).click()
    journey.scan()
    staff = User.objects.get(email="staff@example.gov")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.WEBAUTHN).count() == 1
    if "/recovery-codes/" in page.url:  # allauth shows the recovery codes made with a first factor
        journey.goto("/")
    journey.goto("/")
    expect(page.get_by_role("region", name="Sign in with a passkey next time (optional)")).to_have_count(0)

    sign_out(journey)
    expect(page).to_have_url(at(journey, LOGIN))
    page.get_by_role("button", name=phrase("Sign in with a passkey")).click()
    journey.scan()
    expect_home(page, journey, "Welcome, Staff")
    expect(page.get_by_role("region", name="Sign in with a passkey next time (optional)")).to_have_count(0)
