"""Counting attempts against a limit, atomically, in the database every worker shares.

An attempt *takes* a unit before the work it guards, with one conditional UPDATE
(``count = count + 1 WHERE count < limit``), which PostgreSQL re-checks under the row lock and
SQLite runs under its single write lock: of any number of simultaneous attempts, exactly
``limit`` get a unit. An attempt that turns out not to count (the right password) gives its unit
back. Windows are fixed: the first attempt opens one, it ends ``window`` later.

Every limit counts here: sign-ins, signed-in actions, and the anonymous ticket's passphrases and
submissions. The app sits below accounts and support, so both can use it.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sidebar.throttle.models import Counter


def counter_key(purpose: str, value: str) -> bytes:
    """A counter's key: a keyed hash of what is counted, so the table names no address or account."""
    return salted_hmac(f"sidebar.throttle.{purpose}", value, algorithm="sha256").digest()


def take(key: bytes, *, limit: int, window: datetime.timedelta) -> bool:
    """Take one of ``limit`` units of the current window; False when none is left."""
    for _ in range(3):
        now = timezone.now()
        current = Counter.objects.filter(key=key, window_ends_at__gt=now)
        if current.filter(count__lt=limit).update(count=F("count") + 1):
            return True
        if current.exists():
            return False  # every unit of this window is taken
        if Counter.objects.filter(key=key, window_ends_at__lte=now).update(count=1, window_ends_at=now + window):
            return True  # the old window had passed: this attempt opens a new one
        try:
            with transaction.atomic():
                Counter.objects.create(key=key, count=1, window_ends_at=now + window)
            return True
        except IntegrityError:
            continue  # another attempt created it meanwhile: count against that row
    return False  # pragma: no cover - three races lost in a row: refuse rather than let through


def give_back(key: bytes) -> None:
    """Return a unit taken for an attempt that does not count."""
    Counter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def forget_passed_windows() -> int:
    """Remove counters whose window has passed (idempotent; a scheduled job)."""
    deleted, _ = Counter.objects.filter(window_ends_at__lte=timezone.now()).delete()
    return deleted
