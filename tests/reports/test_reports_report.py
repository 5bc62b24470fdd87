"""The report as leadership and the team leader get it: every leadership number through the
suppression engine, months and their quarter consistent with each other, the trend taken from
the published months, exports (CSV, JSON, PDF) carrying the same published tables."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import shutil
import subprocess

import pytest

from sidebar.reports import exports, queries
from sidebar.reports.periods import Period
from sidebar.reports.report import Figures, leadership_report, publish_for_leadership, team_report
from sidebar.reports.services import render
from sidebar.reports.suppression import CountTable
from sidebar.reports.tables import TableView
from tests.reports.test_reports_builder import CONTACT_MODES, build_program

pytestmark = pytest.mark.django_db

K = 5


def numbers(table: TableView) -> list[int]:
    return [
        c.value
        for row in table.all_rows
        for c in (*row.cells, *([row.total] if row.total else []))
        if c.value is not None
    ]


def small(values: list[int], k: int = K) -> list[int]:
    return [v for v in values if 0 < v < k]


@pytest.fixture
def program(cast):
    return build_program()


def test_leadership_tables_hold_no_count_from_one_to_k_minus_one(program):
    report = leadership_report(program.quarter, agency=program.agency)
    for table in report.tables:
        assert not small(numbers(table)), table.title
    for month in program.months:
        for table in leadership_report(month, agency=program.agency).tables:
            assert not small(numbers(table)), (str(month), table.title)


def test_the_team_leader_sees_the_exact_small_counts(program):
    report = team_report(program.quarter, agency=program.agency)
    by_key = {table.key: table for table in report.tables}
    anonymous = next(row for row in by_key["requests-by-source"].rows if row.label == "Anonymous")
    assert anonymous.cells[0].value == 6
    email = next(row for row in by_key["contacts"].rows if row.label == "E-mail")
    assert email.total.value == 3 * CONTACT_MODES["email"]
    assert small(numbers(by_key["exceptions"])) == [3, 3]  # danger to self: the row and the total
    assert report.k is None and not report.has_hidden


def _row_values(row):
    return (*row.cells, *([row.total] if row.total else []))


def test_a_month_publishes_its_summary_and_trend_and_the_quarter_every_table(program):
    """Issue 12: breakdowns start at the quarter; month by month they were mostly hidden and
    forced the quarter to hide whatever any month hid."""
    month = leadership_report(program.months[0], agency=program.agency)
    assert [t.key for t in month.tables] == ["trend"]
    quarter = leadership_report(program.quarter, agency=program.agency)
    assert [t.key for t in quarter.tables][:3] == ["requests-by-source", "first-contact", "contacts"]


def test_subtracting_the_months_from_their_quarter_gives_nothing_away(program):
    """The differencing attack across pages: what a month shows is its summary; a summary figure
    the quarter shows is the sum of its months' when they all show it, and hidden when exactly
    one month hides it."""
    quarter = leadership_report(program.quarter, agency=program.agency)
    months = [leadership_report(month, agency=program.agency) for month in program.months]
    for stat in (*quarter.summary[:2], *quarter.summary[4:]):
        parts = [next(s for s in m.summary if s.label == stat.label) for m in months]
        hiding = [p for p in parts if p.hidden]
        if not hiding:
            assert not stat.hidden
            assert int(stat.short) == sum(int(p.short) for p in parts), stat.label
        elif len(hiding) == 1:
            assert stat.hidden, stat.label


def test_the_trend_shows_each_months_own_published_total(program):
    quarter = leadership_report(program.quarter, agency=program.agency)
    trend = next(table for table in quarter.tables if table.key == "trend")
    for month in program.months:
        own = next(s for s in leadership_report(month, agency=program.agency).summary if s.label == "Contacts")
        point = next(row for row in trend.rows if row.label == month.label)
        assert point.cells[0].text == own.text
    assert [row.label for row in trend.rows][-1] == program.months[-1].label
    assert len(trend.rows) == 12


def _figures(by_source: tuple[int, ...], first_contact: tuple[tuple[int, int, int], ...]) -> Figures:
    """A quarter whose first month holds everything (the others are empty)."""
    quarter = Period.parse("2026-Q4")
    months = quarter.months()

    def first_only(table: CountTable) -> dict[Period, CountTable]:
        empty = tuple(tuple(0 for _ in row) for row in table.cells)
        return {m: table if m == months[0] else CountTable(table.title, table.row_labels, table.column_labels, empty,
                                                            table.totals_are_sums) for m in months}  # fmt: skip

    empty_one = CountTable("x", ("a", "b"), ("n",), ((0,), (0,)))
    return Figures(
        period=quarter,
        trend_months=tuple(months),
        requests_by_source=first_only(
            CountTable("Requests", ("self", "colleague", "anonymous"), ("n",), tuple((v,) for v in by_source))
        ),
        first_contact=first_only(
            CountTable("First", ("routine", "soon", "urgent"), ("in", "late", "none"), first_contact)
        ),
        contacts=first_only(CountTable("Contacts", ("a", "b"), ("x", "y"), ((10, 10), (10, 10)))),
        topics=first_only(CountTable("Topics", ("a", "b"), ("n",), ((10,), (0,)), totals_are_sums=False)),
        referrals=first_only(empty_one),
        check_ins=first_only(CountTable("Check-ins", ("due",), ("done", "not", "cancelled"), ((10, 0, 0),))),
        exceptions=first_only(empty_one),
        incidents=first_only(CountTable("Incidents", ("a",), ("people", "contacts"), ((0, 0),), totals_are_sums=False)),
        team=CountTable("Team", ("peer", "supervisory"), ("trained", "not"), ((10, 0), (6, 0))),
        minutes=1200,
        medians={},
        targets={u: datetime.timedelta(hours=1) for u in queries.URGENCIES},
    )


def test_a_table_that_hid_the_shared_total_is_withheld_when_the_other_shows_it():
    # Six requests: the first-contact table can protect its ones only by hiding its grand total,
    # which requests-by-source shows (6, all asked for themselves).
    figures = _figures((6, 0, 0), ((1, 1, 1), (0, 0, 1), (1, 0, 1)))
    report = publish_for_leadership(figures, k=K)
    tables = {t.key: t for t in report.tables}
    first = tables["first-contact"]
    assert tables["requests-by-source"].totals_row.cells[0].value == 6
    assert first.withheld
    assert all(c.hidden for row in first.all_rows for c in _row_values(row))
    assert all(extra == "—" for row in first.rows for extra in row.extras)
    assert report.summary[0].text == "6"


def test_nothing_is_withheld_when_both_tables_show_the_total():
    report = publish_for_leadership(_figures((20, 20, 0), ((12, 8, 0), (3, 4, 0), (6, 9, 0))), k=K)
    assert not any(table.withheld for table in report.tables)


def test_shares_and_medians_are_shown_only_with_both_of_their_counts():
    figures = _figures((20, 20, 0), ((12, 8, 0), (3, 4, 0), (6, 9, 0)))
    figures = Figures(**{**figures.__dict__, "medians": {u: datetime.timedelta(hours=5) for u in queries.URGENCIES}})
    report = publish_for_leadership(figures, k=K)
    first = next(t for t in report.tables if t.key == "first-contact")
    routine, soon, urgent = first.rows
    assert routine.extras == ("5.0 hours", "1 hour", "60 %")
    assert soon.extras[0] == "—" and soon.extras[2] == "—"  # 3 and 4: hidden, so is what they make
    assert urgent.extras[0] == "—"  # 6 and 9, hidden to protect the 3 and 4 from the column totals
    assert [c.text for c in routine.cells] == ["12", "8", "0"]


def test_csv_carries_the_published_tables_with_hidden_counts_as_less_than_k(program):
    report = leadership_report(program.quarter, agency=program.agency)
    text = render(report, fmt="csv", agency_name="Test").decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:2] == ["Period", str(program.quarter)]
    values = [cell for row in rows for cell in row]
    assert "hidden" in values
    assert not small([int(v) for v in values if re.fullmatch(r"\d+", v)])
    titles = [row[0] for row in rows if len(row) == 1]
    assert "Contacts per month, last twelve months" in titles


def test_json_has_null_for_hidden_counts(program):
    report = leadership_report(program.quarter, agency=program.agency)
    data = json.loads(render(report, fmt="json", agency_name="Test"))
    assert data["period"] == str(program.quarter) and data["k"] == K
    cells = [c for t in data["tables"] for row in t["rows"] for c in row["cells"]]
    assert None in cells
    assert not small([c for c in cells if c is not None])


def _pdf_strings(content: bytes) -> list[str]:
    return [m.decode("cp1252") for m in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", content)]


def test_the_pdf_is_a_well_formed_file_without_small_numbers(program, tmp_path):
    report = leadership_report(program.quarter, agency=program.agency)
    content = exports.to_pdf(report, agency_name="Test County District Attorney")
    assert content.startswith(b"%PDF-1.4\n") and content.rstrip().endswith(b"%%EOF")
    # every cross-reference entry points at the object it names
    start = int(re.search(rb"startxref\n(\d+)", content).group(1))
    table = content[start:].split(b"trailer")[0].splitlines()[3:]
    for number, line in enumerate(table, start=1):
        offset = int(line[:10])
        assert content[offset:].startswith(b"%d 0 obj" % number)
    strings = _pdf_strings(content)
    assert "Contacts per month, last twelve months" in strings
    assert "hidden" in strings
    assert not small([int(s.replace(",", "")) for s in strings if re.fullmatch(r"[\d,]+", s)])
    if shutil.which("qpdf"):  # a second opinion where the tool is installed
        (tmp_path / "report.pdf").write_bytes(content)
        check = subprocess.run(["qpdf", "--check", str(tmp_path / "report.pdf")], capture_output=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr


def test_pdf_text_outside_winansi_is_replaced_not_lost():
    from sidebar.reports import pdf

    document = pdf.Document(title="Ωmega (test) \\ done")
    document.paragraph("Naïve – ≤ 5")
    content = document.to_bytes()
    assert rb"(Na\357ve \226 ? 5) Tj" in content
    assert rb"/Title (?mega \(test\) \\ done)" in content
