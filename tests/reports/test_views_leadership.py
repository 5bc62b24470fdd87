"""Leadership's statistics pages and downloads: suppressed numbers only, fixed completed
periods only, every download in the audit log, and a fixed number of queries."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.reports.periods import Grain, Period, latest_completed
from tests.factories import activate_totp
from tests.reports.test_reports_builder import build_program

pytestmark = pytest.mark.django_db

K = 5
NUMBER = re.compile(r"\d{1,3}(,\d{3})*|\d+")


class Numbers(HTMLParser):
    """Every text node that is a bare number, inside a table cell, an SVG text or a summary
    figure — where counts are shown."""

    WATCHED = ("td", "th", "text", "dd", "caption")

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.found: list[int] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if text and any(tag in self.open for tag in self.WATCHED):
            self.texts.append(text)
            if NUMBER.fullmatch(text):
                self.found.append(int(text.replace(",", "")))


def numbers_on(html: str) -> Numbers:
    parser = Numbers()
    parser.feed(html)
    return parser


def small(values: list[int]) -> list[int]:
    return [v for v in values if 0 < v < K]


@pytest.fixture
def program(cast):
    return build_program()


def signed_in(user) -> Client:
    """A client for ``user`` with two-factor sign-in set up (privileged roles need it)."""
    if not Authenticator.objects.filter(user=user).exists():
        activate_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def chief(cast) -> Client:
    return signed_in(cast.leadership)


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


@pytest.mark.parametrize("path", ["/reports/", "/reports/print/"])
def test_leadership_sees_no_count_from_one_to_k_minus_one_in_any_table_or_chart(program, chief, path):
    for period in (program.quarter, *program.months):
        page = numbers_on(_page(chief, f"{path}?period={period}"))
        assert len(page.found) > (50 if period == program.quarter else 10), "the page shows numbers at all"
        assert not small(page.found), (str(period), small(page.found))
    assert "hidden" in numbers_on(_page(chief, f"{path}?period={program.quarter}")).texts


def test_the_same_data_does_hold_small_counts_the_team_leader_sees(program, cast):
    """The check above can fail: the exact view of the same quarter is full of small numbers."""
    client = signed_in(cast.team_leader)
    page = numbers_on(_page(client, f"/reports/team/?period={program.quarter}"))
    assert small(page.found)


def test_the_dashboard_defaults_to_the_last_completed_month(program, chief):
    html = _page(chief, "/reports/")
    latest = latest_completed(Grain.MONTH, timezone.localdate())
    assert "<h1>Program statistics</h1>" in html
    assert f'<option value="{latest}" selected>' in html


def test_a_start_or_end_parameter_is_ignored(program, chief):
    """No arbitrary date ranges: only ``period`` is read."""
    period = program.quarter
    plain = numbers_on(_page(chief, f"/reports/?period={period}"))
    ranged = numbers_on(_page(chief, f"/reports/?period={period}&start=2026-07-15&end=2026-07-16&from=x&to=y"))
    assert ranged.texts == plain.texts


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13", "months run from 01 to 12"),
        ("2026-W40", "is not a reporting period"),
        ("2026-07-01..2026-07-15", "is not a reporting period"),
    ],
)
def test_a_malformed_period_gets_a_clear_message_and_the_default_report(program, chief, value, message):
    html = _page(chief, f"/reports/?period={value}", status=400)
    assert message in html
    assert "That period is not available" in html
    assert "Showing " in html


def test_a_period_that_has_not_ended_is_not_offered(program, chief):
    current = Period.containing(timezone.localdate(), Grain.MONTH)
    html = _page(chief, f"/reports/?period={current}", status=400)
    assert "has not ended yet" in html
    assert f'value="{current}"' not in html


@pytest.mark.parametrize(("fmt", "content_type"), [("csv", "text/csv; charset=utf-8"), ("pdf", "application/pdf")])
def test_every_download_is_recorded_in_the_audit_log(program, chief, cast, fmt, content_type):
    before = AuditEvent.objects.filter(action=Action.EXPORT).count()
    response = chief.get(f"/reports/export.{fmt}?period={program.quarter}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert (
        response["Content-Disposition"] == f'attachment; filename="sidebar-program-statistics-{program.quarter}.{fmt}"'
    )
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == before + 1
    assert (event.object_type, event.object_id, event.detail) == ("report", str(program.quarter), fmt)
    assert event.actor_id == cast.leadership.pk


def test_a_download_for_a_bad_period_exports_nothing(program, chief):
    response = chief.get("/reports/export.csv?period=2026-13")
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_csv_download_holds_the_same_suppressed_tables(program, chief):
    text = chief.get(f"/reports/export.csv?period={program.quarter}").content.decode()
    values = [int(v) for v in re.findall(r"(?<=,)\d+(?=\r?$|,)", text, flags=re.MULTILINE)]
    assert values and not small(values)
    assert ",hidden" in text


def test_the_print_page_has_the_report_and_its_note(program, chief):
    html = _page(chief, f"/reports/print/?period={program.quarter}")
    assert f"Peer support program statistics: {program.quarter.label}" in html
    assert 'id="small-numbers"' in html
    assert "reports/export.pdf?period=" in html


def test_dashboard_query_count_is_fixed(program, chief, django_assert_num_queries):
    url = f"/reports/?period={program.quarter}"
    chief.get(url)  # warm: session, caches, and the period's first publication
    with django_assert_num_queries(6):  # served as frozen at its first publication
        chief.get(url)


def test_print_page_query_count_is_fixed(program, chief, django_assert_num_queries):
    url = f"/reports/print/?period={program.months[0]}"
    chief.get(url)
    with django_assert_num_queries(6):
        chief.get(url)


@pytest.mark.parametrize("role", ["staff", "peer", "team_leader", "clinical_advisor", "program_admin"])
@pytest.mark.parametrize("path", ["/reports/", "/reports/print/", "/reports/export.csv", "/reports/export.pdf"])
def test_only_leadership_opens_the_leadership_pages(cast, role, path):
    client = signed_in(getattr(cast, role))
    assert client.get(f"{path}?period=2025-10").status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
