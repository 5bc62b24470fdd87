"""Leadership's program statistics in a real browser: sign in with two-factor, open the
dashboard (a month, then a quarter chosen from the list) and the printable report, and never see
a count from 1 to k−1 in any table, chart or summary figure. Every page passes the axe scan.

The data is a busy quarter (tests/reports/test_reports_builder.py) with some deliberately small
categories — anonymous requests, e-mail contacts, some referrals, an exception a month — which
the team leader's exact view shows and leadership's never does."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect
from pytest_django import Settings

from tests.browser.harness import Journey
from tests.browser.test_sign_in import enter_code, sign_in
from tests.factories import CAST_PASSWORD, Cast, activate_totp, make_cast, totp_code
from tests.reports.test_reports_builder import Program, build_program

K = 5

# Every text node that is a bare number (1,234 or 17) inside a table, an SVG chart or the
# summary figures: where counts are shown.
COUNTS_ON_PAGE = """
() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    if (!/^(\\d{1,3}(,\\d{3})+|\\d+)$/.test(text)) continue;
    if (walker.currentNode.parentElement.closest("table, svg, dl.stats")) found.push(Number(text.replace(/,/g, "")));
  }
  return found;
}
"""


@pytest.fixture
def people(db: None, settings: Settings) -> Cast:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    return make_cast(password=CAST_PASSWORD)


@pytest.fixture
def program(people: Cast) -> Program:
    return build_program()


def counts_on(page: Page) -> list[int]:
    return [int(n) for n in page.evaluate(COUNTS_ON_PAGE)]


def expect_no_small_counts(page: Page, *, tables: bool = True) -> None:
    """``tables``: a quarter's page (every table, some numbers hidden); a month's page shows its
    summary and the trend only."""
    counts = counts_on(page)
    assert len(counts) > (50 if tables else 10), "the page shows its numbers"
    assert any(n >= K for n in counts)
    small = sorted({n for n in counts if 0 < n < K})
    assert not small, f"counts below {K} on {page.url}: {small}"
    if tables:
        expect(page.get_by_text("hidden", exact=True).first).to_be_visible()


def sign_in_as_leadership(journey: Journey, people: Cast) -> None:
    secret = activate_totp(people.leadership)
    sign_in(journey, "chief@example.gov")
    enter_code(journey, totp_code(secret))


def test_leadership_sees_no_small_count_on_the_dashboard_or_the_printable_report(
    journey: Journey, people: Cast, program: Program
) -> None:
    page = journey.page
    sign_in_as_leadership(journey, people)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Program statistics").click()
    journey.scan()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program statistics")
    expect_no_small_counts(page, tables=False)
    expect(page.get_by_role("img", name=re.compile("^Line chart: Contacts per month"))).to_be_visible()

    page.get_by_label("Period", exact=True).select_option(str(program.quarter))
    page.get_by_role("button", name="Show").click()
    journey.scan()
    expect(page).to_have_url(re.compile(rf"/reports/\?period={program.quarter}$"))
    expect(page.locator(".lead").first).to_contain_text(program.quarter.label)
    expect_no_small_counts(page)
    # each chart has its numbers in a table for screen readers
    expect(page.get_by_role("table", name="Contacts, by topic")).to_be_visible()

    page.get_by_role("link", name="Printable report").click()
    journey.scan()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Peer support program statistics: {program.quarter.label}"
    )
    expect_no_small_counts(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to the statistics")).to_be_hidden()
    page.emulate_media(media="screen")


def test_the_team_leader_sees_the_exact_counts_of_the_same_data(
    journey: Journey, people: Cast, program: Program
) -> None:
    """The check above can fail: the same quarter, exact, holds small counts."""
    page = journey.page
    secret = activate_totp(people.team_leader)
    sign_in(journey, "leader@example.gov")
    enter_code(journey, totp_code(secret))
    journey.goto(f"/reports/team/?period={program.quarter}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team statistics")
    assert any(0 < n < K for n in counts_on(page))
    expect(page.get_by_role("table", name=re.compile("^Peer supporters: time in"))).to_contain_text("Avery Quinn")
