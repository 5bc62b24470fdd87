from __future__ import annotations

from django_tasks import task

from sidebar.incidents import services


@task()
def send_anniversary_reminders() -> int:
    """Two weeks before an incident's anniversary, tell the team leaders (once a year each)."""
    return services.send_anniversary_reminders()
