from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """How many units of a limit one key (an account, an address, an account at an address) has
    used in the current window, shared by every worker and host. Counting is one conditional
    UPDATE (``sidebar.throttle.counters``), so attempts sent at the same moment cannot all slip
    under a limit, and nothing evicts a counter before its window ends (the database cache culls
    entries once it holds 300, which anyone able to type 300 addresses could use to wipe an
    account's count). The key is a keyed hash, bytes: the table holds neither addresses nor
    accounts, and rows go once their window has passed."""

    key = models.BinaryField(max_length=32, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return "attempt counter"
