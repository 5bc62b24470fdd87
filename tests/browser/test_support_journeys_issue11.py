"""The support journeys that broke (issue 11), in real browsers, three people at once: a staff
member on a phone asks, reloads "Received" (still one request) and withdraws it after a
confirmation; an on-call peer follows the urgent alert's page to an offer, accepts, starts to close
with "details deleted now" and cancels at the confirmation, then hands the request back; the team
leader finds it back in the queue and is asked to confirm before ending mutual aid.

Every page is scanned with axe-core and photographed (test-artifacts/screenshots/), the new pages
at 360 px and at 1280 px."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from sidebar.incidents import services as incidents
from sidebar.support import services
from sidebar.support.models import SupportRequest
from tests.browser.harness import Journey
from tests.browser.test_sign_in import at, sign_in
from tests.browser.test_support_journey import (  # noqa: F401 (fixtures)
    PHONE_WIDTH,
    STAFF_NAME,
    Team,
    fits_phone,
    heading,
    other_journey,
    sign_in_with_code,
    status_message,
    team,
)
from tests.factories import ask_as

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": PHONE_WIDTH, "height": 740}


def both_widths(walk: Journey) -> None:
    """Photograph and scan the page on screen at 1280 px too, then go back to the phone."""
    walk.page.set_viewport_size(WIDE)
    walk.scan(same_page=True)
    walk.page.set_viewport_size(PHONE)
    fits_phone(walk.page)


def test_ask_reload_withdraw_and_a_peer_hands_back(
    journey: Journey,
    other_journey: Callable[[str], Journey],  # noqa: F811 (the imported fixture)
    team: Team,  # noqa: F811
) -> None:
    # 1. The staff member asks on a phone; reloading "Received" sends nothing again.
    staff, page = journey, journey.page
    page.set_viewport_size(PHONE)
    sign_in(staff, "staff@example.gov")
    staff.goto("/support/ask/")
    page.get_by_role("group", name="How soon?").get_by_label("Routine — in the next few days").check()
    page.get_by_label("I have read how confidentiality works and its limits").check()
    page.get_by_role("button", name="Send my request").click()
    staff.scan()
    expect(heading(page)).to_have_text("Received")
    expect(page).to_have_url(re.compile(r"/support/received/[0-9a-f-]{36}/$"))
    page.reload()
    staff.scan()
    expect(heading(page)).to_have_text("Received")
    assert SupportRequest.objects.count() == 1
    fits_phone(page)

    # 2. ... and withdraws it from "My requests", after a step that says what will happen.
    staff.goto("/support/mine/")
    mine = page.get_by_role("listitem").filter(has_text="For myself")
    mine.get_by_role("link", name=re.compile(r"^Withdraw this request")).click()
    staff.scan()
    expect(heading(page)).to_have_text("Withdraw this request?")
    both_widths(staff)
    page.get_by_role("button", name="Withdraw the request").click()
    staff.scan()
    expect(status_message(page)).to_contain_text("Withdrawn.")
    expect(page.get_by_role("listitem").filter(has_text="For myself")).to_contain_text("closed")
    both_widths(staff)
    assert SupportRequest.objects.get().status == "closed"

    # 3. An urgent request: the on-call peer's alert leads to a page they can open, then the offer.
    team.peer.person.peer_profile.on_call = True
    team.peer.person.peer_profile.save(update_fields=["on_call"])
    urgent = ask_as(team.staff, urgency="urgent")
    peer = other_journey("peer")
    ppage = peer.page
    ppage.set_viewport_size(PHONE)
    sign_in_with_code(peer, "peer@example.gov", team.peer_secret)
    home_card = ppage.get_by_role("region", name="Urgent requests")
    expect(home_card).to_contain_text("You are on call")
    home_card.get_by_role("link", name="See the urgent requests").click()
    peer.scan()
    expect(heading(ppage)).to_have_text("Urgent requests")
    expect(ppage.get_by_text("waiting for the team leader to offer it")).to_be_visible()
    expect(ppage.get_by_text(STAFF_NAME)).to_have_count(0)
    both_widths(peer)

    services.assign(support_request=urgent, peer=team.peer.person.peer_profile, by=team.team_leader)
    peer.goto("/support/urgent/")
    ppage.get_by_role("link", name="Urgent request offered to you: accept or decline").click()
    peer.scan()
    ppage.get_by_role("button", name="Accept", exact=True).click()
    peer.scan()
    expect(ppage.get_by_role("region", name="Who to reach")).to_contain_text(STAFF_NAME)

    # 4. "Details deleted now" asks first; Cancel goes back and nothing happened.
    ppage.get_by_label("The person asked that their details be deleted now").check()
    ppage.get_by_role("button", name="Close the request").click()
    peer.scan()
    expect(heading(ppage)).to_have_text("Close and delete the person's details now?")
    expect(ppage.get_by_text("This cannot be undone")).to_be_visible()
    both_widths(peer)
    ppage.get_by_role("link", name="Cancel").click()
    peer.scan()
    expect(ppage.get_by_role("region", name="Who to reach")).to_contain_text(STAFF_NAME)
    assert not SupportRequest.objects.get(pk=urgent.pk).data_key.is_shredded

    # 5. The peer hands it back, with a reason category; it waits in the queue again.
    back = ppage.get_by_role("region", name="Hand it back to the team leader")
    back.get_by_role("button", name="Hand it back").click()
    peer.scan()
    expect(ppage.get_by_role("alert").filter(has_text="Please check")).to_be_visible()
    expect(ppage.locator(".errorlist").filter(has_text="Choose why you hand it back")).to_be_visible()
    back = ppage.get_by_role("region", name="Hand it back to the team leader")
    back.get_by_label("Why are you handing it back?").select_option(label="At capacity")
    back.get_by_role("button", name="Hand it back").click()
    peer.scan()
    expect(ppage).to_have_url(at(peer, "/support/assignments/"))
    expect(status_message(ppage)).to_contain_text("Handed back.")
    expect(ppage.get_by_role("region", name="Requests with me")).to_contain_text("No open requests with you.")
    fits_phone(ppage)
    assert SupportRequest.objects.get(pk=urgent.pk).status == "open"

    # 6. The team leader sees it back in the queue, and confirms before ending mutual aid.
    aid = incidents.record_mutual_aid(
        direction="given",
        other_agency="Kern County Probation",
        starts_on=timezone.localdate(),
        ends_on=None,
        hours=Decimal(8),
        peers=[],
        by=team.team_leader,
    )
    leader = other_journey("leader")
    lpage = leader.page
    lpage.set_viewport_size(WIDE)
    sign_in_with_code(leader, "leader@example.gov", team.leader_secret)
    leader.goto(f"/support/requests/{urgent.pk}/")
    expect(lpage.get_by_role("region", name="Offers")).to_contain_text("handed back to the team leader (at capacity)")
    leader.goto("/incidents/mutual-aid/")
    lpage.get_by_role("button", name=re.compile(r"^End")).click()
    leader.scan()
    expect(heading(lpage)).to_have_text("End mutual aid to Kern County Probation?")
    lpage.set_viewport_size(PHONE)
    leader.scan(same_page=True)
    fits_phone(lpage)
    lpage.get_by_role("button", name="End mutual aid").click()
    leader.scan()
    expect(status_message(lpage)).to_contain_text("Ended.")
    aid.refresh_from_db()
    assert aid.ends_on is not None
