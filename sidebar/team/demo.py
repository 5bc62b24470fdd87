"""The demo's on-call rota: a week each, Monday to Sunday, taking turns among the active peers
from this week to eight weeks ahead."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sidebar.team.models import OnCallShift, PeerProfile
from sidebar.team.selectors import ROTA_WEEKS


def build_demo_rota(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    turns = list(
        PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE, unavailable_until__isnull=True).order_by(
            "person__work_email"
        )[:6]
    )
    if not turns:
        return 0
    shifts = [
        OnCallShift(
            peer=turns[week % len(turns)],
            starts_on=monday + datetime.timedelta(weeks=week),
            ends_on=monday + datetime.timedelta(weeks=week, days=6),
        )
        for week in range(ROTA_WEEKS + 1)
    ]
    OnCallShift.objects.bulk_create(shifts)
    return len(shifts)
