"""The pages anyone can open without an account, on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.harness import Journey
from tests.factories import Cast


def test_privacy_page_is_reachable_from_the_login_page_and_fits_a_phone(journey: Journey, cast: Cast) -> None:
    page = journey.page
    page.set_viewport_size({"width": 360, "height": 740})
    journey.goto("/accounts/login/")
    page.get_by_role("link", name="How your privacy is protected").click()
    journey.scan()
    expect(page.get_by_role("heading", level=1)).to_have_text("How your privacy is protected")
    expect(page.get_by_text("30 days")).to_be_visible()
    expect(page.get_by_role("term").filter(has_text="Leadership")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
