"""The administrator picks the law the agency works under, and the notice before asking changes
(issue 16, section 4): in a real browser, the settings page's preview, the public anonymous
form and the "Need to talk?" page all word the limits of confidentiality from the chosen statute
template, and a peer is offered only that template's exceptions.

Every page is scanned with axe-core and photographed (see harness.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect
from pytest_django import Settings

from sidebar.org.models import Agency
from sidebar.support import services as support
from sidebar.support.models import SupportRequest
from tests.browser.harness import Journey
from tests.browser.test_sign_in import enter_code, sign_in
from tests.factories import CAST_PASSWORD, Cast, activate_totp, ask_as, make_cast, make_peer, totp_code

POLICY_LIMIT = "This limit comes from the agency's own policy, not from a law"
CALIFORNIA_LAW = "These limits follow California Government Code section 8669.4."
NO_PRIVILEGE = "juvenile delinquency case: there the law gives these conversations no privilege"


@pytest.fixture
def people(db: None, settings: Settings) -> tuple[Cast, dict[str, str]]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    return cast, {user.email: activate_totp(user) for user in (cast.program_admin, cast.peer)}


@pytest.fixture
def case(people: tuple[Cast, dict[str, str]]) -> SupportRequest:
    cast, _ = people
    support_request = ask_as(cast.staff)
    assignment = support.assign(support_request=support_request, peer=make_peer(cast.peer), by=cast.team_leader)
    support.accept(assignment=assignment, by=cast.peer)
    return support_request


def sign_out(journey: Journey) -> None:
    journey.page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    journey.scan()


def test_administrator_picks_california_and_the_notice_before_asking_changes(
    journey: Journey, people: tuple[Cast, dict[str, str]], case: SupportRequest
) -> None:
    cast, secrets = people
    page = journey.page

    # Before: the anonymous form states the agency's own policy, serious violations included.
    journey.goto(reverse("tickets:new"))
    notice = page.get_by_role("region", name="How confidentiality works")
    expect(notice).to_contain_text(POLICY_LIMIT)
    expect(notice).to_contain_text("agency management or human resources")
    expect(notice).not_to_contain_text(CALIFORNIA_LAW)

    # The program administrator reads the preview, picks California and saves.
    sign_in(journey, cast.program_admin.email)
    enter_code(journey, totp_code(secrets[cast.program_admin.email]))
    journey.goto(reverse("setup:agency"))
    preview = page.get_by_role("region", name="The limits of confidentiality, as people read them before asking")
    expect(preview).to_contain_text(POLICY_LIMIT)
    page.get_by_label("Exceptions to confidentiality").select_option(label="California: Gov. Code 8669.4")
    page.get_by_role("button", name="Save the settings").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("Settings saved: 1 changed.")
    expect(page.get_by_label("Exceptions to confidentiality")).to_have_value(Agency.ExceptionTemplate.CALIFORNIA)
    expect(preview).to_contain_text(CALIFORNIA_LAW)
    expect(preview).not_to_contain_text(POLICY_LIMIT)
    sign_out(journey)

    # After: the public pages word the limits from California's statute.
    for path in (reverse("tickets:new"), reverse("need_to_talk")):
        journey.goto(path)
        body = page.locator("main")
        expect(body).to_contain_text(CALIFORNIA_LAW)
        expect(body).to_contain_text(NO_PRIVILEGE)
        expect(body).to_contain_text("you expressly agree in writing")
        expect(body).not_to_contain_text("serious violation")

    # And the peer is offered California's exceptions only, each with its statutory test.
    sign_in(journey, cast.peer.email)
    enter_code(journey, totp_code(secrets[cast.peer.email]))
    journey.goto(reverse("safeguards:raise", kwargs={"request_id": case.pk}))
    choices = page.get_by_role("group", name="Which exception applies?")
    expect(choices.get_by_label("Disclosure needed to prevent a crime")).to_be_visible()
    expect(choices).to_contain_text("Cal. Gov. Code 8669.4(b)(3)")
    expect(choices.get_by_label("Serious violation of agency policy")).to_have_count(0)
    expect(choices.get_by_label("Admission of criminal conduct")).to_have_count(0)
