"""Fixtures for recruitment: a signed-in client per account and a round in progress."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.recruitment import services
from sidebar.recruitment.models import DEFAULT_QUESTIONS, DEFAULT_RUBRIC, Round
from tests.factories import Cast


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
