from __future__ import annotations

from django_tasks import task

from sidebar.outbox import services


@task(priority=50)
def deliver_mail() -> int:
    """Sends the outbox's due e-mails. Queued with every message and every minute (retries);
    safe to run twice or at once on two workers (a message row is locked while it is sent)."""
    return services.deliver().sent
