"""The team leader's statistics: exact counts for any month, quarter or year (the current one
too), each peer's hours and open load, and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import timezone

from sidebar.reports.periods import Grain, Period
from sidebar.support.models import Assignment, Contact, SupportRequest
from tests.reports.test_reports_builder import build_program
from tests.reports.test_views_leadership import numbers_on, signed_in, small

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(cast):
    return build_program()


@pytest.fixture
def leader(cast) -> Client:
    return signed_in(cast.team_leader)


def _row(html: str, label: str) -> str:
    start = html.index(f'<th scope="row">{label}</th>')
    return html[start : html.index("</tr>", start)]


def test_the_team_leader_sees_exact_counts_small_ones_included(program, leader):
    html = leader.get(f"/reports/team/?period={program.quarter}").content.decode()
    assert '<td class="num">6</td>' in _row(html, "Anonymous")  # two a month
    assert '<td class="num total">3</td>' in _row(html, "E-mail")  # one a month
    assert '<td class="num">3</td>' in _row(html, "Danger to self")
    assert "fewer than" not in html
    assert small(numbers_on(html).found)


def test_each_peer_has_their_hours_and_open_load(program, leader):
    first = program.peers[0]
    Assignment.objects.create(request=SupportRequest.objects.first(), peer=first, status=Assignment.Status.ACCEPTED)
    html = leader.get(f"/reports/team/?period={program.quarter}").content.decode()
    row = _row(html, "Avery Quinn")
    contacts = Contact.objects.filter(peer=first)
    minutes = sum(contacts.values_list("minutes", flat=True))
    assert f'<td class="num">{contacts.count()}</td>' in row
    assert f'<td class="num">{floatformat(minutes / 60, 1)}</td>' in row
    assert '<td class="num">1</td>' in row  # the accepted request
    for peer in program.peers:
        assert peer.person.full_name in html


def test_the_current_month_is_the_default_and_allowed(program, leader):
    current = Period.containing(timezone.localdate(), Grain.MONTH)
    response = leader.get("/reports/team/")
    assert response.status_code == 200
    assert f'<option value="{current}" selected>' in response.content.decode()


def test_a_malformed_period_gets_a_message(program, leader):
    response = leader.get("/reports/team/?period=2026-Q5")
    assert response.status_code == 400
    assert "quarters run from Q1 to Q4" in response.content.decode()


def test_a_start_or_end_parameter_is_ignored(program, leader):
    plain = numbers_on(leader.get(f"/reports/team/?period={program.quarter}").content.decode())
    ranged = numbers_on(
        leader.get(f"/reports/team/?period={program.quarter}&start=2026-07-03&end=2026-07-04").content.decode()
    )
    assert plain.texts == ranged.texts


def test_team_page_query_count_is_fixed(program, leader, django_assert_num_queries):
    url = f"/reports/team/?period={program.quarter}"
    leader.get(url)
    with django_assert_num_queries(20):  # the report's 12, the peers' load 3, the page's own 5
        leader.get(url)


@pytest.mark.parametrize("role", ["staff", "peer", "clinical_advisor", "program_admin", "leadership"])
def test_only_the_team_leader_opens_the_team_statistics(cast, role):
    assert signed_in(getattr(cast, role)).get("/reports/team/").status_code == 403
