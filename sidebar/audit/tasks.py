from __future__ import annotations

from django_tasks import task

from sidebar.audit.services import run_verification, take_checkpoint


@task()
def verify_audit_chain() -> bool:
    """Walks the audit chain; the outcome shows on the privacy page and the audit screen."""
    return run_verification().ok


@task()
def take_audit_checkpoint() -> bool:
    """Verifies the chain and signs a checkpoint of its head (sidebar.audit.services.take_checkpoint);
    False when the chain failed and the alarm went out instead."""
    return take_checkpoint(scheduled=True).checkpoint is not None
