"""Fixtures for training: a signed-in client per account, team members, courses and sessions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from sidebar.accounts.models import User
from sidebar.team.models import PeerProfile
from sidebar.training.models import Attendance, Course, TrainingSession
from tests.factories import activate_totp, make_account, make_peer

SignedIn = Callable[[User], Client]


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


def member(name: str, **fields: object) -> PeerProfile:
    """A peer supporter on the team (active and trained unless ``fields`` say otherwise)."""
    user = make_account(f"{name.lower().replace(' ', '.')}@example.gov")
    return make_peer(user, **fields)


def course(name: str, *, is_basic: bool = False) -> Course:
    found, _ = Course.objects.get_or_create(name=name, defaults={"is_basic": is_basic})
    return found


def held(on: datetime.date, *, hours: str = "2", of: Course | None = None) -> TrainingSession:
    return TrainingSession.objects.create(
        course=of or course("Suicide awareness"), date=on, hours=Decimal(hours), trainer="Dr. Solis", place="Room 2"
    )


def attended(peer: PeerProfile, *sessions: TrainingSession) -> None:
    Attendance.objects.bulk_create(Attendance(session=session, peer=peer) for session in sessions)
