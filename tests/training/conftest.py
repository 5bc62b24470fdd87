"""Fixtures for training: a signed-in client per account, team members, courses and sessions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from sidebar.team.models import PeerProfile
from sidebar.training.models import Attendance, Course, TrainingSession
from tests.factories import make_account, make_peer


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
