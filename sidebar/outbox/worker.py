"""What django-tasks-db's worker does not do by itself: free the job of a worker that died, and
wait for the database when it goes away for a moment.

A job is RUNNING from the moment a worker claims it until that worker records the outcome; a
worker killed in between (SIGKILL, the out-of-memory killer, a host that lost power) leaves it
RUNNING for ever. ``reclaim_abandoned_tasks`` puts such a job back in the queue once it has run
longer than ``TASK_LEASE`` (Sidebar's jobs take seconds), or at once when the worker that holds
it says it is no longer running anything. Every job is safe to run twice, so a job reclaimed
from a worker that was only slow does no harm."""

from __future__ import annotations

import datetime
import logging
import time

from django.db import InterfaceError, OperationalError, connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("sidebar.worker")

TASK_LEASE = datetime.timedelta(minutes=15)
# A job that took its worker down this many times is not tried again (it would take the next one too).
MOST_CLAIMS = 5
DATABASE_DOWN = (OperationalError, InterfaceError)
LONGEST_WAIT = 30.0


def reclaim_abandoned_tasks(*, now: datetime.datetime | None = None, worker_id: str | None = None) -> int:
    """Back to READY: jobs RUNNING for longer than the lease, or (``worker_id``) every job that
    worker claimed, when it knows it runs none. Returns how many were put back."""
    now = now or timezone.now()
    running = DBTaskResult.objects.running()
    if worker_id is None:
        running = running.filter(started_at__lt=now - TASK_LEASE)
    reclaimed = 0
    with transaction.atomic():
        for result in running.select_for_update(skip_locked=True):
            if worker_id is not None and result.worker_ids[-1:] != [worker_id]:
                continue
            if len(result.worker_ids) >= MOST_CLAIMS:
                DBTaskResult.objects.filter(pk=result.pk).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path="sidebar.outbox.worker.AbandonedTooOften",
                    traceback=f"claimed {len(result.worker_ids)} times by workers that stopped",
                )
                logger.error(
                    "job %s (%s) given up: its workers stopped %d times", result.pk, result.task_path, MOST_CLAIMS
                )
                continue
            DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY
            )
            logger.warning("job %s (%s) put back in the queue: its worker stopped", result.pk, result.task_path)
            reclaimed += 1
    return reclaimed


class ResilientWorker(Worker):
    """django-tasks-db's worker, restarted in the same process when the database goes away
    (it retries only a locked SQLite file and exits on anything else)."""

    def run(self) -> None:
        wait = 1.0
        while True:
            try:
                reclaim_abandoned_tasks()
                super().run()
                return
            except DATABASE_DOWN as exc:
                if not self.running:
                    raise
                # One line, no traceback: the outage is the news, not where it was noticed.
                logger.warning(
                    "worker %s: database unreachable (%s); trying again in %.0f s",
                    self.worker_id,
                    type(exc).__name__,
                    wait,
                )
                self._drop_connections()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                self._reclaim_own_job()

    def _drop_connections(self) -> None:
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except DATABASE_DOWN:
                connection.connection = None  # already gone; Django reconnects on next use

    def _reclaim_own_job(self) -> None:
        # A job this worker was running when the database went away stays RUNNING (its outcome
        # could not be written): nothing of ours runs now, so it goes back at once.
        try:
            reclaim_abandoned_tasks(worker_id=self.worker_id)
        except DATABASE_DOWN:
            self._drop_connections()  # still down: the next round of run() waits again
