"""The roster import: every bad line is reported and nothing is written; a good file creates and
updates people in bulk, in any order, without a query per row."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sidebar.org.models import Person, RankTier, Unit
from sidebar.org.roster import parse_roster
from sidebar.org.selectors import superiors_of
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

HEADER = "email,full_name,title,phone,unit,rank_tier,supervisor_email,active"
GOOD = [
    "chief@da.example.gov,Ada Chief,District Attorney,555-0100,Executive Office,Executive,,yes",
    "lead@da.example.gov,Ben Lead,Chief Deputy,,Trial Division/Felony Bureau,Manager,chief@da.example.gov,",
    "line@da.example.gov,Cy Line,Deputy DA,,Trial Division/Felony Bureau/Homicide Unit,Line staff,lead@da.example.gov,1",
]


@pytest.fixture(autouse=True)
def tiers(db: None) -> list[RankTier]:
    """The four default tiers an agency starts with."""
    names = ["Line staff", "Supervisor", "Manager", "Executive"]
    return [RankTier.objects.create(name=name, level=level) for level, name in enumerate(names)]


def write(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def run(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_roster", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path: Path) -> str:
    """Run an import that must fail; returns the report after checking nothing was written."""
    people, units = Person.objects.count(), Unit.objects.count()
    with pytest.raises(CommandError) as caught:
        run(path)
    assert (Person.objects.count(), Unit.objects.count()) == (people, units)
    return str(caught.value)


def test_good_file_creates_people_units_and_chain_of_command(tmp_path):
    out, err = run(write(tmp_path, *GOOD))
    assert "created 3, updated 0, unchanged 0, units created 4" in out
    assert err == ""  # no progress bar for a small file
    line = Person.objects.select_related("unit__parent__parent", "rank_tier").get(work_email="line@da.example.gov")
    assert (line.full_name, line.title, line.rank_tier.name, line.is_active) == (
        "Cy Line",
        "Deputy DA",
        "Line staff",
        True,
    )
    assert [line.unit.kind, line.unit.parent.kind, line.unit.parent.parent.kind] == ["unit", "bureau", "division"]
    assert line.unit.parent.parent.name == "Trial Division"
    assert {p.work_email for p in superiors_of(line)} == {"lead@da.example.gov", "chief@da.example.gov"}
    assert Unit.objects.get(name="Executive Office").kind == Unit.Kind.DIVISION


def test_one_bad_line_among_good_ones_imports_nothing_and_names_the_line(tmp_path):
    path = write(tmp_path, GOOD[0], "bad@,Dee Bad,,,,Line staff,,", *GOOD[1:])
    report = refused(path)
    assert 'line 3, email: "bad@" is not a valid e-mail address' in report
    assert "1 problem" in report
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        (",Dee Bad,,,,Line staff,,", "email: missing (required)"),
        ("not-an-email,Dee Bad,,,,Line staff,,", 'email: "not-an-email" is not a valid e-mail address'),
        ("dee@da.example.gov,,,,,Line staff,,", "full_name: missing (required)"),
        ("dee@da.example.gov,Dee Bad,,,,,,", "rank_tier: missing (required)"),
        (
            "dee@da.example.gov,Dee Bad,,,,Captain,,",
            "rank_tier: no such rank tier; the tiers are: Line staff, Supervisor",
        ),
        ("CHIEF@da.example.gov,Dee Bad,,,,Line staff,,", 'email: "CHIEF@da.example.gov" is also on line 2'),
        (
            "dee@da.example.gov,Dee Bad,,,,Line staff,nobody@da.example.gov,",
            'supervisor_email: "nobody@da.example.gov" is not in this file',
        ),
        ("dee@da.example.gov,Dee Bad,,,,Line staff,boss@,", 'supervisor_email: "boss@" is not a valid e-mail address'),
        (
            "dee@da.example.gov,Dee Bad,,,,Line staff,DEE@da.example.gov,",
            "supervisor_email: is the person's own e-mail",
        ),
        ("dee@da.example.gov,Dee Bad,,,,Line staff,,maybe", "active: must be one of yes, no, true, false, 1, 0"),
        ("dee@da.example.gov,Dee Bad,,,Trial Division//Homicide,Line staff,,", "unit: the path has an empty part"),
        ("dee@da.example.gov,Dee Bad,,,,Line staff,,,surplus", "9 values but the header names 8 columns"),
        (f"dee@da.example.gov,{'x' * 201},,,,Line staff,,", "full_name: longer than 200 characters"),
    ],
)
def test_each_kind_of_bad_line_is_refused_with_its_line_number_and_reason(tmp_path, bad_line, reason):
    report = refused(write(tmp_path, GOOD[0], GOOD[1], bad_line, GOOD[2]))
    assert f"line 4, {reason}" in report or f"line 4: {reason}" in report


def test_broken_quoting_is_reported_where_it_starts(tmp_path):
    report = refused(write(tmp_path, GOOD[0], 'dee@da.example.gov,"Dee "Bad",,,,Line staff,,', GOOD[1]))
    assert "line 3: malformed CSV" in report


def test_every_bad_line_is_reported_not_only_the_first(tmp_path):
    path = write(
        tmp_path,
        "one@da.example.gov,,,,,Line staff,,",  # line 2
        *GOOD,  # lines 3-5
        "two@,Two,,,,Line staff,,",  # line 6
        "three@da.example.gov,Three,,,,Sergeant,,",  # line 7
        "",  # line 8: blank lines are skipped but still counted
        "four@da.example.gov,Four,,,,Line staff,ghost@da.example.gov,",  # line 9
    )
    report = refused(path)
    assert "4 problems" in report
    for expected in ("line 2, full_name", "line 6, email", "line 7, rank_tier", "line 9, supervisor_email"):
        assert expected in report


def test_a_quoted_value_spanning_lines_keeps_physical_line_numbers(tmp_path):
    path = write(
        tmp_path, GOOD[0], 'two@da.example.gov,Two,"Deputy\nDA",,,Line staff,,', "three@,Three,,,,Line staff,,"
    )
    assert "line 5, email" in refused(path)


def test_the_report_quotes_no_names(tmp_path):
    report = refused(write(tmp_path, "x@,Zelda Quintessential,,,,Captain,,", "y@da.example.gov,Yara Q,,,,Nope,,"))
    assert "Zelda" not in report
    assert "Yara" not in report


def test_unknown_and_missing_columns_are_reported_on_line_1(tmp_path):
    report = refused(write(tmp_path, "a@da.example.gov,A,x", header="mail,full_name,rank"))
    assert 'line 1: unknown column "mail"' in report
    assert 'line 1: unknown column "rank"' in report
    assert 'line 1: missing required column "email"' in report
    assert 'line 1: missing required column "rank_tier"' in report


def test_header_names_are_forgiving_about_case_and_spaces(tmp_path):
    out, _ = run(write(tmp_path, "a@da.example.gov,A,Line staff", header="E-Mail,Full Name,RANK-TIER"))
    assert "created 1" in out


def test_empty_file_and_file_not_in_utf8_are_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "line 1: the file is empty" in refused(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{HEADER}\n{GOOD[0]}\nzoe@da.example.gov,Zo\xeb,,,,Line staff,,\n".encode("latin-1"))
    assert "line 3: this line is not UTF-8 text" in refused(latin)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([HEADER, *GOOD]) + "\r\n").encode("utf-8"))
    out, _ = run(path)
    assert "created 3" in out


def test_existing_people_are_updated_by_email_whatever_the_case(tmp_path):
    jane = PersonFactory(work_email="Jane.Doe@da.example.gov", title="Deputy DA", phone="555-0199")
    stamp = jane.updated_at
    row = "jane.doe@DA.EXAMPLE.GOV,Jane Doe-Smith,Senior Deputy DA,,Trial Division,Supervisor,,no"
    out, _ = run(write(tmp_path, row))
    assert "created 0, updated 1" in out
    jane.refresh_from_db()
    assert jane.work_email == "Jane.Doe@da.example.gov"  # the key keeps its spelling
    assert (jane.full_name, jane.title, jane.phone, jane.is_active) == ("Jane Doe-Smith", "Senior Deputy DA", "", False)
    assert (jane.unit.name, jane.rank_tier.name) == ("Trial Division", "Supervisor")
    assert jane.updated_at > stamp


def test_columns_left_out_of_the_file_keep_what_existing_people_have(tmp_path):
    boss = PersonFactory(work_email="boss@da.example.gov")
    jane = PersonFactory(work_email="jane@da.example.gov", title="Deputy DA", supervisor=boss, is_active=False)
    unit = jane.unit
    out, _ = run(write(tmp_path, "jane@da.example.gov,Jane Doe,Manager", header="email,full_name,rank_tier"))
    assert "updated 1" in out
    jane.refresh_from_db()
    assert (jane.title, jane.unit, jane.supervisor, jane.is_active) == ("Deputy DA", unit, boss, False)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    path = write(tmp_path, *GOOD)
    run(path)
    stamps = dict(Person.objects.values_list("work_email", "updated_at"))
    out, _ = run(path)
    assert "created 0, updated 0, unchanged 3, units created 0" in out
    assert dict(Person.objects.values_list("work_email", "updated_at")) == stamps


def test_supervisors_may_appear_after_the_people_who_report_to_them(tmp_path):
    out, _ = run(write(tmp_path, *reversed(GOOD)))
    assert "created 3" in out
    assert Person.objects.get(work_email="line@da.example.gov").supervisor.work_email == "lead@da.example.gov"


def test_a_supervisor_may_be_someone_already_in_sidebar(tmp_path):
    boss = PersonFactory(work_email="Boss@da.example.gov")
    run(write(tmp_path, "new@da.example.gov,New Hire,,,,Line staff,boss@da.example.gov,"))
    assert Person.objects.get(work_email="new@da.example.gov").supervisor == boss


def test_an_empty_supervisor_cell_clears_the_supervisor(tmp_path):
    jane = PersonFactory(work_email="jane@da.example.gov", supervisor=PersonFactory())
    run(write(tmp_path, "jane@da.example.gov,Jane,,,,Line staff,,"))
    jane.refresh_from_db()
    assert jane.supervisor is None


def test_a_supervisor_loop_within_the_file_is_refused_on_every_line_of_it(tmp_path):
    path = write(
        tmp_path,
        "a@da.example.gov,A,,,,Manager,c@da.example.gov,",
        "b@da.example.gov,B,,,,Manager,a@da.example.gov,",
        "c@da.example.gov,C,,,,Manager,b@da.example.gov,",
        *GOOD,
    )
    report = refused(path)
    for line in (2, 3, 4):
        assert f"line {line}, supervisor_email: this would make a reporting loop" in report
    assert "line 5" not in report


def test_a_loop_closed_through_the_database_is_refused(tmp_path):
    top = PersonFactory(work_email="top@da.example.gov")
    middle = PersonFactory(work_email="middle@da.example.gov", supervisor=top)
    PersonFactory(work_email="bottom@da.example.gov", supervisor=middle)
    report = refused(write(tmp_path, "top@da.example.gov,Top,,,,Executive,bottom@da.example.gov,"))
    assert "line 2, supervisor_email: this would make a reporting loop" in report
    assert "top@da.example.gov → bottom@da.example.gov → middle@da.example.gov → top@da.example.gov" in report


def test_loops_are_judged_on_the_final_state_not_the_database(tmp_path):
    """Swapping a supervisor and a report is fine when the file also moves the other one."""
    boss = PersonFactory(work_email="boss@da.example.gov")
    report = PersonFactory(work_email="report@da.example.gov", supervisor=boss)
    run(
        write(
            tmp_path,
            "boss@da.example.gov,Boss,,,,Manager,report@da.example.gov,",
            "report@da.example.gov,Report,,,,Executive,,",
        )
    )
    boss.refresh_from_db()
    report.refresh_from_db()
    assert (boss.supervisor, report.supervisor) == (report, None)


def test_a_single_unit_name_matches_an_existing_unit_anywhere(tmp_path):
    division = UnitFactory(name="Trial Division", kind=Unit.Kind.DIVISION)
    homicide = UnitFactory(name="Homicide Unit", parent=division)
    out, _ = run(write(tmp_path, "a@da.example.gov,A,,,homicide unit,Line staff,,"))
    assert "units created 0" in out
    assert Person.objects.get().unit == homicide


def test_an_ambiguous_unit_name_is_refused_with_the_candidate_paths(tmp_path):
    for division in ("Trial Division", "Juvenile Division"):
        UnitFactory(name="Homicide Unit", parent=UnitFactory(name=division))
    report = refused(write(tmp_path, "a@da.example.gov,A,,,Homicide Unit,Line staff,,"))
    assert (
        "line 2, unit: 2 units have this name (Juvenile Division/Homicide Unit; Trial Division/Homicide Unit)" in report
    )


def test_a_unit_path_reuses_existing_units_and_creates_only_what_is_missing(tmp_path):
    division = UnitFactory(name="Trial Division", kind=Unit.Kind.DIVISION)
    out, _ = run(write(tmp_path, "a@da.example.gov,A,,,TRIAL DIVISION/Felony Bureau/Gangs,Line staff,,"))
    assert "units created 2" in out
    gangs = Person.objects.get().unit
    assert (gangs.kind, gangs.parent.kind, gangs.parent.parent) == ("unit", "bureau", division)


def test_parse_roster_reads_without_writing():
    result = parse_roster("\n".join([HEADER, *GOOD]).encode())
    assert result.errors == []
    assert [row.line for row in result.rows] == [2, 3, 4]
    assert len(result.new_units) == 4
    assert Person.objects.count() == Unit.objects.count() == 0


def roster(count: int, *, supervisors_last: bool = True) -> list[str]:
    """``count`` people in a tree ten wide: person i reports to person (i - 1) // 10, and
    person 0 reports to nobody. Supervisors come after their reports unless asked otherwise."""
    units = ["Trial Division/Felony Bureau/Homicide Unit", "Trial Division/Misdemeanor Bureau", "Appellate Division"]
    tiers = ["Executive", "Manager", "Supervisor", "Line staff"]
    lines = []
    for i in range(count):
        supervisor = f"p{(i - 1) // 10}@da.example.gov" if i else ""
        tier = tiers[min(3, len(str(i)) - 1)]
        lines.append(f"p{i}@da.example.gov,Person {i},Deputy DA,555-{i:04d},{units[i % 3]},{tier},{supervisor},yes")
    return list(reversed(lines)) if supervisors_last else lines


def test_twenty_thousand_rows_import_with_a_progress_bar(tmp_path):
    out, err = run(write(tmp_path, *roster(20_000)))
    assert "created 20000, updated 0, unchanged 0, units created 5" in out
    assert Person.objects.count() == 20_000
    assert "Importing [" in err
    assert "20000/20000" in err
    # 19999 → 1999 → 199 → 19 → 1 → 0
    chain = {p.work_email for p in superiors_of(Person.objects.get(work_email="p19999@da.example.gov"))}
    assert chain == {f"p{i}@da.example.gov" for i in (1999, 199, 19, 1, 0)}


@pytest.mark.parametrize("count", [200, 400])
def test_the_import_makes_a_bounded_number_of_queries(tmp_path, django_assert_max_num_queries, count):
    """Inserts go in batches (SQLite takes 999 parameters, so about 90 people a statement);
    everything else is a fixed number of queries. A query per row would need hundreds."""
    PersonFactory.create_batch(5)
    updates = [f"{p.work_email},Renamed,,,,Manager,,yes" for p in Person.objects.all()]
    path = write(tmp_path, *roster(count), *updates)
    with django_assert_max_num_queries(20):
        out, _ = run(path)
    assert f"created {count}, updated 5" in out
