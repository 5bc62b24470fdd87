from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand

from sidebar.outbox.worker import reclaim_abandoned_tasks
from sidebar.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Enqueue every scheduled job whose interval has passed (run every few minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Here, not only in the worker: a job left RUNNING by a dead worker is freed even while
        # no worker has started since.
        reclaimed = reclaim_abandoned_tasks()
        if reclaimed:
            self.stdout.write(f"put back {reclaimed} job(s) left running by a worker that stopped")
        now = time.time()
        for schedule in SCHEDULES:
            cache_key = f"sidebar:schedule:{schedule.name}"
            last = cache.get(cache_key)
            if last is not None and now - last < schedule.every.total_seconds():
                continue
            schedule.task.enqueue()
            # The cache is the database table shared by every host, so two timers agree.
            cache.set(cache_key, now, timeout=int(schedule.every.total_seconds() * 2))
            self.stdout.write(f"enqueued {schedule.name}")
