"""An insider cuts the newest audit events, moves the chain head and removes the database's
checkpoints; the clinical advisor pastes the checkpoint line from their e-mail into the audit
screen and is told what is missing. The public privacy page shows that line on a phone first."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from pytest_django import Settings

from sidebar.audit.checkpoints import CheckpointLine
from sidebar.audit.models import Action, Checkpoint
from sidebar.audit.services import record, take_checkpoint
from tests.audit.test_checkpoints import as_the_owner_without_triggers, cut_newest
from tests.browser.harness import Journey
from tests.browser.test_exceptions import sign_in
from tests.conftest import Mailbox
from tests.factories import CAST_PASSWORD, Cast, activate_totp, make_cast


@pytest.fixture
def people(db: None, settings: Settings) -> Cast:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    return make_cast(password=CAST_PASSWORD)


def test_the_advisor_finds_a_cut_log_with_the_line_from_their_e_mail(
    journey: Journey, people: Cast, smtp_server: Mailbox
) -> None:
    page = journey.page
    secret = activate_totp(people.clinical_advisor)
    events = [record(action=Action.EXPORT, object_type="report", object_id=str(n)) for n in range(10)]
    take_checkpoint(scheduled=False)
    (mail,) = smtp_server.deliver(1)
    assert mail["To"] == people.clinical_advisor.email
    line = CheckpointLine.parse(mail.get_payload(decode=True).decode())

    # Anyone can note the line on the privacy page, on a phone.
    page.set_viewport_size({"width": 360, "height": 740})
    journey.goto("/privacy/")
    expect(page.get_by_text(line.text)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The insider hides the last five events and every checkpoint the database kept.
    cut_newest(events, 5)
    with as_the_owner_without_triggers():
        Checkpoint.objects.all().delete()

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(journey, people.clinical_advisor.email, secret)
    journey.goto("/audit/")
    box = page.get_by_label("Also compare with this checkpoint (optional)")
    mangled = line.text.replace(f"events={line.events}", f"events={line.events - 5}")
    box.fill(mangled)
    page.get_by_role("button", name="Verify the chain now").click()
    journey.scan()
    expect(page.get_by_role("alert")).to_contain_text("not a genuine Sidebar checkpoint")
    expect(box).to_have_value(mangled)

    page.set_viewport_size({"width": 360, "height": 740})
    box.fill(line.text)
    page.get_by_role("button", name="Verify the chain now").click()
    journey.scan()
    # five removed, and the advisor's own sign-in added one since
    expect(page.get_by_text("The audit chain is BROKEN")).to_contain_text(
        f"at least 4 events missing after checkpoint {line.seq} (it recorded {line.events} events"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_text("Last verified")).to_contain_text("broken.")  # a cut names no row
