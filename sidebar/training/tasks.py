from __future__ import annotations

from django_tasks import task

from sidebar.training import services


@task()
def send_training_reminders() -> int:
    """E-mails each active peer below the year's continuing-education hours, 60 and 14 days before
    the year ends. Idempotent (a stored reminder marks each peer, year and stage)."""
    return services.send_training_reminders()
