from __future__ import annotations

from django_tasks import task

from sidebar.throttle import counters


@task()
def forget_passed_windows() -> int:
    """Remove sign-in counters whose window has passed (idempotent)."""
    return counters.forget_passed_windows()
