from __future__ import annotations

from django_tasks import task

from sidebar.vault import services


@task()
def shred_due_identities() -> int:
    """Shreds identities whose retention ran out, then moves the live data keys of every ended
    epoch to the current one and destroys the ended epochs' keys — which is what makes the
    copies the database keeps (dead rows, WAL, replicas, dumps) useless. Hourly, idempotent:
    safe to run twice or late (late only delays the destruction)."""
    return services.rotate_epochs().shredded
