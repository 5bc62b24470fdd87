"""The limits on signed-in actions hold when the same account sends many at the same moment from
several workers (issue 17 V2.4.1): exactly the limit gets through, on PostgreSQL's concurrent
transactions (SQLite runs one writer at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from sidebar.support import services
from sidebar.support.models import SupportRequest
from sidebar.throttle import actions
from tests.factories import make_account, make_cast

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="transactions at once: PostgreSQL"),
]
AT_ONCE = 8


def all_at_once(send: Callable[[int], None]) -> list[str]:
    barrier = threading.Barrier(AT_ONCE)
    outcomes: list[str] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            send(n)
            outcomes.append("made")
        except actions.LimitReached:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_asks_sent_at_once_stop_exactly_at_the_limit():
    staff = make_cast().staff

    def ask(n: int) -> None:
        services.ask_for_myself(
            user=staff, person=staff.person, urgency="urgent", kind="post_crisis", topics=["grief"],
            submission=f"form-{n}", limit=True,
        )  # fmt: skip

    outcomes = all_at_once(ask)
    assert outcomes.count("made") == actions.ASK.amount
    assert outcomes.count("refused") == AT_ONCE - actions.ASK.amount
    assert SupportRequest.objects.count() == actions.ASK.amount


def test_referrals_sent_at_once_stop_exactly_at_the_limit():
    cast = make_cast()
    colleagues = [make_account(f"colleague{n}@example.gov").person for n in range(AT_ONCE)]

    def refer(n: int) -> None:
        services.refer_colleague(
            referrer=cast.outsider, colleague=colleagues[n], reason="visible_distress", urgency="urgent",
            submission=f"form-{n}", limit=True,
        )  # fmt: skip

    outcomes = all_at_once(refer)
    assert outcomes.count("made") == actions.REFER.amount
    assert SupportRequest.objects.count() == actions.REFER.amount
