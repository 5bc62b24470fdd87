"""Training in a real browser: the team leader schedules a session and ticks who attended; the
peer then finds the session and its hours on their own training record.

Every page each person lands on is scanned with axe-core and photographed (see harness.py).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from pytest_django import Settings

from sidebar.org.models import Agency
from sidebar.training.models import Attendance, Course
from sidebar.training.selectors import agency_today
from tests.browser.harness import Journey
from tests.browser.navigation import nav_link
from tests.browser.test_sign_in import enter_code, sign_in, sign_out
from tests.factories import CAST_PASSWORD, Cast, activate_totp, make_cast, make_peer, totp_code

# The attendance list names each person with their unit (namesakes told apart).
PEER_ON_THE_LIST = "Peer, Cast unit (active)"


@pytest.fixture
def people(db: None, settings: Settings) -> tuple[Cast, str, str]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    Agency.objects.update(yearly_training_hours=8)
    make_peer(cast.peer)
    # the migration's courses do not survive a transactional test's flush: add the one used here
    Course.objects.get_or_create(name="Suicide awareness")
    return cast, activate_totp(cast.team_leader), activate_totp(cast.peer)


def follow_nav(journey: Journey, label: str) -> None:
    nav_link(journey.page, label).click()
    journey.scan()


def test_team_leader_records_attendance_and_the_peer_sees_the_hours_on_their_record(
    journey: Journey, people: tuple[Cast, str, str]
) -> None:
    _cast, leader_secret, peer_secret = people
    page = journey.page
    yesterday = agency_today() - datetime.timedelta(days=1)

    sign_in(journey, "leader@example.gov")
    enter_code(journey, totp_code(leader_secret))
    follow_nav(journey, "Training")
    expect(page.get_by_role("heading", level=1)).to_have_text("Training")
    expect(page.get_by_role("region", name="Below this year's hours")).to_contain_text("Peer: 0 of 8 hours")

    page.get_by_role("link", name="Schedule a session").click()
    journey.scan()
    page.get_by_label("Course").select_option(label="Suicide awareness")
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("Trainer").fill("Dr. Renata Solis")
    page.get_by_label("Place").fill("Training room 2")
    page.get_by_role("button", name="Schedule the session").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("The session is scheduled.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suicide awareness")

    page.get_by_label(PEER_ON_THE_LIST).check()
    page.get_by_role("button", name="Save attendance").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("Attendance saved: 1 added, 0 removed.")
    expect(page.get_by_label(PEER_ON_THE_LIST)).to_be_checked()
    assert Attendance.objects.count() == 1

    training_pages = page.get_by_role("navigation", name="Training pages")
    training_pages.get_by_role("link", name="Compliance").click()
    journey.scan()
    expect(page.get_by_role("row", name="Peer")).to_contain_text("2.5 of 8")
    expect(page.get_by_role("row", name="Peer")).to_contain_text("below: 5.5 to go")

    page.get_by_role("navigation", name="Training pages").get_by_role("link", name="Announcements").click()
    journey.scan()
    page.get_by_role("link", name="Write an announcement").click()
    journey.scan()
    page.get_by_label("Title").fill("Webinar on secondary trauma, 12 March")
    page.get_by_label("Message").fill("Two hours, online. It counts as continuing education.")
    page.get_by_role("button", name="Publish and e-mail").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("published and e-mailed to the team")
    sign_out(journey)

    sign_in(journey, "peer@example.gov")
    enter_code(journey, totp_code(peer_secret))
    expect(page.get_by_role("region", name="Team announcements")).to_contain_text("Webinar on secondary trauma")
    follow_nav(journey, "Training")  # a peer lands on their own record
    expect(page.get_by_role("heading", level=1)).to_have_text("My training record")
    expect(page.get_by_text("2.5 of 8 hours")).to_be_visible()
    sessions = page.get_by_role("table", name="Sessions attended")
    expect(sessions.get_by_role("row", name=yesterday.strftime("%-d %b %Y"))).to_contain_text("Suicide awareness")
    expect(sessions).to_contain_text("Dr. Renata Solis")
