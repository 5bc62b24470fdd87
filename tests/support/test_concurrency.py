"""Two team leaders offering the same request at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sidebar.support import services
from sidebar.support.models import Assignment
from tests.factories import ask_as, make_account, make_peer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are what is under test: PostgreSQL"),
]


def test_concurrent_offers_of_one_request_let_exactly_one_win(cast):
    other = make_account("second.peer@example.gov")
    peers = [make_peer(cast.peer), make_peer(other)]
    support_request = ask_as(cast.staff)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def offer(peer) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.assign(support_request=support_request, peer=peer, by=cast.team_leader)
            outcomes.append("won")
        except services.WorkflowError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=offer, args=(peer,)) for peer in peers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert Assignment.objects.filter(request=support_request).count() == 1
