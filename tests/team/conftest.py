"""Fixtures for the team: a signed-in client per account, peers with load, and contacts."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.org.models import Unit
from sidebar.support.models import Assignment, Contact
from sidebar.team.models import PeerProfile
from tests.factories import ask_as, make_account

_askers = itertools.count()


def colleague(name: str, *, unit: Unit | None = None) -> User:
    """A staff member with an account and no role, named ``name``."""
    return make_account(f"{name.lower().replace(' ', '.')}@example.gov", unit=unit)


def contact(peer: PeerProfile, *, minutes: int = 60, days_ago: int = 0, topics: tuple[str, ...] = ()) -> Contact:
    """A contact the peer logged now, dated ``days_ago`` (statistics only, like the real ones)."""
    return Contact.objects.create(
        request=ask_as(colleague(f"Asker {next(_askers)}")),
        peer=peer,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        minutes=minutes,
        mode="phone",
        response_type="post_crisis",
        topics=sorted(topics),
    )


def live_assignment(peer: PeerProfile, *, status: str = Assignment.Status.ACCEPTED) -> Assignment:
    return Assignment.objects.create(request=ask_as(colleague(f"Asker {next(_askers)}")), peer=peer, status=status)
