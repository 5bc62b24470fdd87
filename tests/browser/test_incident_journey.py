"""A critical incident in real browsers: the team leader records a threat against the courtroom
staff and marks one peer as a witness; everyone in the unit gets an offer of support by e-mail
that names no one; the board proposes peers (never the witness) and offers them in one go; a
debriefing is scheduled and its calendar file parses; the peer who accepts finds the incident's
check-ins proposed on their home page.

Every page is scanned with axe-core and photographed (harness.py)."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect
from pytest_django import Settings

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.incidents.models import Incident
from sidebar.org.selectors import current_agency
from sidebar.support.models import Assignment
from sidebar.team.models import PeerProfile
from tests.browser.harness import Journey
from tests.browser.test_support_journey import body_of, follow_nav, heading, other_journey, sign_in_with_code
from tests.conftest import Mailbox
from tests.factories import CAST_PASSWORD, UnitFactory, activate_totp, make_account, make_cast, make_peer

__all__ = ["other_journey"]  # a fixture, used by name

UNIT_MEMBERS = ("dana.marsh@example.gov", "eli.okoro@example.gov", "ivy.lund@example.gov")
NAMES = ("Dana Marsh", "Eli Okoro", "Ivy Lund", "Wes Abara", "Fay Quint", "Gus Pell")


@dataclass
class Office:
    team_leader: User
    leader_secret: str
    witness: PeerProfile
    helper: PeerProfile
    helper_secret: str
    second: PeerProfile


@pytest.fixture
def office(db: None, settings: Settings) -> Office:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    cast = make_cast(password=CAST_PASSWORD)
    courts, appeals = UnitFactory(name="Courtroom staff"), UnitFactory(name="Appeals")
    for email in UNIT_MEMBERS:
        make_account(email, unit=courts)
    witness = make_peer(make_account("wes.abara@example.gov", Role.PEER, unit=appeals))
    helper_user = make_account("fay.quint@example.gov", Role.PEER, password=CAST_PASSWORD, unit=appeals)
    helper = make_peer(helper_user, on_call=True, capacity=5)
    second = make_peer(make_account("gus.pell@example.gov", Role.PEER, unit=appeals), capacity=5)
    return Office(
        team_leader=cast.team_leader,
        leader_secret=activate_totp(cast.team_leader),
        witness=witness,
        helper=helper,
        helper_secret=activate_totp(helper_user),
        second=second,
    )


def test_team_leader_activates_the_team_after_a_threat_and_the_follow_up_reaches_the_peers(
    journey: Journey, office: Office, smtp_server: Mailbox, other_journey
) -> None:
    page = journey.page
    sign_in_with_code(journey, "leader@example.gov", office.leader_secret)
    follow_nav(journey, "Critical incidents")
    expect(heading(page)).to_have_text("Critical incidents")
    page.get_by_role("link", name="Record an incident").click()
    journey.scan()

    page.get_by_label("Threat or assault on staff").check()
    page.get_by_label("Courtroom staff").check()
    page.get_by_label("Wes Abara, Appeals").check()
    page.get_by_role("button", name="Check whom this reaches").click()
    journey.scan()
    expect(page.get_by_role("region", name="Check before you reach out")).to_contain_text("3 people")
    assert smtp_server.deliver() == []  # nothing sent before the team leader confirms
    expect(page.get_by_label("Wes Abara, Appeals")).to_be_checked()  # what was chosen is kept
    page.get_by_role("button", name="Record and offer support to 3 people").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("3 people were offered support by e-mail.")
    expect(heading(page)).to_contain_text("Threat or assault on staff")
    expect(page.get_by_role("region", name="Peer supporters standing aside")).to_contain_text(
        "Wes Abara — witness or party"
    )

    # Every member of the unit has an offer; none names anyone else or what happened.
    assert sorted(message["To"] for message in smtp_server.deliver(len(UNIT_MEMBERS))) == sorted(UNIT_MEMBERS)
    for message in smtp_server.messages:
        text = f"{message['Subject']}\n{body_of(message)}"
        assert "988" in text
        assert not any(part.lower() in text.lower() for name in NAMES for part in name.split())
        assert "threat" not in text.lower()

    # The board: three people by number; the witness is never among the choices.
    page.get_by_role("link", name="Open the board: assign peers").click()
    journey.scan()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(4)  # a header and three people
    for number in (1, 2, 3):
        choice = page.get_by_label(f"Peer supporter for person {number}")
        expect(choice.locator("option", has_text="Wes Abara")).to_have_count(0)
    first = page.get_by_label("Peer supporter for person 1")
    expect(first.locator("option:checked")).to_have_text("Fay Quint, Appeals (on call)")  # on call first; with the unit
    page.get_by_role("button", name="Offer the chosen peers").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("Offered 3.")
    offered = Assignment.objects.filter(request__incident__isnull=False)
    assert offered.count() == 3 and not offered.filter(peer=office.witness).exists()

    # A group debriefing, proposed 24–72 hours out, with a calendar file that parses.
    page.get_by_role("link", name="Back to the incident").click()
    journey.scan()
    page.get_by_role("link", name="Schedule a group debriefing").click()
    journey.scan()
    expect(page.get_by_label("Group debriefing / group crisis intervention")).to_be_checked()
    proposed = datetime.datetime.fromisoformat(page.get_by_label("Starts").input_value())
    assert proposed.date() > timezone.localdate()
    expect(page.locator("label", has_text="Wes Abara")).to_have_count(0)  # a witness does not facilitate
    page.get_by_label("Place or video link").fill("Jury assembly room, 2nd floor")
    page.get_by_label("Gus Pell, Appeals").check()
    page.get_by_role("button", name="Schedule and send the invitations").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("The invitations are on their way")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the calendar file (.ics)").click()
    ics = download_info.value.path().read_bytes()
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event.get("location")) == "Jury assembly room, 2nd floor"
    agency_time = zoneinfo.ZoneInfo(current_agency().timezone)  # the form speaks the agency's local time
    assert event.decoded("dtstart").astimezone(agency_time).replace(tzinfo=None) == proposed
    invitations = [m for m in smtp_server.deliver() if m["Subject"] == "An invitation from your peer support team"]
    assert {m["To"] for m in invitations} >= set(UNIT_MEMBERS) | {"gus.pell@example.gov"}

    # The on-call peer accepts; the incident's check-ins are proposed on their home page.
    peer = other_journey("peer")
    sign_in_with_code(peer, "fay.quint@example.gov", office.helper_secret)
    expect(peer.page.get_by_role("region", name="Requests with me")).to_contain_text("Outreach after an incident")
    peer.page.get_by_role("link", name=re.compile("^Outreach after an incident")).first.click()
    peer.scan()
    expect(peer.page.get_by_text("the person did not ask")).to_be_visible()
    peer.page.get_by_role("button", name="Accept").click()
    peer.scan()
    follow_nav(peer, "Home")
    incident = Incident.objects.get()
    checks = peer.page.get_by_role("region", name="Check-ins due")
    expect(checks).to_contain_text("Planned")
    week_after = incident.occurred_on + datetime.timedelta(days=7)
    expect(checks).to_contain_text(f"{week_after:%A} {week_after.day} {week_after:%B}")
