"""In a real browser: a staff member on the roster signs in with the agency account (the test
OpenID Connect provider) and lands on the home page; someone off the roster is told to ask the
program administrator. Every page, the provider's included, is scanned and photographed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from sidebar.accounts.models import User
from tests.browser.harness import Journey
from tests.factories import Cast
from tests.sso.provider import PASSWORD, Provider


def sign_in_with_agency_account(journey: Journey, email: str) -> None:
    page = journey.page
    journey.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with your agency account").click()
    journey.scan()  # the provider's own sign-in page
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency sign-in (test provider)")
    page.get_by_label("Username").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    journey.scan()


def test_staff_member_signs_in_with_the_agency_account(journey: Journey, cast: Cast, sso: Provider) -> None:
    sign_in_with_agency_account(journey, "staff@example.gov")

    expect(journey.page).to_have_url(re.compile("^" + re.escape(journey.url("/")) + "$"))
    expect(journey.page.get_by_role("navigation", name="Main")).to_be_visible()
    journey.page.set_viewport_size({"width": 360, "height": 800})
    journey.scan(same_page=True)


def test_someone_off_the_roster_is_told_to_ask_the_administrator(journey: Journey, cast: Cast, sso: Provider) -> None:
    accounts = User.objects.count()

    sign_in_with_agency_account(journey, "stranger@example.gov")

    expect(journey.page.get_by_role("heading", level=1)).to_have_text("Sidebar could not sign you in")
    expect(journey.page.get_by_text("ask your program administrator")).to_be_visible()
    expect(journey.page.get_by_text("{#")).to_have_count(0)  # a template comment once showed here
    assert User.objects.count() == accounts
