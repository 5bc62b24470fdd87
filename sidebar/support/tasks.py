from __future__ import annotations

from django_tasks import task

from sidebar.support import services


@task()
def send_check_in_reminders() -> int:
    """E-mails each peer about check-ins that fell due. Idempotent (reminded_at marks each)."""
    return services.send_check_in_reminders()


@task()
def forget_shredded_tickets() -> int:
    """After the retention job shredded identities, remove what is left of their tickets (the
    anonymous channel's attempt counters live with every other limit: sidebar.throttle)."""
    from sidebar.support.tickets import forget_shredded_tickets as forget

    return forget()


@task()
def close_inactive_requests() -> int:
    """Warn the team leaders a week ahead, then close requests nobody touched (idempotent)."""
    from sidebar.support.inactivity import warn_and_close_inactive

    run = warn_and_close_inactive()
    return run.warned + run.closed
