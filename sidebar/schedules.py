"""Every recurring job, declared in one place.

``manage.py run_schedules`` (run it every few minutes from a systemd timer or cron, see
docs/deploy.md) enqueues each job whose interval has passed; a task worker (``manage.py
db_worker``) runs them. Jobs are idempotent, so a run that comes late or twice does no harm.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sidebar.audit.tasks import take_audit_checkpoint, verify_audit_chain
from sidebar.incidents.tasks import send_anniversary_reminders
from sidebar.outbox.tasks import deliver_mail
from sidebar.support.tasks import close_inactive_requests, forget_shredded_tickets, send_check_in_reminders
from sidebar.throttle.tasks import forget_passed_windows
from sidebar.training.tasks import send_training_reminders
from sidebar.vault.tasks import shred_due_identities


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Any
    every: datetime.timedelta


SCHEDULES: tuple[Schedule, ...] = (
    # retries of e-mails that failed (each new e-mail queues a delivery run of its own)
    Schedule("deliver-mail", deliver_mail, datetime.timedelta(minutes=1)),
    Schedule("shred-due-identities", shred_due_identities, datetime.timedelta(hours=1)),
    Schedule("verify-audit-chain", verify_audit_chain, datetime.timedelta(days=1)),
    # hourly: how long a cut can go unanchored; e-mailed once a day (see take_checkpoint)
    Schedule("audit-checkpoint", take_audit_checkpoint, datetime.timedelta(hours=1)),
    Schedule("check-in-reminders", send_check_in_reminders, datetime.timedelta(hours=1)),
    Schedule("forget-shredded-tickets", forget_shredded_tickets, datetime.timedelta(hours=1)),
    # --- task: auto-close ---
    # warns the team leaders a week ahead, then closes requests nobody touched (issue 12, section 1)
    Schedule("close-inactive-requests", close_inactive_requests, datetime.timedelta(days=1)),
    # --- end task ---
    # --- task: sign-in rush (issue 13 section 2) ---
    Schedule("forget-sign-in-counters", forget_passed_windows, datetime.timedelta(hours=1)),
    # --- end task ---
    Schedule("training-reminders", send_training_reminders, datetime.timedelta(hours=6)),
    Schedule("incident-anniversaries", send_anniversary_reminders, datetime.timedelta(days=1)),
)
