"""Signing in and out, in a real browser: staff, privileged roles with two-factor sign-in, the
admin behind the same door, wrong passwords, a phone-sized screen, the public crisis page.

Every page a journey lands on is scanned with axe-core and photographed (see harness.py).
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect
from pytest_django import Settings

from tests.browser.harness import Journey
from tests.browser.navigation import nav_link
from tests.factories import CAST_PASSWORD, Cast, activate_totp, make_cast, totp_code

LOGIN = "/accounts/login/"
ACTIVATE_TOTP = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
REAUTHENTICATE = "/accounts/reauthenticate/"


def phrase(text: str) -> re.Pattern[str]:
    """An accessible name matched whole but in any letter case (allauth says "Sign In", ours
    "Sign in")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$", re.IGNORECASE)


@pytest.fixture
def people(db: None, settings: Settings) -> Cast:
    """The cast, with passwords (the shared ``cast`` fixture has none: views force a login)."""
    # Argon2 costs ~0.3 s a password and the cast has seven; hashing is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate limits and used TOTP codes live in the database cache, which outlives each test's
    # flush: start every journey with none left over from earlier tests.
    cache.clear()
    return make_cast(password=CAST_PASSWORD)


def at(journey: Journey, path: str) -> re.Pattern[str]:
    """Matches the live server's URL for ``path``, with or without a query string."""
    return re.compile("^" + re.escape(journey.url(path)) + r"(\?.*)?$")


def sign_in(journey: Journey, email: str, password: str = CAST_PASSWORD) -> None:
    page = journey.page
    journey.goto(LOGIN)
    expect(page.get_by_role("heading", level=1)).to_have_text(phrase("sign in"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=phrase("Sign in")).click()
    journey.scan()


def enter_code(journey: Journey, code: str) -> None:
    page = journey.page
    expect(page).to_have_url(at(journey, AUTHENTICATE))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name=phrase("Sign in")).click()
    journey.scan()


def confirm_password_if_asked(journey: Journey, password: str = CAST_PASSWORD) -> None:
    """allauth guards two-factor set-up with a fresh password check (MFA_REAUTHENTICATION_REQUIRED),
    and a sign-in a moment ago does not count as one: it may ask for the password again."""
    page = journey.page
    if not at(journey, REAUTHENTICATE).match(page.url):
        return
    expect(page.get_by_role("heading", level=1)).to_have_text(phrase("confirm access"))
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=phrase("Confirm")).click()
    journey.scan()


def sign_out(journey: Journey) -> None:
    page = journey.page
    # one click on a shared office PC: the navigation's button signs out at once (a POST)
    page.get_by_role("navigation", name="Main").get_by_role("button", name=phrase("Sign out")).click()
    journey.scan()
    expect(page).to_have_url(at(journey, LOGIN))
    expect(page.get_by_role("button", name=phrase("Sign out"))).to_have_count(0)


def expect_home(page: Page, journey: Journey, greeting: str) -> None:
    expect(page).to_have_url(at(journey, "/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(greeting)


def scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_staff_member_signs_in_sees_home_and_signs_out(journey: Journey, people: Cast) -> None:
    page = journey.page
    sign_in(journey, "staff@example.gov")

    expect_home(page, journey, "Welcome, Staff")
    crisis = page.get_by_text("In crisis right now?")
    expect(crisis).to_be_visible()
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(page.get_by_role("banner").get_by_role("link", name="Need to talk?")).to_be_visible()
    expect(page.get_by_text("Agency set-up")).to_have_count(0)

    sign_out(journey)
    journey.goto("/")  # the home page is closed again
    expect(page).to_have_url(at(journey, LOGIN))


def test_privileged_user_must_set_up_totp_then_is_asked_for_a_code(journey: Journey, people: Cast) -> None:
    page = journey.page
    sign_in(journey, "leader@example.gov")
    confirm_password_if_asked(journey)
    expect(page).to_have_url(at(journey, ACTIVATE_TOTP))

    # Nothing else opens until an authenticator app is set up: not home, not the admin.
    for path in ("/", "/admin/"):
        journey.goto(path)
        expect(page).to_have_url(at(journey, ACTIVATE_TOTP))

    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    first_code = totp_code(secret)
    page.get_by_label("Authenticator code").fill(first_code)
    page.get_by_role("button", name=phrase("Activate")).click()
    journey.scan()
    expect(page).not_to_have_url(at(journey, ACTIVATE_TOTP))  # allauth shows the recovery codes

    page.get_by_role("link", name="Home", exact=True).click()
    journey.scan()
    expect_home(page, journey, "Welcome, Leader")

    sign_out(journey)
    sign_in(journey, "leader@example.gov")
    # A code is used once: take the next period's (within tolerance) if the clock has not moved.
    code = totp_code(secret)
    enter_code(journey, code if code != first_code else totp_code(secret, offset=1))
    expect_home(page, journey, "Welcome, Leader")


def test_program_admin_signs_in_with_totp_and_opens_the_admin_inside_the_same_login(
    journey: Journey, people: Cast
) -> None:
    page = journey.page
    secret = activate_totp(people.program_admin)
    sign_in(journey, "admin@example.gov")
    enter_code(journey, totp_code(secret))

    expect_home(page, journey, "Welcome, Admin")
    expect(page.get_by_role("heading", name="Agency set-up")).to_be_visible()
    expect(nav_link(page, "Agency set-up")).to_be_visible()

    # Django's admin, for repairs, opens inside the same sign-in (no second, admin-only login).
    page.get_by_role("link", name=re.compile(r"^Repairs \(Django's admin\)")).click()
    journey.scan()
    expect(page).to_have_url(at(journey, "/admin/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency set-up")
    expect(page.get_by_label("Password")).to_have_count(0)


def test_staff_member_opening_the_admin_gets_the_403_page(journey: Journey, people: Cast) -> None:
    page = journey.page
    sign_in(journey, "staff@example.gov")
    expect_home(page, journey, "Welcome, Staff")

    response = journey.goto("/admin/")
    assert response is not None
    assert response.status == 403
    expect(page).to_have_url(at(journey, "/admin/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This page is not part of your role")
    expect(page.get_by_label("Password")).to_have_count(0)


def test_wrong_password_keeps_the_email_and_does_not_reveal_whether_the_account_exists(
    journey: Journey, people: Cast
) -> None:
    page = journey.page
    messages = []
    for email in ("staff@example.gov", "nobody@example.gov"):
        sign_in(journey, email, password="not the password at all")
        expect(page).to_have_url(at(journey, LOGIN))
        error = page.locator(".errorlist")
        expect(error).to_be_visible()
        messages.append(error.inner_text().strip())
        expect(page.get_by_label("Email")).to_have_value(email)
        expect(page.get_by_label("Password")).to_have_value("")
    assert messages[0] == messages[1]
    assert "not correct" in messages[0]


def test_login_home_and_crisis_page_fit_a_360px_phone(journey: Journey, people: Cast) -> None:
    page = journey.page
    page.set_viewport_size({"width": 360, "height": 740})

    journey.goto(LOGIN)
    assert scroll_width(page) <= 360
    journey.goto("/need-to-talk/")
    assert scroll_width(page) <= 360

    sign_in(journey, "staff@example.gov")
    expect_home(page, journey, "Welcome, Staff")
    assert scroll_width(page) <= 360


def test_need_to_talk_page_opens_without_signing_in(journey: Journey, people: Cast) -> None:
    page = journey.page
    response = journey.goto("/need-to-talk/")
    assert response is not None
    assert response.status == 200
    expect(page).to_have_url(at(journey, "/need-to-talk/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Need to talk?")
    danger = page.get_by_role("region", name="If you are in danger or thinking of harming yourself")
    expect(danger.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(page.get_by_role("button", name=phrase("Sign out"))).to_have_count(0)
