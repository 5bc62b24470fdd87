"""The team in a real browser: a staff member on a phone finds a Spanish-speaking peer in the
directory and asks for them; the team leader removes a peer on the roster and the peer is gone
from the directory at once.

Every page each person lands on is scanned with axe-core and photographed (see harness.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from playwright.sync_api import Locator, Page, expect
from pytest_django import Settings

from sidebar.accounts.models import User
from sidebar.support.models import SupportRequest
from sidebar.team.models import PeerProfile
from tests.browser.harness import Journey
from tests.browser.navigation import nav_link
from tests.browser.test_sign_in import at, enter_code, sign_in
from tests.factories import CAST_PASSWORD, UnitFactory, activate_totp, make_account, make_cast, make_peer, totp_code

PHONE_WIDTH = 360
REQUESTED_PEER = re.compile(r"^A peer supporter you would like to talk to")


@dataclass
class Team:
    staff: User
    team_leader: User
    leader_secret: str
    ana: PeerProfile  # speaks Spanish
    ben: PeerProfile  # speaks Vietnamese and Spanish, a supervisory peer
    cy: PeerProfile


@pytest.fixture
def team(db: None, settings: Settings) -> Team:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    trial, appeals = UnitFactory(name="Felony Trials"), UnitFactory(name="Appeals")
    return Team(
        staff=cast.staff,
        team_leader=cast.team_leader,
        leader_secret=activate_totp(cast.team_leader),
        ana=make_peer(
            make_account("ana.ortiz@example.gov", unit=trial),
            languages=["es"],
            introduction="Twelve years in felony trials; I know what a long verdict week does to you.",
        ),
        ben=make_peer(make_account("ben.tran@example.gov", unit=appeals), languages=["vi", "es"], level="supervisory"),
        cy=make_peer(make_account("cy.walker@example.gov", unit=appeals)),
    )


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def entry(page: Page, name: str) -> Locator:
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=name, exact=True))


def entry_names(page: Page) -> list[str]:
    return [name.strip() for name in page.locator(".peer-entry h2").all_inner_texts()]


def follow_nav(journey: Journey, label: str) -> None:
    nav_link(journey.page, label).click()
    journey.scan()


def fits_phone(page: Page) -> None:
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH}px phone ({width}px wide)"


def test_staff_member_on_a_phone_filters_the_directory_and_asks_a_chosen_peer(journey: Journey, team: Team) -> None:
    page = journey.page
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    sign_in(journey, "staff@example.gov")
    follow_nav(journey, "Find a peer supporter")
    expect(heading(page)).to_have_text("Peer directory")
    assert entry_names(page) == ["Ana Ortiz", "Ben Tran", "Cy Walker"]
    expect(entry(page, "Ben Tran")).to_contain_text("Supervisory peer · Appeals")
    expect(entry(page, "Ana Ortiz")).to_contain_text("Available now")
    fits_phone(page)

    page.get_by_label("Speaks").select_option(label="Spanish")
    page.get_by_role("button", name="Show").click()
    journey.scan()
    expect(page).to_have_url(at(journey, "/team/directory/"))
    assert entry_names(page) == ["Ana Ortiz", "Ben Tran"]
    expect(page.get_by_label("Speaks")).to_have_value("es")  # the filter stays chosen
    expect(page.get_by_text("2 peer supporters match the filters.")).to_be_visible()
    ana = entry(page, "Ana Ortiz")
    expect(ana).to_contain_text("Twelve years in felony trials")
    expect(ana).to_contain_text("Speaks: English, Spanish")
    fits_phone(page)

    ana.get_by_role("link", name=re.compile(r"^Ask this peer\W+Ana Ortiz$")).click()
    journey.scan()
    expect(page).to_have_url(at(journey, "/support/ask/"))
    expect(heading(page)).to_have_text("Ask for support")
    chosen = page.get_by_label(REQUESTED_PEER)
    expect(chosen).to_have_value(str(team.ana.pk))
    expect(chosen.locator("option:checked")).to_have_text("Ana Ortiz, Felony Trials")
    expect(page.get_by_role("link", name="Read about the peer supporters in the directory")).to_be_visible()
    fits_phone(page)

    # Sending it names Ana as the peer the person asked for.
    page.get_by_label("I have read how confidentiality works and its limits").check()
    page.get_by_role("button", name="Send my request").click()
    journey.scan()
    expect(heading(page)).to_have_text("Received")
    assert SupportRequest.objects.get().requested_peer_id == team.ana.pk


def test_team_leader_removes_a_peer_on_the_roster_and_the_peer_leaves_the_directory(
    journey: Journey, team: Team
) -> None:
    page = journey.page
    sign_in(journey, "leader@example.gov")
    enter_code(journey, totp_code(team.leader_secret))
    follow_nav(journey, "Find a peer supporter")
    assert entry_names(page) == ["Ana Ortiz", "Ben Tran", "Cy Walker"]

    follow_nav(journey, "Team roster")
    expect(heading(page)).to_have_text("Team roster")
    roster = page.get_by_role("table")
    expect(roster.get_by_role("caption")).to_have_text("3 peer supporters and candidates")
    expect(roster.get_by_role("row", name=re.compile(r"^Ben Tran"))).to_contain_text("Active")
    roster.get_by_role("link", name="Ben Tran").click()
    journey.scan()
    expect(heading(page)).to_have_text("Ben Tran")

    page.get_by_label("New status").select_option(label="Removed")
    page.get_by_label("Reason for a removal").select_option(label="Change of job or role")
    page.get_by_role("button", name="Change the status").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("Status changed to removed.")
    expect(page.get_by_role("region", name="Status")).to_contain_text(
        "active → removed (change of job or role), by Leader"
    )
    expect(page.get_by_role("button", name="Change the status")).to_have_count(0)

    follow_nav(journey, "Find a peer supporter")
    assert entry_names(page) == ["Ana Ortiz", "Cy Walker"]
    expect(page.get_by_text("Ben Tran")).to_have_count(0)

    follow_nav(journey, "Team roster")
    expect(page.get_by_role("table").get_by_role("row", name=re.compile(r"^Ben Tran"))).to_contain_text("Removed")
