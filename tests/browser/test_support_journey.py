"""The whole support path in real browsers, three people at once: a staff member asks for support
on a phone, the team leader offers the request to a suggested peer, the peer accepts, records a
contact and plans a check-in, the reminder e-mail reaches a real SMTP server without saying who or
why, the peer marks the check-in done and closes the request.

Each person has their own browser context (their own cookies), so the three sessions never mix.
Every page each of them lands on is scanned with axe-core and photographed (see harness.py):
test-artifacts/screenshots/<test-name>[-leader|-peer]-<n>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django import Settings

from sidebar.accounts.models import User
from sidebar.support import services
from tests.browser.harness import Journey, journey_name
from tests.browser.navigation import nav_link
from tests.browser.test_sign_in import at, enter_code, sign_in
from tests.conftest import Mailbox
from tests.factories import CAST_PASSWORD, activate_totp, make_cast, make_peer, totp_code

PHONE_WIDTH = 360

# Distinctive words, so that "not in the e-mail" means something (the cast's names are one word).
STAFF_NAME = "Dana Whitfield"
PEER_NAME = "Riley Okafor"
STAFF_PHONE = "555-0199"
TOPIC_LABEL = "Grief or loss"
TOPIC_CODE = "grief"


@dataclass
class Team:
    staff: User
    peer: User
    team_leader: User
    leader_secret: str
    peer_secret: str


@pytest.fixture
def team(db: None, settings: Settings) -> Team:
    """The cast with passwords; the team leader and the peer have an authenticator app; the peer
    is active, trained, has signed the agreement and is prepared for the topic asked about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    for user, name in ((cast.staff, STAFF_NAME), (cast.peer, PEER_NAME)):
        user.person.full_name = name
        user.person.save(update_fields=["full_name"])
    make_peer(cast.peer, skills=[TOPIC_CODE])
    return Team(
        staff=cast.staff,
        peer=cast.peer,
        team_leader=cast.team_leader,
        leader_secret=activate_totp(cast.team_leader),
        peer_secret=activate_totp(cast.peer),
    )


@pytest.fixture
def other_journey(
    new_context: Callable[..., Any], base_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Journey]]:
    """Opens another person's browser (a new context) as a Journey named ``<test>-<who>``, with
    the same end-of-test check as the ``journey`` fixture: every page loaded was scanned."""
    opened: list[Journey] = []

    def open_journey(who: str) -> Journey:
        walk = Journey(
            page=new_context().new_page(),
            base_url=base_url,
            name=f"{journey_name(request.node.name)}-{who}",
            screenshot_dir=Path(request.config.rootpath) / "test-artifacts" / "screenshots",
        )
        opened.append(walk)
        return walk

    yield open_journey
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.passed:
        return
    problems = []
    for walk in opened:
        if walk.unscanned():
            problems.append(f"{walk.name}: pages loaded but never scanned: " + ", ".join(walk.unscanned()))
        errors = walk.take_browser_errors()
        if errors:
            problems.append(
                f"{walk.name}: CSP violations or JavaScript errors after the last scan:\n" + "\n".join(errors)
            )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# --- helpers -------------------------------------------------------------------------------------


def sign_in_with_code(journey: Journey, email: str, secret: str) -> None:
    sign_in(journey, email)
    enter_code(journey, totp_code(secret))


def follow_nav(journey: Journey, label: str) -> None:
    nav_link(journey.page, label).click()
    journey.scan()


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def status_message(page: Page) -> Locator:
    return page.locator(".messages")


def fits_phone(page: Page) -> None:
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH}px phone ({width}px wide)"


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes), message
    return payload.decode(message.get_content_charset() or "utf-8")


def assert_says_nothing_about_the_person(message: Message) -> None:
    text = f"{message['Subject']}\n{body_of(message)}"
    for secret in (*STAFF_NAME.split(), STAFF_PHONE, TOPIC_LABEL, TOPIC_CODE, "staff@example.gov"):
        assert secret.lower() not in text.lower(), f"the e-mail gives away {secret!r}:\n{text}"


def link_in(message: Message) -> str:
    links: list[str] = re.findall(r"https?://\S+", body_of(message))
    assert len(links) == 1, body_of(message)
    assert links[0].startswith(django_settings.SIDEBAR_BASE_URL + "/"), links[0]
    return links[0]


# --- the journey ---------------------------------------------------------------------------------


def test_staff_asks_leader_offers_peer_accepts_logs_contact_and_check_in_and_closes(
    journey: Journey, other_journey: Callable[[str], Journey], team: Team, smtp_server: Mailbox
) -> None:
    # 1. The staff member, on a phone, asks for support from the navigation.
    staff = journey
    staff.page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page = staff.page
    sign_in(staff, "staff@example.gov")
    expect(heading(page)).to_have_text(f"Welcome, {STAFF_NAME}")
    fits_phone(page)
    follow_nav(staff, "Ask for support")
    expect(page).to_have_url(at(staff, "/support/ask/"))
    expect(heading(page)).to_have_text("Ask for support")
    fits_phone(page)

    page.get_by_role("group", name="How soon?").get_by_label("Soon — within a day").check()
    page.get_by_role("group", name=re.compile(r"^What is it about\?")).get_by_label(TOPIC_LABEL).check()
    page.get_by_label("Phone to reach you (optional)").fill(STAFF_PHONE)
    send = page.get_by_role("button", name="Send my request")

    # First without the confidentiality checkbox: the form says what to fix and keeps the rest.
    send.click()
    staff.scan()
    expect(page).to_have_url(at(staff, "/support/ask/"))
    expect(page.get_by_role("alert").filter(has_text="Please check")).to_be_visible()
    understood = page.get_by_label("I have read how confidentiality works and its limits")
    expect(understood).not_to_be_checked()
    expect(page.locator(".check.has-error .errorlist")).to_be_visible()
    expect(page.get_by_label("Phone to reach you (optional)")).to_have_value(STAFF_PHONE)
    expect(page.get_by_label("Soon — within a day")).to_be_checked()
    expect(page.get_by_label(TOPIC_LABEL)).to_be_checked()
    fits_phone(page)

    understood.check()
    send.click()
    staff.scan()
    expect(heading(page)).to_have_text("Received")
    expect(page.get_by_text("A peer supporter will contact you within a day")).to_be_visible()
    fits_phone(page)

    # 2. The team leader opens the queue and offers the request to the suggested peer.
    leader = other_journey("leader")
    lpage = leader.page
    sign_in_with_code(leader, "leader@example.gov", team.leader_secret)
    follow_nav(leader, "Request queue")
    expect(heading(lpage)).to_have_text("Request queue")
    queue = lpage.get_by_role("table")
    expect(queue.get_by_role("caption")).to_have_text("1 open request")
    expect(queue).not_to_contain_text(STAFF_NAME)  # no names in the queue
    queue.get_by_role("link", name=re.compile(r"^Open request received")).click()
    leader.scan()
    expect(heading(lpage)).to_have_text(re.compile(r"^Request received"))
    expect(lpage.get_by_text(STAFF_NAME)).to_have_count(0)  # nor on the request

    suggestions = lpage.get_by_role("region", name="Suggested peer supporters")
    suggestion = suggestions.get_by_role("listitem").filter(has=lpage.get_by_text(PEER_NAME, exact=True))
    expect(suggestion).to_have_count(1)
    expect(suggestion.get_by_role("listitem")).to_contain_text(["prepared for grief", "0 open requests"])
    suggestion.get_by_role("button", name=f"Offer to {PEER_NAME}").click()
    leader.scan()
    expect(status_message(lpage)).to_contain_text("Offered.")
    expect(lpage.get_by_role("region", name="Offers")).to_contain_text(f"{PEER_NAME}: offered")

    # The peer is told by e-mail that something waits, and nothing more.
    offered = smtp_server.deliver(1)
    assert len(offered) == 1, offered
    assert offered[0]["To"] == "peer@example.gov"
    assert_says_nothing_about_the_person(offered[0])
    assert urlsplit(link_in(offered[0])).path == "/support/assignments/"

    # 3. The peer accepts, sees who to reach, records a contact and plans a check-in for today.
    peer = other_journey("peer")
    ppage = peer.page
    sign_in_with_code(peer, "peer@example.gov", team.peer_secret)
    follow_nav(peer, "My assignments")
    expect(heading(ppage)).to_have_text("My assignments")
    mine = ppage.get_by_role("region", name="Requests with me")
    expect(mine).to_contain_text("offered to you: accept or decline")
    mine.get_by_role("link", name=re.compile(r"request from")).click()
    peer.scan()
    expect(heading(ppage)).to_have_text(re.compile(r"^Request from"))
    expect(ppage.get_by_text(STAFF_NAME)).to_have_count(0)  # not before accepting
    ppage.get_by_role("button", name="Accept", exact=True).click()
    peer.scan()

    who = ppage.get_by_role("region", name="Who to reach")
    expect(who).to_contain_text(STAFF_NAME)
    expect(who.get_by_role("link", name=STAFF_PHONE)).to_have_attribute("href", f"tel:{STAFF_PHONE}")

    contact = ppage.get_by_role("region", name="Record a contact")
    contact.get_by_label("Minutes").fill("45")
    contact.get_by_label("How:", exact=True).select_option(label="Phone")  # Django adds the colon
    contact.get_by_label("Kind of support").select_option(label="Post-crisis stabilisation")
    contact.get_by_role("group", name="Topics").get_by_label(TOPIC_LABEL).check()
    contact.get_by_role("group", name="Referrals made").get_by_label("Employee assistance program (EAP)").check()
    today = timezone.localdate()  # due today, so the reminder job picks it up at once
    contact.get_by_label("Plan a check-in on (optional)").fill(today.isoformat())
    contact.get_by_role("button", name="Record the contact").click()
    peer.scan()
    expect(status_message(ppage)).to_contain_text("Contact recorded")
    contact = ppage.get_by_role("region", name="Record a contact")
    expect(contact.get_by_role("listitem").filter(has_text="45 min")).to_have_text(
        re.compile(r"45 min, phone, post-crisis stabilisation")
    )
    expect(contact.get_by_role("listitem").filter(has_text="planned")).to_have_count(1)

    # 4. The background job's reminder reaches the SMTP server: a link, no name, phone or topic.
    assert services.send_check_in_reminders() == 1
    assert services.send_check_in_reminders() == 0  # once per check-in
    received = smtp_server.deliver(2)
    assert len(received) == 2, received
    reminder = received[1]
    assert reminder["To"] == "peer@example.gov"
    assert "check-in" in body_of(reminder)
    assert_says_nothing_about_the_person(reminder)

    # 5. The peer follows the link, marks the check-in done, and closes the request.
    peer.goto(urlsplit(link_in(reminder)).path)
    expect(heading(ppage)).to_have_text("My assignments")
    due = ppage.get_by_role("region", name="Check-ins due")
    expect(due.get_by_role("listitem")).to_have_count(1)
    due.get_by_role("button", name="Mark done").click()
    peer.scan()
    expect(status_message(ppage)).to_contain_text("Check-in marked as done.")
    expect(ppage.get_by_role("region", name="Check-ins due")).to_contain_text("None due.")

    ppage.get_by_role("region", name="Requests with me").get_by_role("link", name=re.compile(r"request from")).click()
    peer.scan()
    check_ins = ppage.get_by_role("region", name="Record a contact").get_by_role("listitem")
    expect(check_ins.filter(has_text=re.compile(r": done$"))).to_have_count(1)
    ppage.get_by_role("button", name="Close the request").click()
    peer.scan()
    expect(ppage).to_have_url(at(peer, "/support/assignments/"))
    expect(status_message(ppage)).to_contain_text("Closed.")
    expect(ppage.get_by_role("region", name="Requests with me")).to_contain_text("No open requests with you.")

    # 6. The team leader's queue no longer lists it; the staff member sees it closed.
    follow_nav(leader, "Request queue")
    expect(lpage.get_by_role("table").get_by_role("caption")).to_have_text("0 open requests")
    expect(lpage.get_by_role("table")).to_contain_text("No open requests.")
    expect(lpage.get_by_role("link", name=re.compile(r"^Open request received"))).to_have_count(0)

    follow_nav(staff, "Home")
    page.get_by_role("link", name="Requests I have sent").click()
    staff.scan()
    expect(heading(page)).to_have_text("My requests")
    expect(page.get_by_role("listitem").filter(has_text="For myself")).to_contain_text("closed")
    fits_phone(page)

    assert len(smtp_server.deliver()) == 2  # nothing else was sent to anyone
