"""The program administrator sets up the agency in a real browser: settings (a bad value first,
shown and kept), a roster upload whose misspelt unit is mapped to the existing one in the
preview, then a full roster missing one person, whose account ends once confirmed. The pages
are checked at 1280 px and at 360 px wide.

Every page is scanned with axe-core and photographed (see harness.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from pytest_django import Settings

from sidebar.accounts.models import User
from sidebar.org.models import Agency, Person, RankTier, Unit
from tests.browser.harness import Journey
from tests.browser.test_sign_in import enter_code, scroll_width, sign_in
from tests.factories import CAST_PASSWORD, Cast, activate_totp, make_cast, totp_code

HEADER = "email,full_name,title,phone,unit,rank_tier,supervisor_email,active"
NEW_PEOPLE = [
    "ana.reyes@example.gov,Ana Reyes,Deputy DA,,Homicde Unit,Line staff,,",
    "bo.chan@example.gov,Bo Chan,Investigator,,Homicde Unit,Line staff,ana.reyes@example.gov,",
    "cy.diaz@example.gov,Cy Diaz,Paralegal,,Trial Division,Line staff,,",
]


@pytest.fixture
def people(db: None, settings: Settings) -> tuple[Cast, str]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    for level, name in enumerate(["Line staff", "Supervisor", "Manager", "Executive"]):
        RankTier.objects.get_or_create(level=level, defaults={"name": name})
    trial = Unit.objects.create(name="Trial Division", kind=Unit.Kind.DIVISION)
    Unit.objects.create(name="Homicide Unit", parent=trial)
    return cast, activate_totp(cast.program_admin)


def upload(journey: Journey, lines: list[str], *, full: bool = False) -> None:
    page = journey.page
    journey.goto("/setup/roster/")
    content = "\n".join([HEADER, *lines]) + "\n"
    # straight from memory: the test, like the page, never writes the roster to disk
    page.get_by_label("Roster file (CSV)").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    if full:
        page.get_by_label("This is the full roster").check()
    page.get_by_role("button", name="Check the file").click()
    journey.scan()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster preview")


def test_administrator_sets_up_the_agency_and_uploads_the_roster_twice(
    journey: Journey, people: tuple[Cast, str]
) -> None:
    cast, secret = people
    page = journey.page
    sign_in(journey, "admin@example.gov")
    enter_code(journey, totp_code(secret))

    # settings: one bad value first, shown with its message and kept
    journey.goto("/setup/agency/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency settings")
    page.get_by_label("Identity retention days").fill("100000")
    page.get_by_label("Peer team phone").fill("555-0142")
    page.get_by_role("button", name="Save the settings").click()
    journey.scan()
    expect(page.get_by_role("alert")).to_contain_text("less than or equal to 365")
    expect(page.get_by_label("Identity retention days")).to_have_value("100000")
    expect(page.get_by_label("Peer team phone")).to_have_value("555-0142")
    page.get_by_label("Identity retention days").fill("90")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_role("button", name="Save the settings").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("Settings saved: 3 changed.")
    agency = Agency.objects.get()
    assert (agency.identity_retention_days, agency.timezone, agency.peer_team_phone) == (
        90,
        "America/Chicago",
        "555-0142",
    )

    # the roster: a misspelt unit is offered the closest existing name, and mapped to it
    upload(journey, NEW_PEOPLE)
    expect(page.get_by_text("Closest existing: Trial Division/Homicide Unit")).to_be_visible()
    unit_choice = page.get_by_label("“Homicde Unit” (at the top level)")
    unit_choice.select_option(label="Trial Division/Homicide Unit")
    page.get_by_role("button", name="Apply the roster").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("Roster imported: created 3, updated 0")
    homicide = Unit.objects.get(name="Homicide Unit")
    assert set(Person.objects.filter(unit=homicide).values_list("work_email", flat=True)) == {
        "ana.reyes@example.gov",
        "bo.chan@example.gov",
    }
    assert not Unit.objects.filter(name="Homicde Unit").exists()

    # a full roster on a phone, without the staff member: listed, confirmed, their access ends
    page.set_viewport_size({"width": 360, "height": 740})
    staying = Person.objects.exclude(pk=cast.staff.person.pk).select_related("rank_tier", "unit__parent")
    lines = [
        f"{p.work_email},{p.full_name},{p.title},,"
        f"{p.unit.parent.name + '/' if p.unit and p.unit.parent else ''}{p.unit.name if p.unit else ''},"
        f"{p.rank_tier.name},,"
        for p in staying
    ]
    upload(journey, lines, full=True)
    assert scroll_width(page) <= 360
    leaving = page.get_by_role("region", name="To deactivate (1)")
    expect(leaving).to_contain_text(cast.staff.person.full_name)
    expect(leaving).to_contain_text("not in the full roster")
    page.get_by_role("button", name="Apply the roster").click()
    journey.scan()
    expect(page.get_by_role("alert")).to_contain_text("Confirm the deactivations")
    assert User.objects.get(pk=cast.staff.pk).is_active
    page.get_by_label("Deactivate the 1 person not in the file").check()
    page.get_by_role("button", name="Apply the roster").click()
    journey.scan()
    expect(page.locator(".messages")).to_contain_text("deactivated 1")
    assert User.objects.get(pk=cast.staff.pk).is_active is False
    assert Person.objects.get(pk=cast.staff.person.pk).is_active is False

    for path in ("/setup/agency/", "/setup/units/", "/setup/roster/"):
        journey.goto(path)
        assert scroll_width(page) <= 360, path
