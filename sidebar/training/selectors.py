"""Reads of training: a peer's record and hours, the compliance view, sessions, polls and
announcements.

Hours are summed in the database (correlated subqueries, one query for the whole team). Continuing
education means the sessions of courses that are not basic training, in the calendar year of the
agency's time zone."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from sidebar.org.models import Agency
from sidebar.org.selectors import current_agency
from sidebar.team.models import PeerProfile
from sidebar.training.models import Announcement, Attendance, Course, NeedsPoll, PollRespondent, TrainingSession

Status = PeerProfile.Status

# Who can attend a session: everyone on the team or on the way into it after selection.
ATTENDING_STATUSES = (Status.SELECTED, Status.IN_TRAINING, Status.ACTIVE, Status.INACTIVE)
# Who the yearly rule applies to: members of the team (serving, or on leave).
SERVING_STATUSES = (Status.ACTIVE, Status.INACTIVE)
# Who announcements reach.
ANNOUNCED_TO = (Status.ACTIVE, Status.IN_TRAINING)
ZERO = Decimal("0")


def agency_today(agency: Agency | None = None) -> datetime.date:
    """Today in the agency's time zone (a scheduled job has no request to set it)."""
    agency = agency or current_agency()
    try:
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(agency.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localdate()


def _hours(attendances: QuerySet[Attendance]) -> Coalesce:
    total = attendances.order_by().values("peer").annotate(total=Sum("session__hours")).values("total")[:1]
    output = DecimalField(max_digits=7, decimal_places=1)
    return Coalesce(Subquery(total, output_field=output), Value(ZERO), output_field=output)


def continuing_education(*, year: int) -> QuerySet[Attendance]:
    return Attendance.objects.filter(session__date__year=year, session__course__is_basic=False)


def with_training_hours(peers: QuerySet[PeerProfile], *, year: int) -> QuerySet[PeerProfile]:
    """``peers`` annotated with ``training_hours_this_year``: continuing-education hours attended in
    ``year`` (still one query)."""
    return peers.annotate(training_hours_this_year=_hours(continuing_education(year=year).filter(peer=OuterRef("pk"))))


# --- a peer's record --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRecord:
    peer: PeerProfile
    attendances: list[Attendance]
    year: int
    basic_hours: Decimal
    basic_rule: int
    hours_this_year: Decimal
    yearly_rule: int

    @property
    def total_hours(self) -> Decimal:
        return sum((attendance.session.hours for attendance in self.attendances), ZERO)

    @property
    def basic_done(self) -> bool:
        return self.peer.basic_training_completed_on is not None

    @property
    def below_yearly(self) -> bool:
        return self.hours_this_year < self.yearly_rule

    @property
    def hours_missing(self) -> Decimal:
        return max(Decimal(self.yearly_rule) - self.hours_this_year, ZERO)


def training_record(peer: PeerProfile, *, agency: Agency, today: datetime.date | None = None) -> TrainingRecord:
    """Every session ``peer`` attended, newest first, with the sums the agency's rule asks about."""
    today = today or agency_today(agency)
    attendances = list(
        Attendance.objects.filter(peer=peer).select_related("session__course").order_by("-session__date")
    )
    return TrainingRecord(
        peer=peer,
        attendances=attendances,
        year=today.year,
        basic_hours=sum((a.session.hours for a in attendances if a.session.course.is_basic), ZERO),
        basic_rule=agency.basic_training_hours,
        hours_this_year=sum(
            (
                a.session.hours
                for a in attendances
                if not a.session.course.is_basic and a.session.date.year == today.year
            ),
            ZERO,
        ),
        yearly_rule=agency.yearly_training_hours,
    )


def own_peer(user: Any) -> PeerProfile | None:
    return PeerProfile.objects.select_related("person").filter(person__user=user).first()


# --- compliance -------------------------------------------------------------------------------


def compliance(peers: QuerySet[PeerProfile], *, agency: Agency, today: datetime.date | None = None) -> list[Any]:
    """Every serving peer (active or on leave) with this year's continuing-education hours, and
    ``below`` when under the agency's yearly hours: those below first, then by name (one query)."""
    year = (today or agency_today(agency)).year
    serving = with_training_hours(peers.filter(status__in=SERVING_STATUSES), year=year)
    rows: list[Any] = list(serving.select_related("person__unit"))
    for peer in rows:
        peer.below = peer.training_hours_this_year < agency.yearly_training_hours
        peer.hours_missing = max(Decimal(agency.yearly_training_hours) - peer.training_hours_this_year, ZERO)
    rows.sort(key=lambda peer: (not peer.below, peer.person.full_name))
    return rows


# --- courses and sessions ---------------------------------------------------------------------


def courses() -> QuerySet[Course]:
    return Course.objects.annotate(session_count=Count("sessions"))


def sessions(queryset: QuerySet[TrainingSession], *, today: datetime.date) -> tuple[list[Any], list[Any]]:
    """(upcoming sessions, soonest first; past sessions, newest first), each with its number of
    attendees."""
    annotated = queryset.select_related("course").annotate(attendee_count=Count("attendances"))
    upcoming = list(annotated.filter(date__gte=today).order_by("date", "course__name"))
    past = list(annotated.filter(date__lt=today).order_by("-date", "course__name"))
    return upcoming, past


def attendance_candidates(session: TrainingSession) -> QuerySet[PeerProfile]:
    """Who can be ticked on a session's attendance list: the team and the selected candidates, and
    anyone already recorded (even if their status has changed since)."""
    attended = Attendance.objects.filter(session=session).values("peer_id")
    return (
        PeerProfile.objects.filter(Q(status__in=ATTENDING_STATUSES) | Q(pk__in=attended))
        .select_related("person__unit")
        .order_by("person__full_name")
    )


# --- polls and announcements -------------------------------------------------------------------


def polls(queryset: QuerySet[NeedsPoll], *, user: Any) -> list[Any]:
    """Polls newest first, each with ``respondent_count`` and ``answered`` (by ``user``)."""
    answered = set(PollRespondent.objects.filter(user=user).values_list("poll_id", flat=True))
    rows: list[Any] = list(queryset.annotate(respondent_count=Count("respondents")).order_by("-opened_on"))
    for poll in rows:
        poll.answered = poll.pk in answered
    return rows


def has_answered(poll: NeedsPoll, user: Any) -> bool:
    return PollRespondent.objects.filter(poll=poll, user=user).exists()


def poll_results(poll: NeedsPoll) -> dict[str, Any]:
    choices = list(poll.choices.order_by("-count", "position"))
    return {
        "choices": choices,
        "respondents": poll.respondents.count(),
        "most": max((c.count for c in choices), default=0),
    }


def latest_announcements(queryset: QuerySet[Announcement], *, count: int = 3) -> list[Announcement]:
    return list(queryset.order_by("-created_at")[:count])


def announcement_recipients() -> list[str]:
    return sorted(
        set(
            PeerProfile.objects.filter(status__in=ANNOUNCED_TO, person__is_active=True)
            .exclude(person__work_email="")
            .values_list("person__work_email", flat=True)
        )
    )
