"""A year of training for the Harbor County demo team.

``build_demo_training`` runs after ``sidebar.support.demo.build_demo_support`` (which decided who is
on the team and when each cohort finished basic training) and adds what that history implies: the
basic training rounds that ended on each cohort's day, the current round of the peer still in
training, a year of continuing-education sessions (most members have this year's hours, two do
not), a training-needs poll with its answers, and two announcements. Rows are written in bulk,
without e-mail; one seeded ``random.Random`` makes the same seed give the same year."""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.org.demo import demo_accounts
from sidebar.org.selectors import current_agency
from sidebar.team.models import PeerProfile
from sidebar.training.defaults import DEFAULT_COURSES
from sidebar.training.models import (
    Announcement,
    Attendance,
    Course,
    NeedsPoll,
    PollChoice,
    PollRespondent,
    TrainingSession,
)
from sidebar.training.selectors import SERVING_STATUSES, agency_today

Date = datetime.date
TRAINER = "Dr. Renata Solis, LCSW"  # the program's clinical consultant (fictional)
CE_TRAINERS = (TRAINER, TRAINER, "Marcus Bell, LPC", "Harbor County EAP")
WEBINAR_IN_DAYS = 16
PLACES = ("Training room 2, Hall of Justice", "Jury assembly room", "Probation annex, room 114")


def _ensure_courses() -> list[Course]:
    """The default courses (the migration adds them; a flushed test database may have lost them)."""
    for name, is_basic, description in DEFAULT_COURSES:
        Course.objects.get_or_create(name=name, defaults={"is_basic": is_basic, "description": description})
    return list(Course.objects.filter(active=True))


class _Sessions:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sessions: list[TrainingSession] = []
        self.attendees: dict[int, set[uuid.UUID]] = defaultdict(set)  # index in sessions -> peer ids

    def add(self, course: Course, day: Date, hours: Decimal, trainer: str = TRAINER, online: bool | None = None) -> int:
        if online is None:
            online = self.rng.random() < 0.3 and not course.is_basic
        self.sessions.append(
            TrainingSession(
                course=course,
                date=day,
                hours=hours,
                trainer=trainer,
                online=online,
                place="" if online else self.rng.choice(PLACES),
            )
        )
        return len(self.sessions) - 1


@transaction.atomic
def build_demo_training(*, seed: int = 2026, today: Date | None = None) -> None:
    """Fill the demo team (``build_demo_support`` first) with its training year."""
    rng = random.Random(seed + 4)  # noqa: S311 - a seeded generator for fictional data
    agency = current_agency()
    today = today or agency_today(agency)
    courses = _ensure_courses()
    basic = next(course for course in courses if course.is_basic)
    further = sorted((course for course in courses if not course.is_basic), key=lambda course: course.name)
    peers = sorted(PeerProfile.objects.select_related("person"), key=lambda peer: peer.person.work_email)
    plan = _Sessions(rng)

    # Basic training: four sessions, the last on the day each cohort completed it.
    part = (Decimal(agency.basic_training_hours) / 4).quantize(Decimal("0.1"))
    cohorts: dict[Date, list[PeerProfile]] = defaultdict(list)
    for peer in peers:
        if peer.basic_training_completed_on is not None:
            cohorts[peer.basic_training_completed_on].append(peer)
    for finished, cohort in sorted(cohorts.items()):
        for weeks_before in (3, 2, 1, 0):
            index = plan.add(basic, finished - datetime.timedelta(weeks=weeks_before), part)
            plan.attendees[index].update(peer.pk for peer in cohort)
    # The current round: two sessions behind the peers in training, two still to come.
    learning = [peer for peer in peers if peer.status == PeerProfile.Status.IN_TRAINING]
    for weeks in (-2, -1, 1, 2):
        index = plan.add(basic, today + datetime.timedelta(weeks=weeks), part)
        if weeks < 0:
            plan.attendees[index].update(peer.pk for peer in learning)

    # Continuing education: a session about every four weeks over the past year, two coming up.
    ce_sessions: list[int] = []
    day = today - datetime.timedelta(days=360)
    while day < today + datetime.timedelta(days=45):
        course = further[len(ce_sessions) % len(further)]
        hours = Decimal(rng.choice(("1.5", "2", "2", "3", "3")))
        ce_sessions.append(plan.add(course, day, hours, trainer=rng.choice(CE_TRAINERS)))
        day += datetime.timedelta(days=rng.randint(24, 32))
    # the webinar the newest announcement is about
    trauma = next((course for course in further if course.name == "Secondary trauma"), further[0])
    plan.add(trauma, today + datetime.timedelta(days=WEBINAR_IN_DAYS), Decimal(2), online=True)
    serving = [peer for peer in peers if peer.status in SERVING_STATUSES]
    leader = _team_leader()
    # two members fall behind this year (never the team leader, who runs the training)
    others = [peer for peer in serving if leader is None or peer.person.user_id != leader.pk]
    behind = {peer.pk for peer in rng.sample(others, min(2, len(others)))}
    this_year: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for index in ce_sessions:
        session = plan.sessions[index]
        if session.date >= today:
            continue
        for peer in serving:
            trained = peer.basic_training_completed_on
            if trained is None or trained > session.date:
                continue
            if rng.random() < (0.1 if peer.pk in behind else 0.5):
                plan.attendees[index].add(peer.pk)
                if session.date.year == today.year:
                    this_year[peer.pk] += session.hours
    # Everyone else catches up on this year's sessions, as members do before the year ends.
    current = [i for i in ce_sessions if today.year == plan.sessions[i].date.year and plan.sessions[i].date < today]
    for peer in serving:
        for index in current:
            if peer.pk in behind or this_year[peer.pk] >= agency.yearly_training_hours:
                break
            if peer.pk not in plan.attendees[index]:
                plan.attendees[index].add(peer.pk)
                this_year[peer.pk] += plan.sessions[index].hours

    TrainingSession.objects.bulk_create(plan.sessions)
    Attendance.objects.bulk_create(
        Attendance(session=plan.sessions[index], peer_id=peer_id)
        for index, attendees in sorted(plan.attendees.items())
        for peer_id in sorted(attendees, key=str)
    )
    _build_poll(rng, today=today, courses=[basic, *further], peers=serving)
    _build_announcements(today=today)


def _build_poll(rng: random.Random, *, today: Date, courses: list[Course], peers: list[PeerProfile]) -> None:
    leader = _team_leader()
    poll = NeedsPoll.objects.create(
        opened_by=leader, opened_on=today - datetime.timedelta(days=40), closed_on=today - datetime.timedelta(days=19)
    )
    labels = [course.name for course in courses[1:]] + [
        "Talking with a colleague about suicide",
        "Stress, sleep and resilience",
        "Supporting a colleague through illness or injury",
    ]
    weights = [rng.uniform(0.2, 1.0) for _ in labels]
    counts = [0] * len(labels)
    respondents = [peer for peer in peers if rng.random() < 0.75]
    for _peer in respondents:
        for n in set(rng.choices(range(len(labels)), weights=weights, k=rng.randint(1, 3))):
            counts[n] += 1
    PollChoice.objects.bulk_create(
        PollChoice(poll=poll, label=label, position=n, count=counts[n]) for n, label in enumerate(labels)
    )
    # Shuffled, so that not even the order of the rows follows anything about the people.
    users = [peer.person.user_id for peer in respondents if peer.person.user_id]
    rng.shuffle(users)
    PollRespondent.objects.bulk_create(PollRespondent(poll=poll, user_id=user_id) for user_id in users)


def _build_announcements(*, today: Date) -> None:
    leader = _team_leader()
    webinar = today + datetime.timedelta(days=WEBINAR_IN_DAYS)
    now = timezone.now()
    Announcement.objects.bulk_create(
        [
            Announcement(
                title="Holiday gathering for the team",
                body="Thank you for a hard year. Lunch is on the program, in the jury assembly room, "
                "on the last Friday before the holidays. Bring someone from the team who has not come before.",
                created_by=leader,
                created_at=now - datetime.timedelta(days=33),
            ),
            Announcement(
                title=f"Webinar on secondary trauma, {webinar.day} {webinar:%B}",
                body="Dr. Solis gives a two-hour webinar on secondary trauma: what case files and victims' "
                "accounts do to us, and what helps. It counts as continuing education; the link follows by "
                "e-mail the day before.",
                created_by=leader,
                created_at=now - datetime.timedelta(days=4),
            ),
        ]
    )


def _team_leader() -> User | None:
    accounts = demo_accounts()
    if accounts is None:
        return None
    return User.objects.filter(email=accounts.team_leader).first()
