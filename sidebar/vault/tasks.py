from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django_tasks import task

from sidebar.vault import services

logger = logging.getLogger(__name__)


@task()
def shred_due_identities() -> int:
    """Shreds identities whose retention ran out. Idempotent: safe to run twice or late."""
    count = services.shred_due()
    if count and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # PostgreSQL keeps old row versions until VACUUM; reclaim the shredded keys' bytes now
        # rather than whenever autovacuum comes by (WAL archives are covered in docs/deploy.md).
        try:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM vault_datakey, vault_sealedvalue")
        except DatabaseError:
            logger.warning("VACUUM after shredding failed; autovacuum will reclaim the rows later")
    return count
