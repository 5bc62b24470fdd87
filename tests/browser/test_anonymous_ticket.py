"""The anonymous ticket round trip in real browsers: a person without an account asks on a phone,
writes down the code and passphrase shown once, opens the ticket with them; the peer who accepted
the request answers from the assignment page; the person reads the answer, replies (the peer is
told by e-mail, without a word of the message), and closes the ticket, deleting every message.

The person and the peer have separate browser contexts (separate cookies). Every page either of
them lands on is scanned with axe-core and photographed (see harness.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings

from sidebar.support import services
from sidebar.support.models import SupportRequest
from tests.browser.harness import Journey, journey_name
from tests.browser.test_sign_in import at, enter_code, sign_in
from tests.conftest import Mailbox
from tests.factories import CAST_PASSWORD, Cast, activate_totp, make_cast, make_peer, totp_code

PHONE_WIDTH = 360
FIRST_MESSAGE = "Since the Halvorsen verdict I cannot sleep. I keep seeing the photographs."
PEER_ANSWER = "Thank you for writing. That sounds heavy. Would talking on Tuesday evening help?"
SECOND_MESSAGE = "Tuesday evening works. I would rather not meet at the courthouse."


@pytest.fixture
def people(db: None, settings: Settings) -> Cast:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    make_peer(cast.peer)
    return cast


@pytest.fixture
def peer_journey(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[Journey]:
    """The peer's own browser (a new context: their own cookies)."""
    context = browser.new_context()
    walk = Journey(
        page=context.new_page(),
        base_url=base_url,
        name=f"{journey_name(request.node.name)}-peer",
        screenshot_dir=Path(request.config.rootpath) / "test-artifacts" / "screenshots",
    )
    yield walk
    context.close()


def heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def fits_phone(page: Page) -> None:
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH}px phone ({width}px wide)"


def test_anonymous_request_code_and_passphrase_peer_answer_reply_and_close(
    journey: Journey, peer_journey: Journey, people: Cast, smtp_server: Mailbox
) -> None:
    # 1. The person, on a phone and without an account, asks from the public form.
    person = journey
    page = person.page
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    person.goto("/ticket/new/")
    expect(heading(page)).to_have_text("Ask for support anonymously")
    # task: issue 16, section 4 — the limits as the agency's template (its own policy) words them
    notice = page.get_by_role("region", name="How confidentiality works")
    expect(notice).to_contain_text("explicit threat of suicide")
    fits_phone(page)
    page.get_by_role("group", name="How soon?").get_by_label("Soon — within a day").check()
    page.get_by_role("group", name=re.compile(r"^What is it about\?")).get_by_label("Grief or loss").check()
    page.get_by_label("When could a peer answer you? (optional)").fill("Weekday evenings")
    page.get_by_role("button", name="Send anonymously").click()
    person.scan()  # first without a message: it says what to fix and keeps the rest
    expect(page.get_by_role("alert").filter(has_text="Please check")).to_be_visible()
    expect(page.get_by_label("Soon — within a day")).to_be_checked()
    expect(page.get_by_label("When could a peer answer you? (optional)")).to_have_value("Weekday evenings")
    page.get_by_label("Your message to the peer supporter").fill(FIRST_MESSAGE)
    page.get_by_role("button", name="Send anonymously").click()
    person.scan()

    # 2. The confirmation shows the code and the passphrase, once, and says to write them down.
    expect(heading(page)).to_have_text("Your request was sent")
    keys = page.get_by_role("region", name="Write these down now")
    expect(keys).to_contain_text("Nobody can recover them")
    code = page.locator("#ticket-code").inner_text()
    passphrase = page.locator("#ticket-passphrase").inner_text()
    assert re.fullmatch(r"([A-Z2-9]{4}-){3}[A-Z2-9]{4}", code), code
    assert re.fullmatch(r"([a-z2-9]{4}-){3}[a-z2-9]{4}", passphrase), passphrase
    assert code not in page.title() and passphrase not in page.title()
    fits_phone(page)

    # 3. The person opens the ticket with them (typed the way people copy from paper).
    page.get_by_role("link", name="Open your ticket").click()
    person.scan()
    expect(heading(page)).to_have_text("Open your ticket")
    page.get_by_label("Ticket code").fill(code.lower().replace("-", " "))
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Open").click()
    person.scan()
    expect(page).to_have_url(at(person, "/ticket/conversation/"))
    expect(heading(page)).to_have_text("Your conversation")
    expect(page.get_by_text("waiting for a peer supporter")).to_be_visible()
    expect(page.get_by_role("region", name="Messages")).to_contain_text(FIRST_MESSAGE)
    assert "Halvorsen" not in page.title()
    fits_phone(page)

    # 4. The team leader offers the request to the peer, who accepts, signs in and answers.
    support_request = SupportRequest.objects.get()
    profile = people.peer.person.peer_profile
    assignment = services.assign(support_request=support_request, peer=profile, by=people.team_leader)
    services.accept(assignment=assignment, by=people.peer)
    secret = activate_totp(people.peer)
    peer, ppage = peer_journey, peer_journey.page
    sign_in(peer, "peer@example.gov")
    enter_code(peer, totp_code(secret))
    peer.goto(f"/support/assignments/{assignment.pk}/")
    thread = ppage.get_by_role("region", name="Anonymous conversation")
    expect(thread).to_contain_text(FIRST_MESSAGE)
    expect(thread).to_contain_text("The person who asked")
    thread.get_by_label("Your reply").fill(PEER_ANSWER)
    thread.get_by_role("button", name="Send the reply").click()
    expect(ppage.get_by_role("status").filter(has_text="Your reply was sent.")).to_be_visible()  # htmx, in place
    peer.scan(same_page=True)
    expect(ppage.get_by_role("region", name="Anonymous conversation")).to_contain_text(PEER_ANSWER)
    expect(ppage.get_by_label("Your reply")).to_have_value("")

    # 5. The person reads the answer and replies; the peer is told by e-mail, without the words.
    person.goto("/ticket/conversation/")
    expect(page.get_by_text("A peer supporter has taken your request")).to_be_visible()
    messages = page.get_by_role("region", name="Messages")
    expect(messages.get_by_role("listitem")).to_have_count(2)
    expect(messages.get_by_role("listitem").nth(1)).to_contain_text("Peer supporter")
    expect(messages.get_by_role("listitem").nth(1)).to_contain_text(PEER_ANSWER)
    page.get_by_label("Your reply").fill(SECOND_MESSAGE)
    page.get_by_role("button", name="Send the reply").click()
    person.scan()
    expect(page.locator(".messages")).to_contain_text("Your reply was sent.")
    expect(page.get_by_role("region", name="Messages").get_by_role("listitem")).to_have_count(3)
    fits_phone(page)

    received = smtp_server.deliver(2)  # the offer, then the reply
    assert [m["To"] for m in received] == ["peer@example.gov", "peer@example.gov"], received
    notice = received[-1]
    text = f"{notice['Subject']}\n{notice.get_payload(decode=True).decode()}"
    assert "new message on an anonymous request" in text
    for secret_word in ("Tuesday", "courthouse", "Halvorsen", code, passphrase):
        assert secret_word not in text, f"the e-mail gives away {secret_word!r}"

    peer.goto(f"/support/assignments/{assignment.pk}/")
    expect(ppage.get_by_role("region", name="Anonymous conversation")).to_contain_text(SECOND_MESSAGE)

    # 6. The person closes the ticket and deletes every message now.
    page.get_by_label(re.compile(r"^And delete every message now")).check()
    page.get_by_role("button", name="Close the ticket").click()
    person.scan()
    # a second step says it cannot be undone (issue 11), then deletes
    expect(heading(page)).to_have_text("Delete every message now?")
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    fits_phone(page)
    page.get_by_role("button", name="Delete every message now").click()
    person.scan()
    expect(heading(page)).to_have_text("Ticket closed")
    expect(page.locator(".messages")).to_contain_text("every message was deleted")
    fits_phone(page)

    # The ticket cannot be opened again, and the peer's page no longer shows the conversation.
    person.goto("/ticket/")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Open").click()
    person.scan()
    expect(page.get_by_role("alert")).to_contain_text("do not open a ticket")
    peer.goto(f"/support/assignments/{assignment.pk}/")
    expect(ppage.get_by_role("region", name="Anonymous conversation")).to_have_count(0)
    expect(ppage.get_by_text("The person who asked closed this request")).to_be_visible()

    # The peer is told that the person closed it, and nothing more (issue 11).
    closed = smtp_server.deliver(3)[-1]
    assert closed["To"] == "peer@example.gov"
    closed_text = closed.get_payload(decode=True).decode()
    assert "closed by the person who asked" in closed_text
    for secret_word in ("Tuesday", "courthouse", "Halvorsen", code, passphrase):
        assert secret_word not in closed_text
    assert len(smtp_server.deliver()) == 3  # nothing else went to anyone
    assert not peer.unscanned(), peer.unscanned()
    assert not peer.take_browser_errors()
