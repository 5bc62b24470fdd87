"""Fixtures for recruitment: a signed-in client per account and a round in progress."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.recruitment import services
from sidebar.recruitment.models import DEFAULT_QUESTIONS, DEFAULT_RUBRIC, Round
from tests.factories import Cast, activate_totp

SignedIn = Callable[[User], Client]


@pytest.fixture
def signed_in(db: None) -> SignedIn:
    """A client signed in as ``user`` (one per user); privileged accounts have two-factor set up."""
    clients: dict[object, Client] = {}

    def client_for(user: User) -> Client:
        if user.role_memberships.exists() and not Authenticator.objects.filter(user=user).exists():
            activate_totp(user)
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    return client_for


def make_round(by: User, *, announce: bool = True, days_open: int = 14, **fields: object) -> Round:
    today = timezone.localdate()
    values: dict[str, object] = {
        "title": "Peer support team 2027",
        "job_description": "Listen to colleagues in confidence.",
        "announcement": "We are looking for peer supporters.",
        "opens_on": today - datetime.timedelta(days=1),
        "closes_on": today + datetime.timedelta(days=days_open),
        "questions": DEFAULT_QUESTIONS,
        "rubric": DEFAULT_RUBRIC,
        "audience": Round.Audience.ALL,
    }
    values.update(fields)
    round_ = services.save_round(by=by, **values)  # type: ignore[arg-type]
    if announce:
        services.announce_round(round_=round_, by=by)
        round_.refresh_from_db()
    return round_


def answers_for(round_: Round) -> list[str]:
    return [f"Answer {n}" for n, _ in enumerate(round_.questions)]


@pytest.fixture
def open_round(cast: Cast) -> Round:
    return make_round(cast.team_leader)
