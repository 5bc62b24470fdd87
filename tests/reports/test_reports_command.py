"""``manage.py sidebar_report``: leadership's suppressed report for a month, quarter or year, as
CSV or JSON, audited; a clear message and a non-zero exit for a period it cannot report."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.reports.periods import Grain, Period, latest_completed
from tests.reports.test_reports_builder import build_program

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sidebar_report", *args, stdout=out)
    return out.getvalue()


def small(values: list[int]) -> list[int]:
    return [v for v in values if 0 < v < 5]


@pytest.fixture
def program(cast):
    return build_program()


@pytest.mark.parametrize("grain", [Grain.MONTH, Grain.QUARTER, Grain.YEAR])
def test_json_for_a_month_a_quarter_and_a_year(program, grain):
    period = latest_completed(grain, timezone.localdate())
    data = json.loads(run("--period", str(period), "--format", "json"))
    assert data["period"] == str(period)
    assert data["k"] == 5
    keys = [table["key"] for table in data["tables"]]
    expected = ["trend"] if grain is Grain.MONTH else ["requests-by-source", "first-contact", "contacts"]
    assert keys[: len(expected)] == expected
    counts = [c for t in data["tables"] for row in t["rows"] for c in row["cells"] if c is not None]
    assert not small(counts)
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert (event.object_type, event.object_id, event.detail, event.actor_id) == ("report", str(period), "json", None)


def test_csv_is_the_default_format(program):
    period = program.quarter
    rows = list(csv.reader(io.StringIO(run("--period", str(period)))))
    assert rows[0] == ["Sidebar program statistics"]
    assert rows[1] == ["Period", str(period), period.label]
    assert ["Anonymous", "hidden"] in rows or any(row[:1] == ["Anonymous"] for row in rows)
    assert not small([int(v) for row in rows for v in row if v.isdigit()])


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-13", "“2026-13” is not a reporting period: months run from 01 to 12."),
        ("2026-Q5", "quarters run from Q1 to Q4"),
        ("26", "“26” is not a reporting period."),
        ("2026-07-01", "is not a reporting period"),
    ],
)
def test_a_malformed_period_is_refused_with_a_message(cast, period, message):
    with pytest.raises(CommandError, match="Write a month as 2026-10") as error:
        run("--period", period)
    assert message in str(error.value)
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_a_period_still_running_is_refused(cast):
    current = Period.containing(timezone.localdate(), Grain.YEAR)
    with pytest.raises(CommandError, match=f"{current} has not ended yet") as error:
        run("--period", str(current))
    assert f"The latest completed year is {current.previous()}." in str(error.value)


def test_the_command_exits_non_zero_with_the_message_on_stderr(tmp_path):
    """The real process: what automation sees."""
    env = {"SIDEBAR_MODE": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "sidebar_report", "--period", "2026-13"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "“2026-13” is not a reporting period: months run from 01 to 12." in result.stderr
    assert result.stdout == ""
