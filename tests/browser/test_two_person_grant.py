"""A grant waits for confirmation (issue 16, section 3), in a real browser: one program
administrator ticks "Team leader" on a colleague's account; the colleague, signed in all along,
still cannot open the request queue; a second administrator confirms on the page of changes
waiting for a second person; at the colleague's next click the queue opens (after the two-factor
set-up every privileged role needs).

Three people, three browsers (their own cookies). Every page is scanned with axe-core and
photographed (test-artifacts/screenshots/two_person-*.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings

from sidebar.accounts.models import PendingChange
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from tests.browser.harness import Journey
from tests.browser.test_sign_in import confirm_password_if_asked, enter_code, phrase, sign_in
from tests.factories import CAST_PASSWORD, activate_totp, make_account, make_cast, totp_code

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
COLLEAGUE = "ines.ortega@example.gov"
SECOND_ADMIN = "second.admin@example.gov"


@pytest.fixture
def open_browsers(browser: Browser, base_url: str) -> Iterator[dict[str, Journey]]:
    contexts = []

    def journey_for(name: str) -> Journey:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return Journey(
            page=context.new_page(), base_url=base_url, name=f"two_person-{name}", screenshot_dir=SCREENSHOTS
        )

    journeys = {name: journey_for(name) for name in ("admin", "colleague", "second")}
    yield journeys
    unscanned = [url for journey in journeys.values() for url in journey.unscanned()]
    for context in contexts:
        context.close()
    assert not unscanned, f"pages never scanned for accessibility: {unscanned}"


@pytest.fixture
def secrets(db: None, settings: Settings, base_url: str) -> dict[str, str]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIDEBAR_BASE_URL = base_url
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    make_account(COLLEAGUE, password=CAST_PASSWORD)
    second = make_account(SECOND_ADMIN, Role.PROGRAM_ADMIN, password=CAST_PASSWORD)
    return {"admin": activate_totp(cast.program_admin), "second": activate_totp(second)}


def heading(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("heading", level=1)


def test_a_team_leader_grant_waits_for_a_second_administrator(
    open_browsers: dict[str, Journey], secrets: dict[str, str]
) -> None:
    admin, colleague, second = open_browsers["admin"], open_browsers["colleague"], open_browsers["second"]

    # The colleague is signed in, as plain staff: the queue is not theirs.
    sign_in(colleague, COLLEAGUE)
    assert colleague.goto("/support/queue/").status == 403  # type: ignore[union-attr]

    # One administrator ticks "Team leader" on the colleague's account page.
    sign_in(admin, "admin@example.gov")
    enter_code(admin, totp_code(secrets["admin"]))
    admin.goto("/setup/accounts/")
    admin.page.get_by_role("link", name="Ines Ortega").click()
    admin.scan()
    admin.page.get_by_label("Team leader").check()
    admin.page.get_by_role("button", name="Save the roles").click()
    admin.scan()
    expect(admin.page.locator(".messages")).to_contain_text("Waiting for a second person: team leader")
    expect(admin.page.get_by_role("main")).to_contain_text("Waiting for a second person: Team leader")

    # ... and the colleague still cannot open the queue at their next click.
    assert colleague.goto("/support/queue/").status == 403  # type: ignore[union-attr]

    # The administrator who asked sees it waiting but has no button to confirm it.
    admin.page.get_by_role("link", name="changes waiting for a second person").click()
    admin.scan()
    expect(heading(admin.page)).to_have_text("Changes waiting for a second person")
    waiting = admin.page.get_by_role("region", name="Waiting")
    expect(waiting).to_contain_text("Team leader for Ines Ortega")
    expect(waiting).to_contain_text("You asked for this: a second person must confirm.")
    expect(waiting.get_by_role("button", name="Confirm", exact=True)).to_have_count(0)

    # A second administrator confirms.
    sign_in(second, SECOND_ADMIN)
    enter_code(second, totp_code(secrets["second"]))
    second.goto("/setup/accounts/pending/")
    row = second.page.get_by_role("listitem").filter(has_text="Team leader for Ines Ortega")
    expect(row).to_contain_text("Asked by Admin")
    row.get_by_role("button", name="Confirm", exact=True).click()
    second.scan()
    expect(second.page.locator(".messages")).to_contain_text("Confirmed. The change has taken effect.")
    expect(second.page.get_by_role("region", name="Decided in the last 30 days")).to_contain_text(
        "confirmed by Second Admin"
    )

    # Now the queue opens for the colleague — once they set up the second factor it needs.
    colleague.goto("/support/queue/")
    page = colleague.page
    confirm_password_if_asked(colleague)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name=phrase("Activate")).click()
    colleague.scan()
    response = colleague.goto("/support/queue/")
    assert response is not None and response.status == 200
    expect(heading(page)).to_have_text(re.compile("queue", re.IGNORECASE))

    change = PendingChange.objects.get(account__email=COLLEAGUE)
    assert (change.requested_by.email, change.decided_by.email) == ("admin@example.gov", SECOND_ADMIN)
    actors = set(
        AuditEvent.objects.filter(
            action__in=[Action.ROLE_GRANT_REQUESTED, Action.ROLE_GRANT_CONFIRMED], detail="team_leader"
        ).values_list("action", "actor_id")
    )
    assert actors == {
        (Action.ROLE_GRANT_REQUESTED, change.requested_by_id),
        (Action.ROLE_GRANT_CONFIRMED, change.decided_by_id),
    }
