from __future__ import annotations

from django_tasks import task

from sidebar.audit.services import run_verification


@task()
def verify_audit_chain() -> bool:
    """Walks the audit chain; the outcome shows on the privacy page and the audit screen."""
    return run_verification().ok
