from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from sidebar.audit.models import Verification
from sidebar.vault import services
from sidebar.vault.models import DataKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_run_schedules_shreds_due_identities_and_verifies_the_chain(immediate_tasks, capsys):
    key = services.create_key()
    services.schedule_shredding(key=key, closed_at=timezone.now() - datetime.timedelta(days=40), retention_days=30)
    call_command("run_schedules")
    assert "enqueued shred-due-identities" in capsys.readouterr().out
    assert DataKey.objects.get(pk=key.pk).wrapped is None
    assert Verification.objects.get().ok


def test_a_job_is_not_enqueued_again_before_its_interval(immediate_tasks, capsys):
    call_command("run_schedules")
    capsys.readouterr()
    call_command("run_schedules")
    assert capsys.readouterr().out == ""


def test_jobs_go_to_the_database_queue_by_default(capsys):
    from django_tasks_db.models import DBTaskResult

    from sidebar.schedules import SCHEDULES

    call_command("run_schedules")
    assert DBTaskResult.objects.count() == len(SCHEDULES)  # every job, once
