"""The anonymous door on a phone: a frightened person without an account, on the sign-in page,
reaches "ask without an account" and "open my ticket" in one tap each, without scrolling."""

from __future__ import annotations

from playwright.sync_api import expect

from sidebar.org.models import Agency
from tests.browser.harness import Journey
from tests.factories import Cast

PHONE = {"width": 360, "height": 640}


def test_a_visitor_asks_or_opens_a_ticket_in_one_tap_from_the_sign_in_page(journey: Journey, cast: Cast) -> None:
    Agency.objects.update(peer_team_phone="1-555-0142")
    page = journey.page
    page.set_viewport_size(PHONE)

    journey.goto("/accounts/login/")
    ask = page.get_by_role("navigation", name="Without an account").get_by_role("link", name="Ask without an account")
    expect(ask).to_be_in_viewport(ratio=1)
    ask.click()
    journey.scan()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for support anonymously")

    journey.goto("/accounts/login/")
    open_ticket = page.get_by_role("navigation", name="Without an account").get_by_role("link", name="Open my ticket")
    expect(open_ticket).to_be_in_viewport(ratio=1)
    open_ticket.click()
    journey.scan()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open your ticket")
    expect(page.get_by_label("Ticket code")).to_be_visible()

    # "Need to talk?" (in the header too) offers the same two doors and the peer team's number.
    page.get_by_role("link", name="Need to talk?").click()
    journey.scan()
    expect(page.get_by_role("main").get_by_role("link", name="Ask without an account")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Open my ticket")).to_be_visible()
    expect(page.get_by_role("link", name="1-555-0142")).to_have_attribute("href", "tel:1-555-0142")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
