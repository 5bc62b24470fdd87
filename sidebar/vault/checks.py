"""Start-up refuses to run with a missing or wrong master key (manage.py commands run this
check; gunicorn runs it from sidebar/wsgi.py)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError


@register("vault")
def master_keys_open_live_data_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from sidebar.vault.services import master_key_problems

    try:
        problems = master_key_problems()
    except DatabaseError:
        return []  # tables not created yet (first migrate): nothing is sealed
    return [
        Error(
            problem,
            hint="Set SIDEBAR_MASTER_KEY and SIDEBAR_KEY_STORE to the keys and key store this database was written with. Without them, no identity can be read.",
            id="vault.E001",
        )
        for problem in problems
    ]
