from __future__ import annotations

from django_tasks import task

from sidebar.support import services


@task()
def send_check_in_reminders() -> int:
    """E-mails each peer about check-ins that fell due. Idempotent (reminded_at marks each)."""
    return services.send_check_in_reminders()
