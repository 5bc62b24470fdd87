"""Reminders before the year's hours lapse: each active peer still below the yearly hours gets one
e-mail at each stage (60 and 14 days before 31 December), through a real SMTP server, however
often the job runs. The e-mail speaks only of the reader's own hours and links to their record."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from sidebar.org.models import Agency
from sidebar.training.models import TrainingReminder
from sidebar.training.services import reminder_stage, send_training_reminders
from tests.factories import make_peer
from tests.training.conftest import attended, held, member

pytestmark = pytest.mark.django_db

YEAR = 2026


def day(month: int, date: int) -> datetime.date:
    return datetime.date(YEAR, month, date)


def test_the_reminder_stages_are_60_and_14_days_before_the_year_ends():
    assert reminder_stage(day(10, 31)) is None  # 61 days left
    assert reminder_stage(day(11, 1)) == 60
    assert reminder_stage(day(12, 16)) == 60  # 15 days left
    assert reminder_stage(day(12, 17)) == 14
    assert reminder_stage(day(12, 31)) == 14


def test_a_peer_below_the_hours_is_reminded_once_per_stage(cast, smtp_server, django_capture_on_commit_callbacks):
    Agency.objects.update(yearly_training_hours=8)
    short = make_peer(cast.peer)
    done = member("Done Dana")
    member("Leave Lee", status="inactive")  # on leave: not asked to train
    attended(short, held(day(3, 1), hours="3"))
    attended(done, held(day(3, 2), hours="8"))

    def run(on: datetime.date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_training_reminders(today=on)

    assert run(day(10, 20)) == 0  # before the first stage
    assert run(day(11, 1)) == 1
    assert run(day(11, 1)) == 0  # the job ran again the same day
    assert run(day(11, 25)) == 0  # still the first stage
    messages = smtp_server.deliver(1)
    assert len(messages) == 1

    assert run(day(12, 17)) == 1  # the second stage
    assert run(day(12, 30)) == 0
    messages = smtp_server.deliver(2)
    assert len(messages) == 2
    assert [message["To"] for message in messages] == ["peer@example.gov", "peer@example.gov"]
    assert set(TrainingReminder.objects.values_list("days_before", flat=True)) == {60, 14}

    body = messages[1].get_payload()
    assert "3 of the 8 hours" in body and "ends in 14 days" in body
    assert "/training/record/" in body
    for name in ("Done Dana", "Leave Lee", "Leader"):
        assert name not in body


def test_a_peer_who_reaches_the_hours_is_not_reminded(cast, smtp_server, django_capture_on_commit_callbacks):
    Agency.objects.update(yearly_training_hours=4)
    peer = make_peer(cast.peer)
    attended(peer, held(day(11, 10), hours="4"))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_training_reminders(today=day(12, 20)) == 0
    assert smtp_server.deliver() == []


def test_the_reminder_job_is_scheduled(settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("run_schedules")
    assert "enqueued training-reminders" in capsys.readouterr().out
