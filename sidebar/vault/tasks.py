from __future__ import annotations

from django_tasks import task

from sidebar.vault import services


@task()
def shred_due_identities() -> int:
    """Shreds identities whose retention ran out (each shredding then reclaims its bytes).
    Idempotent: safe to run twice or late."""
    return services.shred_due()
