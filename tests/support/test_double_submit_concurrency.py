"""The same "Ask for support" form sent twice at the same moment (a double click, two tabs):
exactly one request exists, and the second submission is answered with the first one's result."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sidebar.support import services
from sidebar.support.models import SupportRequest
from tests.factories import make_cast

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL"),
]


def test_two_concurrent_posts_of_one_form_create_one_request():
    staff = make_cast().staff
    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, object]] = []

    def send() -> None:
        try:
            barrier.wait()
            made = services.ask_for_myself(
                user=staff,
                person=staff.person,
                urgency="routine",
                kind="post_crisis",
                topics=["grief"],
                submission="one-and-the-same-form-token",
            )
            outcomes.append(("created", made.pk))
        except services.SentBefore as first:
            outcomes.append(("sent before", first.request_id))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in outcomes) == ["created", "sent before"]
    only = SupportRequest.objects.get()
    assert {request_id for _, request_id in outcomes} == {only.pk}
