"""Django's ``flush``, which the test suite runs after every transactional test.

On PostgreSQL a trigger refuses to TRUNCATE the audit tables, for every role (migration
audit/0008). In test mode only, this lifts that guard while the test database is emptied and
puts it back at once. Anywhere else ``flush`` is refused by the trigger, as any other TRUNCATE
of the audit log is: emptying the log is not something Sidebar does."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands import flush
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

TRUNCATE_TRIGGERS = {
    "audit_auditevent": "audit_event_no_truncate",
    "audit_checkpoint": "audit_checkpoint_no_truncate",
}


def _installed(connection: BaseDatabaseWrapper) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)", [list(TRUNCATE_TRIGGERS.values())])
        present = {name for (name,) in cursor.fetchall()}
    return {table: name for table, name in TRUNCATE_TRIGGERS.items() if name in present}


def _switch(connection: BaseDatabaseWrapper, triggers: dict[str, str], state: str) -> None:
    with connection.cursor() as cursor:
        for table, name in triggers.items():
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} {state} TRIGGER {connection.ops.quote_name(name)}"
            )


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        triggers = _installed(connection) if settings.TESTING and connection.vendor == "postgresql" else {}
        if not triggers:
            return super().handle(**options)
        _switch(connection, triggers, "DISABLE")
        try:
            return super().handle(**options)
        finally:
            _switch(connection, triggers, "ENABLE")
