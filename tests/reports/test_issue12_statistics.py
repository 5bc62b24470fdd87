"""Issue 12, section 4 and the report edge of section 7: statistics that never move, rows
about fewer than k people hidden whole, "hidden" rather than a false "fewer than k", and a
period reaching back before 2000 answering a page, not a 500."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from sidebar.incidents.models import Incident
from sidebar.reports.models import PublishedReport
from sidebar.support.models import Contact, SupportRequest
from sidebar.vault.models import DataKey
from tests.reports.test_reports_builder import build_program
from tests.reports.test_views_leadership import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(cast):
    return build_program()


@pytest.fixture
def chief(cast):
    return signed_in(cast.leadership)


def _back_dated_contact(program, day: datetime.date) -> None:
    request = SupportRequest.objects.filter(source="self").order_by("created_at").first()
    Contact.objects.create(
        request=request,
        peer=program.peers[0],
        date=day,
        minutes=45,
        mode="email",
        response_type="ongoing",
        topics=["substance_use"],
        referrals=["substance_treatment"],
    )


def test_a_period_downloaded_twice_is_identical_after_a_back_dated_contact(program, chief):
    """Observed: November's CSV, a contact back-dated to 20 November, the CSV again: 8 cells
    changed. Now the period is frozen at first publication, and the late contact counts nowhere."""
    month = program.months[-1]
    first = chief.get(f"/reports/export.csv?period={month}").content
    page = chief.get(f"/reports/?period={month}").content.decode()
    _back_dated_contact(program, month.start + datetime.timedelta(days=19))
    assert chief.get(f"/reports/export.csv?period={month}").content == first
    again = chief.get(f"/reports/?period={month}").content.decode()
    report = lambda html: html[html.index("<h1>") : html.index('id="small-numbers"')]  # noqa: E731
    assert report(again) == report(page)
    assert PublishedReport.objects.filter(period=str(month)).count() == 1


def test_a_contact_back_dated_before_its_period_was_first_shown_counts_nowhere(program, chief):
    """Late entries count nowhere for leadership, even in a quarter first opened after them,
    so the quarter agrees with the months published before it."""
    quarter = program.quarter
    months = [chief.get(f"/reports/export.csv?period={m}").content for m in program.months]
    _back_dated_contact(program, program.months[0].start + datetime.timedelta(days=3))
    text = chief.get(f"/reports/export.csv?period={quarter}").content.decode()
    assert "Contacts,126" in text  # 3 × 42 recorded in time; the late one is left out
    assert all(
        m == chief.get(f"/reports/export.csv?period={p}").content for m, p in zip(months, program.months, strict=True)
    )


def _injured(program, *, talked: bool) -> str:
    zone = zoneinfo.ZoneInfo(program.agency.timezone)
    month = program.months[1]
    incident = Incident.objects.create(kind=Incident.Kind.ILLNESS_INJURY, occurred_on=month.start)
    offered = SupportRequest.objects.create(
        source="incident", urgency="soon", incident=incident, topics=[], data_key=DataKey.objects.create()
    )
    moment = datetime.datetime.combine(month.start + datetime.timedelta(days=2), datetime.time(10), tzinfo=zone)
    SupportRequest.objects.filter(pk=offered.pk).update(created_at=moment)
    if talked:
        contact = Contact.objects.create(
            request=offered, peer=program.peers[0], date=moment.date(), minutes=60, mode="phone",
            response_type="post_crisis", topics=["illness_injury"], referrals=[],
        )  # fmt: skip
        Contact.objects.filter(pk=contact.pk).update(created_at=moment + datetime.timedelta(hours=3))
    from sidebar.reports.report import leadership_report

    report = leadership_report(program.quarter, agency=program.agency)
    table = next(t for t in report.tables if t.key == "incidents")
    row = next(r for r in table.rows if r.label == "Illness or injury on duty")
    return " | ".join(c.text for c in row.cells)


@pytest.mark.parametrize("talked", [False, True])
def test_the_row_of_one_injured_person_reads_the_same_whether_they_talked_or_not(program, talked):
    """Observed: "Illness or injury on duty — offered support 1" with "0" or "fewer than 5"
    contacts told a leader who knew the person whether they talked to a peer."""
    assert _injured(program, talked=talked) == "hidden | hidden | hidden | hidden"


def test_a_number_hidden_to_protect_another_reads_hidden_not_fewer_than_k(program, chief):
    html = chief.get(f"/reports/?period={program.quarter}").content.decode()
    assert "fewer than 5</td>" not in html
    assert ">hidden</td>" in html


def test_no_summary_figure_is_hidden_in_a_busy_quarter(program):
    from sidebar.reports.report import leadership_report

    report = leadership_report(program.quarter, agency=program.agency)
    assert [s.label for s in report.summary if s.hidden] == []


@pytest.mark.parametrize("path", ["/reports/", "/reports/print/", "/reports/export.csv"])
def test_a_period_whose_trend_reaches_before_2000_is_not_a_500(cast, chief, path):
    """Observed: /reports/?period=2000-01 answered 500 (the twelve-month trend reached 1999)."""
    response = chief.get(f"{path}?period=2000-01")
    assert response.status_code == 200


def test_the_team_page_for_january_2000_is_not_a_500(cast):
    response = signed_in(cast.team_leader).get("/reports/team/?period=2000-01")
    assert response.status_code == 200
