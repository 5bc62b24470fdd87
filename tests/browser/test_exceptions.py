"""A confidentiality exception, walked in a real browser: the peer raises it, the clinical advisor
advises, the team leader decides and records the disclosure and reads the sealed note; the program
administrator and leadership are turned away from every page of it.

Every page a journey lands on is scanned with axe-core and photographed (see harness.py).
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django import Settings

from sidebar.safeguards.models import ConfidentialityException
from sidebar.support import services as support
from sidebar.support.models import SupportRequest
from tests.browser.harness import Journey
from tests.browser.navigation import nav_link
from tests.factories import CAST_PASSWORD, Cast, activate_totp, ask_as, make_cast, make_peer, totp_code

LOGIN = "/accounts/login/"
NOTE = "Crisis team informed by phone at 14:10."


def phrase(text: str) -> re.Pattern[str]:
    """An accessible name matched whole but in any letter case (allauth says "Sign In")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$", re.IGNORECASE)


def at(journey: Journey, path: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(journey.url(path)) + r"(\?.*)?$")


@pytest.fixture
def people(db: None, settings: Settings) -> Cast:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    return make_cast(password=CAST_PASSWORD)


@pytest.fixture
def secrets(people: Cast) -> dict[str, str]:
    """Every privileged account of the cast has an authenticator app; its secret by e-mail."""
    users = (people.peer, people.team_leader, people.clinical_advisor, people.program_admin, people.leadership)
    return {user.email: activate_totp(user) for user in users}


@pytest.fixture
def case(people: Cast) -> SupportRequest:
    """The staff member asked for support; the team leader offered it to the peer, who accepted."""
    support_request = ask_as(people.staff)
    assignment = support.assign(support_request=support_request, peer=make_peer(people.peer), by=people.team_leader)
    support.accept(assignment=assignment, by=people.peer)
    return support_request


def sign_in(journey: Journey, email: str, secret: str) -> None:
    page = journey.page
    journey.goto(LOGIN)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(CAST_PASSWORD)
    page.get_by_role("button", name=phrase("Sign in")).click()
    journey.scan()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name=phrase("Sign in")).click()
    journey.scan()
    expect(page).to_have_url(at(journey, "/"))


def sign_out(journey: Journey) -> None:
    journey.page.get_by_role("navigation", name="Main").get_by_role("button", name=phrase("Sign out")).click()
    journey.scan()
    expect(journey.page).to_have_url(at(journey, LOGIN))


def exception_pages(exception: ConfidentialityException, support_request: SupportRequest) -> list[str]:
    return [
        reverse("safeguards:exceptions"),
        reverse("safeguards:raise", kwargs={"request_id": support_request.pk}),
        *(
            reverse(f"safeguards:{name}", kwargs={"pk": exception.pk})
            for name in ("exception", "advise", "decide", "disclose", "note")
        ),
    ]


def test_peer_raises_advisor_advises_leader_discloses_and_admin_and_leadership_are_turned_away(
    journey: Journey, people: Cast, secrets: dict[str, str], case: SupportRequest
) -> None:
    page = journey.page

    # The peer raises the exception on the request they accepted, and then sees its status only.
    sign_in(journey, people.peer.email, secrets[people.peer.email])
    journey.goto(reverse("safeguards:raise", kwargs={"request_id": case.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a confidentiality exception")
    # issue 16, section 4: a subpoena alone is no longer an exception (the agency's own policy, by default)
    expect(page.get_by_text("A subpoena alone is not a statute: it goes to counsel.")).to_be_visible()
    page.get_by_label("Danger to others").check()
    page.get_by_role("button", name="Raise the exception").click()
    journey.scan()
    exception = ConfidentialityException.objects.get()
    expect(page).to_have_url(at(journey, reverse("safeguards:exception", kwargs={"pk": exception.pk})))
    expect(page.get_by_role("heading", level=1)).to_have_text("Exception you raised")
    expect(page.get_by_text("Open: waiting for the clinical advisor")).to_be_visible()
    expect(page.get_by_text("Danger to others")).to_have_count(0)
    sign_out(journey)

    # The clinical advisor finds it in the list and advises.
    sign_in(journey, people.clinical_advisor.email, secrets[people.clinical_advisor.email])
    nav_link(page, "Exceptions").click()
    journey.scan()
    table = page.get_by_role("table")
    expect(table.get_by_role("cell", name="Danger to others")).to_be_visible()
    table.get_by_role("link").first.click()
    journey.scan()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confidentiality exception")
    page.get_by_label("Disclosure is warranted").check()
    page.get_by_role("button", name="Record the advice").click()
    journey.scan()
    expect(page.get_by_text("Your advice is recorded.")).to_be_visible()
    expect(page.get_by_text("Advised: waiting for the decision")).to_be_visible()
    sign_out(journey)

    # The team leader decides to disclose, records the disclosure, and reads the sealed note.
    sign_in(journey, people.team_leader.email, secrets[people.team_leader.email])
    journey.goto(reverse("safeguards:exception", kwargs={"pk": exception.pk}))
    page.get_by_label("Disclose", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    journey.scan()
    page.get_by_role("link", name="Record the disclosure").click()
    journey.scan()
    page.get_by_label("Disclosed to").select_option("emergency_services")
    page.get_by_label("Date of the disclosure").fill(timezone.localdate().isoformat())
    page.get_by_label("Basis").select_option("duty_to_warn")
    page.get_by_label("Yes, the person was told").check()
    page.get_by_label("Note (optional)").fill(NOTE)
    page.get_by_role("button", name="Record the disclosure").click()
    journey.scan()
    expect(page.get_by_text("The disclosure is recorded.")).to_be_visible()
    expect(page.get_by_text("Emergency medical or crisis services")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)
    page.get_by_role("link", name="Read the sealed note").click()
    journey.scan()
    expect(page.get_by_text(NOTE)).to_be_visible()
    sign_out(journey)

    # The program administrator and leadership reach none of it, with real ids.
    for user in (people.program_admin, people.leadership):
        sign_in(journey, user.email, secrets[user.email])
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Exceptions")).to_have_count(0)
        for path in exception_pages(exception, case):
            response = journey.goto(path)
            assert response is not None
            assert response.status in (403, 404), (user.email, path, response.status)
            expect(page.get_by_text("Danger to others")).to_have_count(0)
            expect(page.get_by_text(NOTE)).to_have_count(0)
        sign_out(journey)


def test_leader_publishes_a_new_agreement_version_and_the_peer_signs_it_again(
    journey: Journey, people: Cast, secrets: dict[str, str]
) -> None:
    """The policy pages live next to the exceptions; their journey is scanned here too."""
    page = journey.page
    make_peer(people.peer)  # signed version 1 of the agreement

    sign_in(journey, people.team_leader.email, secrets[people.team_leader.email])
    nav_link(page, "Policies").click()
    journey.scan()
    page.get_by_role("link", name="Publish a new version of the team confidentiality agreement").click()
    journey.scan()
    page.get_by_label("Text").fill("")
    page.get_by_role("button", name="Publish").click()
    journey.scan()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Team confidentiality agreement")
    page.get_by_label("Text").fill("I keep what I hear in confidence.\n\nI take no notes.")
    page.get_by_role("button", name="Publish").click()
    journey.scan()
    expect(page.get_by_text("Version 2 is published.")).to_be_visible()
    expect(page.get_by_text("I take no notes.")).to_be_visible()
    sign_out(journey)

    sign_in(journey, people.peer.email, secrets[people.peer.email])
    journey.goto(reverse("safeguards:documents"))
    expect(page.get_by_role("heading", name="Your signature is needed")).to_be_visible()
    page.get_by_role("link", name="Read and sign the agreement").click()
    journey.scan()
    page.get_by_role("button", name="I have read and sign this agreement").click()
    journey.scan()
    expect(page.get_by_text("You signed version 2")).to_be_visible()
    journey.goto(reverse("safeguards:documents"))
    expect(page.get_by_role("heading", name="Your signature is needed")).to_have_count(0)
