"""Writes of training: one atomic function per use case, audited (Action.TRAINING, or
Action.ANNOUNCEMENT for announcements). Poll answers are deliberately not audited: an audit row
names its actor and its time, and the point of the poll is that nobody can tell who chose what."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Agency
from sidebar.org.selectors import current_agency
from sidebar.team.models import PeerProfile
from sidebar.training import notify
from sidebar.training.models import (
    Announcement,
    Attendance,
    Course,
    NeedsPoll,
    PollChoice,
    PollRespondent,
    TrainingReminder,
    TrainingSession,
)
from sidebar.training.selectors import (
    ATTENDING_STATUSES,
    agency_today,
    announcement_recipients,
    with_training_hours,
)

# Reminders go this many days before 31 December to each active peer still below the year's hours.
REMINDER_DAYS_BEFORE_YEAR_END = (60, 14)


class TrainingError(Exception):
    """A training change that cannot happen; the message is fit to show to the user."""


# --- courses and sessions ---------------------------------------------------------------------


@transaction.atomic
def save_course(
    *,
    course: Course | None = None,
    name: str,
    is_basic: bool,
    description: str,
    active: bool,
    by: User,
    request: HttpRequest | None = None,
) -> Course:
    """Add a course, or change one. Whether a course is basic training changes what its hours
    count towards, so the attendees' basic training is looked at again."""
    created = course is None
    course = course or Course()
    was_basic = course.is_basic
    course.name, course.is_basic, course.description, course.active = (
        name.strip(),
        is_basic,
        description.strip(),
        active,
    )
    if Course.objects.filter(name__iexact=course.name).exclude(pk=course.pk).exists():
        raise TrainingError(f"There is already a course called “{course.name}”.")
    course.save()
    record(
        action=Action.TRAINING,
        actor=by,
        obj=course,
        detail="course_added" if created else "course_changed",
        request=request,
    )
    if not created and was_basic != is_basic:
        attendees = Attendance.objects.filter(session__course=course).values_list("peer_id", flat=True)
        _update_basic_training(peer_ids=set(attendees), by=by, request=request)
    return course


@transaction.atomic
def save_session(
    *,
    session: TrainingSession | None = None,
    course: Course,
    date: datetime.date,
    hours: Decimal,
    trainer: str,
    online: bool,
    place: str,
    by: User,
    request: HttpRequest | None = None,
) -> TrainingSession:
    """Schedule a session, or correct one (a changed date or length changes the attendees' hours)."""
    created = session is None
    if created and not course.active:
        raise TrainingError(f"“{course.name}” is no longer offered: make the course active again first.")
    session = session or TrainingSession(created_by=by)
    session.course, session.date, session.hours = course, date, hours
    session.trainer, session.online, session.place = trainer.strip(), online, "" if online else place.strip()
    session.save()
    record(
        action=Action.TRAINING,
        actor=by,
        obj=session,
        detail="session_scheduled" if created else "session_changed",
        request=request,
    )
    if not created:
        attendees = session.attendances.values_list("peer_id", flat=True)
        _update_basic_training(peer_ids=set(attendees), by=by, request=request)
    return session


@transaction.atomic
def record_attendance(
    *,
    session: TrainingSession,
    peers: Iterable[PeerProfile],
    by: User,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> tuple[int, int]:
    """Make ``peers`` exactly the people who attended ``session`` (the checklist as ticked):
    returns (added, removed). Each attendance credits the session's hours; a peer whose basic
    course hours reach the agency's rule has their basic training completed on that session's day."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.date > (today or agency_today()):
        raise TrainingError("Attendance can be recorded from the day of the session on.")
    wanted = {peer.pk for peer in peers}
    present = set(session.attendances.values_list("peer_id", flat=True))
    allowed = set(
        PeerProfile.objects.filter(pk__in=wanted - present, status__in=ATTENDING_STATUSES).values_list("pk", flat=True)
    )
    if wanted - present - allowed:
        raise TrainingError("Only selected candidates and members of the team can be recorded as attending.")
    added, removed = wanted - present, present - wanted
    Attendance.objects.bulk_create(Attendance(session=session, peer_id=pk, recorded_by=by) for pk in sorted(added))
    session.attendances.filter(peer_id__in=removed).delete()
    if added or removed:
        record(
            action=Action.TRAINING,
            actor=by,
            obj=session,
            detail=f"attendance:+{len(added)}:-{len(removed)}",
            request=request,
        )
        _update_basic_training(peer_ids=added | removed, by=by, request=request)
    return len(added), len(removed)


def basic_training_completed_on(peer_id: uuid.UUID, *, agency: Agency) -> datetime.date | None:
    """The day the peer's attended hours of basic courses reached the agency's rule, or None."""
    needed = agency.basic_training_hours
    if needed <= 0:
        return None
    total = Decimal(0)
    sessions = (
        Attendance.objects.filter(peer_id=peer_id, session__course__is_basic=True)
        .order_by("session__date")
        .values_list("session__date", "session__hours")
    )
    for date, hours in sessions:
        total += hours
        if total >= needed:
            return date
    return None


def _update_basic_training(*, peer_ids: set[uuid.UUID], by: User | None, request: HttpRequest | None = None) -> None:
    """Set ``basic_training_completed_on`` where attended basic hours now reach the rule (or reach
    it on an earlier day than recorded). A date is never cleared here: it may come from training
    on record before Sidebar (the recruitment checklist and matching read this field)."""
    agency = current_agency()
    for peer in PeerProfile.objects.select_for_update().filter(pk__in=peer_ids).order_by("pk"):
        reached = basic_training_completed_on(peer.pk, agency=agency)
        current = peer.basic_training_completed_on
        if reached is not None and (current is None or reached < current):
            peer.basic_training_completed_on = reached
            peer.save(update_fields=["basic_training_completed_on", "updated_at"])
            record(action=Action.TRAINING, actor=by, obj=peer, detail="basic_training_completed", request=request)


# --- reminders --------------------------------------------------------------------------------


def reminder_stage(today: datetime.date) -> int | None:
    """The latest reminder stage (days before 31 December) that has come by ``today``, or None."""
    days_left = (datetime.date(today.year, 12, 31) - today).days
    reached = [days for days in REMINDER_DAYS_BEFORE_YEAR_END if days_left <= days]
    return min(reached) if reached else None


def send_training_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each active peer still below the year's continuing-education hours, once per stage.
    Idempotent: a stored TrainingReminder claims each (peer, year, stage) before its e-mail goes.
    A peer who joins late gets the current stage only, never a backlog of earlier ones."""
    agency = current_agency()
    today = today or agency_today(agency)
    stage = reminder_stage(today)
    if stage is None or agency.yearly_training_hours <= 0:
        return 0
    days_left = (datetime.date(today.year, 12, 31) - today).days
    peers: Any = (
        with_training_hours(
            PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE, person__is_active=True), year=today.year
        )
        .filter(Q(training_hours_this_year__lt=agency.yearly_training_hours))
        .exclude(Exists(TrainingReminder.objects.filter(peer=OuterRef("pk"), year=today.year, days_before=stage)))
        .select_related("person")
    )
    sent = 0
    for peer in peers:
        try:
            with transaction.atomic():
                TrainingReminder.objects.create(peer=peer, year=today.year, days_before=stage, sent_at=timezone.now())
                notify.training_reminder(
                    peer.person.work_email,
                    hours=peer.training_hours_this_year,
                    rule=agency.yearly_training_hours,
                    year=today.year,
                    days_left=days_left,
                )
        except IntegrityError:  # another run claimed it first
            continue
        sent += 1
    return sent


# --- training-needs polls ---------------------------------------------------------------------


@transaction.atomic
def open_poll(*, question: str, labels: Iterable[str], by: User, request: HttpRequest | None = None) -> NeedsPoll:
    """Ask the team what training would help them, with these choices (in this order)."""
    unique = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    if len(unique) < 2:
        raise TrainingError("Offer at least two choices.")
    poll = NeedsPoll.objects.create(question=question.strip(), opened_by=by, opened_on=agency_today())
    PollChoice.objects.bulk_create(PollChoice(poll=poll, label=label, position=n) for n, label in enumerate(unique))
    record(action=Action.TRAINING, actor=by, obj=poll, detail="poll_opened", request=request)
    return poll


@transaction.atomic
def answer_poll(*, poll: NeedsPoll, user: User, choice_ids: Iterable[int]) -> None:
    """Count one peer's answer. That they answered is stored (so a second answer is refused);
    what they chose only adds one to each chosen tally, which keeps no trace of who added it."""
    poll = NeedsPoll.objects.select_for_update().get(pk=poll.pk)
    if not poll.is_open:
        raise TrainingError("This poll has closed.")
    chosen = set(poll.choices.filter(pk__in=set(choice_ids)).values_list("pk", flat=True))
    if not chosen:
        raise TrainingError("Choose at least one kind of training.")
    try:
        with transaction.atomic():
            PollRespondent.objects.create(poll=poll, user=user)
    except IntegrityError as exc:
        raise TrainingError("You have already answered this poll; each member answers once.") from exc
    PollChoice.objects.filter(pk__in=chosen).update(count=F("count") + 1)


@transaction.atomic
def close_poll(*, poll: NeedsPoll, by: User, request: HttpRequest | None = None) -> NeedsPoll:
    poll = NeedsPoll.objects.select_for_update().get(pk=poll.pk)
    if poll.is_open:
        poll.closed_on = agency_today()
        poll.save(update_fields=["closed_on"])
        record(action=Action.TRAINING, actor=by, obj=poll, detail="poll_closed", request=request)
    return poll


# --- announcements ----------------------------------------------------------------------------


@transaction.atomic
def announce(*, title: str, body: str, by: User, request: HttpRequest | None = None) -> Announcement:
    """Publish news to the team: listed in Sidebar, and e-mailed (once the write has committed)
    to every active and in-training peer."""
    announcement = Announcement.objects.create(
        title=title.strip(), body=body.strip(), created_by=by, created_at=timezone.now()
    )
    record(action=Action.ANNOUNCEMENT, actor=by, obj=announcement, detail="sent", request=request)
    notify.announcement(announcement_recipients(), title=announcement.title, body=announcement.body)
    return announcement
