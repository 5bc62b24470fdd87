"""Fixtures for the team: a signed-in client per account, peers with load, and contacts."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.org.models import Unit
from sidebar.support.models import Assignment, Contact
from sidebar.team.models import PeerProfile
from tests.factories import activate_totp, ask_as, make_account

SignedIn = Callable[[User], Client]
_askers = itertools.count()


@pytest.fixture
def signed_in(db: None) -> SignedIn:
    """A client signed in as ``user`` (one per user); privileged accounts have two-factor set up."""
    clients: dict[object, Client] = {}

    def client_for(user: User) -> Client:
        if user.pk not in clients:
            if user.role_memberships.exists() and not Authenticator.objects.filter(user=user).exists():
                activate_totp(user)
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    return client_for


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
