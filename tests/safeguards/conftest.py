"""Fixtures for the safeguards: a signed-in client per account, and a request the cast's peer
has accepted (so the peer may raise an exception on it)."""

from __future__ import annotations

import pytest

from sidebar.accounts.models import User
from sidebar.support import services as support
from sidebar.support.models import SupportRequest
from tests.factories import Cast, ask_as, make_peer


def accepted_request(*, peer: User, leader: User, asker: User) -> SupportRequest:
    """A request from ``asker`` that ``peer`` was offered by ``leader`` and accepted."""
    profile = make_peer(peer)
    support_request = ask_as(asker)
    assignment = support.assign(support_request=support_request, peer=profile, by=leader)
    support.accept(assignment=assignment, by=peer)
    return support_request


@pytest.fixture
def case(cast: Cast) -> SupportRequest:
    """The cast's staff member asked; the cast's peer accepted the request."""
    return accepted_request(peer=cast.peer, leader=cast.team_leader, asker=cast.staff)
