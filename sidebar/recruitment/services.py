"""Writes of recruitment: one atomic, audited function per step from the announcement to the
activation of a new member. Audit rows carry codes only, never a reason, an answer or a score."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.accounts.services import set_roles
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Person, Unit
from sidebar.recruitment import audience, notify
from sidebar.recruitment.models import Application, Nomination, PanelMember, Round, Score
from sidebar.recruitment.selectors import onboarding_checklist
from sidebar.team.models import PeerProfile, PeerStatusChange
from sidebar.team.services import move_status
from sidebar.throttle import actions

Stage = Application.Status
PeerStatus = PeerProfile.Status

# Someone already on the team (or on their way) does not apply again.
ON_THE_TEAM = (PeerStatus.SELECTED, PeerStatus.IN_TRAINING, PeerStatus.ACTIVE, PeerStatus.INACTIVE)
# Where the team leader may move an application before the decision.
STAGE_MOVES: dict[str, tuple[str, ...]] = {
    Stage.SUBMITTED: (Stage.SCREENING,),
    Stage.SCREENING: (Stage.INTERVIEW,),
}
DECISIONS = (Stage.SELECTED, Stage.NOT_NOW, Stage.DECLINED)
ACTIVATABLE = (PeerStatus.SELECTED, PeerStatus.IN_TRAINING)


class RecruitmentError(Exception):
    """A step that cannot happen now; the message is fit to show to the user."""


def _today() -> datetime.date:
    return timezone.localdate()


def _require_open(round_: Round) -> None:
    if not round_.is_open(_today()):
        raise RecruitmentError(
            f"This round takes nominations and applications from {round_.opens_on:%d %B %Y} "
            f"to {round_.closes_on:%d %B %Y} only."
        )


def _on_the_team(person: Person) -> bool:
    return PeerProfile.objects.filter(person=person, status__in=ON_THE_TEAM).exists()


# --- the round ----------------------------------------------------------------------------------


@transaction.atomic
def save_round(
    *,
    by: User,
    round_: Round | None = None,
    title: str,
    job_description: str,
    announcement: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    questions: list[dict[str, Any]],
    rubric: list[dict[str, Any]],
    audience: str,
    units: Iterable[Unit] = (),
    request: HttpRequest | None = None,
) -> Round:
    """Create a round, or change one. The questionnaire is frozen once someone has applied and the
    rubric once someone has scored (answers and scores refer to them by position)."""
    if closes_on < opens_on:
        raise RecruitmentError("The application window must close on or after the day it opens.")
    if not questions:
        raise RecruitmentError("Ask at least one question.")
    if not rubric:
        raise RecruitmentError("Give the panel at least one criterion to score.")
    creating = round_ is None
    if round_ is None:
        round_ = Round(created_by=by)
    else:
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if questions != round_.questions and round_.applications.exists():
            raise RecruitmentError("People have applied already: the questionnaire can no longer change.")
        if rubric != round_.rubric and Score.objects.filter(application__round=round_).exists():
            raise RecruitmentError("The panel has scored already: the rubric can no longer change.")
    round_.title, round_.job_description, round_.announcement = title, job_description, announcement
    round_.opens_on, round_.closes_on = opens_on, closes_on
    round_.questions, round_.rubric, round_.audience = questions, rubric, audience
    round_.save()
    round_.units.set(units if audience == Round.Audience.UNITS else [])
    record(
        action=Action.RECRUITMENT,
        actor=by,
        obj=round_,
        detail="round_created" if creating else "round_changed",
        request=request,
    )
    return round_


def announcement_audience(round_: Round) -> QuerySet[Person]:
    """Who the announcement is e-mailed to: the round's staff (the chosen units include their
    sub-units) with an active account, so that everyone written to can sign in and apply."""
    return audience.who_can_apply(round_)


@transaction.atomic
def announce_round(*, round_: Round, by: User, request: HttpRequest | None = None) -> int:
    """E-mail the announcement and open the round to staff. Returns the number of recipients."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.announced_at is not None:
        raise RecruitmentError("This round was announced already.")
    if round_.closes_on < _today():
        raise RecruitmentError("The application window has passed: change its dates first.")
    if round_.audience == Round.Audience.UNITS and not round_.units.exists():
        raise RecruitmentError("Choose at least one unit to announce the round to.")
    recipients = list(announcement_audience(round_).order_by("work_email").values_list("work_email", flat=True))
    round_.announced_at = timezone.now()
    round_.save(update_fields=["announced_at"])
    notify.announcement(
        recipients=recipients,
        title=round_.title,
        text=round_.announcement,
        round_path=reverse("recruitment:round", kwargs={"round_id": round_.pk}),
    )
    record(action=Action.ANNOUNCEMENT, actor=by, obj=round_, detail=f"recruitment:{len(recipients)}", request=request)
    return len(recipients)


# --- nominations and applications ------------------------------------------------------------------


@transaction.atomic
def nominate(
    *, round_: Round, nominee: Person, by: User, reason: str, request: HttpRequest | None = None, limit: bool = False
) -> Nomination:
    """A colleague nominates ``nominee``. The nominee is told (once per round) that someone
    nominated them, never who. With ``limit`` (the web form's), raises LimitReached past
    ``actions.NOMINATE`` (issue 17 V2.4.1)."""
    _require_open(round_)
    if nominee.user_id == by.pk:
        raise RecruitmentError("To put yourself forward, apply instead.")
    if not nominee.is_active or nominee.user_id is None:
        raise RecruitmentError("Choose a colleague from the list of active staff.")
    if not audience.is_for(round_, nominee):
        raise RecruitmentError("This round is not open to that colleague's unit: choose someone it is for.")
    if _on_the_team(nominee):
        raise RecruitmentError(f"{nominee.full_name} is on the team already.")
    if Nomination.objects.filter(round=round_, nominee=nominee, nominated_by=by).exists():
        raise RecruitmentError(f"You have nominated {nominee.full_name} in this round already.")
    if limit:
        actions.take(actions.NOMINATE, account_id=by.pk)
    first = not Nomination.objects.filter(round=round_, nominee=nominee).exists()
    nomination = Nomination.objects.create(round=round_, nominee=nominee, nominated_by=by, reason=reason.strip())
    applied = Application.objects.filter(round=round_, person=nominee).exists()
    if first and not applied:
        notify.nominated(
            email=nominee.work_email, round_path=reverse("recruitment:round", kwargs={"round_id": round_.pk})
        )
    record(action=Action.RECRUITMENT, actor=by, obj=nomination, detail="nominated", request=request)
    return nomination


@transaction.atomic
def decline_nomination(*, round_: Round, user: User, request: HttpRequest | None = None) -> int:
    """The nominee says no, thank you (recorded on every nomination of them in the round)."""
    if Application.objects.filter(round=round_, person__user=user).exists():
        raise RecruitmentError("You have applied in this round; ask the team leader to withdraw.")
    declined = Nomination.objects.filter(round=round_, nominee__user=user, declined_at__isnull=True).update(
        declined_at=timezone.now()
    )
    if not declined:
        raise RecruitmentError("There is no open nomination of you in this round.")
    record(action=Action.RECRUITMENT, actor=user, obj=round_, detail="nomination_declined", request=request)
    return declined


def missing_answers(round_: Round, answers: Sequence[str]) -> list[int]:
    """Positions of required questions left blank."""
    return [
        n
        for n, question in enumerate(round_.questions)
        if question.get("required") and not (answers[n] if n < len(answers) else "").strip()
    ]


@transaction.atomic
def apply(*, round_: Round, user: User, answers: Sequence[str], request: HttpRequest | None = None) -> Application:
    """A nominee or a self-applicant answers the questionnaire, within the window only."""
    _require_open(round_)
    person = Person.objects.filter(user=user, is_active=True).first()
    if person is None:
        raise RecruitmentError("Your account has no active staff record; ask the program administrator.")
    if not audience.is_for(round_, person):
        raise RecruitmentError("This round is not open to your unit.")
    if len(answers) != len(round_.questions):
        raise RecruitmentError("Answer the questions of this round.")
    if missing_answers(round_, answers):
        raise RecruitmentError("Answer every required question.")
    if _on_the_team(person):
        raise RecruitmentError("You are on the team already.")
    if Application.objects.filter(round=round_, person=person).exists():
        raise RecruitmentError("You have applied in this round already.")
    application = Application.objects.create(
        round=round_, person=person, answers=[answer.strip() for answer in answers], submitted_at=timezone.now()
    )
    record(action=Action.RECRUITMENT, actor=user, obj=application, detail="applied", request=request)
    return application


# --- screening, the panel, scores and the decision -------------------------------------------------


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("round", "person").get(pk=application.pk)


@transaction.atomic
def move_application(*, application: Application, to: str, by: User, request: HttpRequest | None = None) -> Application:
    """Screening, then interview (the panel sees the candidate from then on)."""
    locked = _locked(application)
    if to not in STAGE_MOVES.get(locked.status, ()):
        raise RecruitmentError(
            f"An application that is {locked.get_status_display().lower()} cannot move to {Stage(to).label.lower()}."
        )
    locked.status = to
    now = timezone.now()
    if to == Stage.SCREENING:
        locked.screening_at = now
    else:
        locked.interview_at = now
    locked.save(update_fields=["status", "screening_at", "interview_at"])
    record(action=Action.RECRUITMENT, actor=by, obj=locked, detail=f"stage:{to}", request=request)
    return locked


@transaction.atomic
def set_panel(*, round_: Round, users: Iterable[User], by: User, request: HttpRequest | None = None) -> None:
    """Make the round's interview panel exactly ``users``. Someone who has scored stays on it."""
    wanted = {user.pk: user for user in users}
    current = set(PanelMember.objects.filter(round=round_).values_list("user_id", flat=True))
    leaving = current - set(wanted)
    scored = set(
        Score.objects.filter(application__round=round_, panelist_id__in=leaving).values_list("panelist_id", flat=True)
    )
    if scored:
        raise RecruitmentError("A panelist who has scored a candidate stays on the panel.")
    PanelMember.objects.filter(round=round_, user_id__in=leaving).delete()
    PanelMember.objects.bulk_create([PanelMember(round=round_, user=wanted[pk]) for pk in set(wanted) - current])
    record(action=Action.RECRUITMENT, actor=by, obj=round_, detail=f"panel:{len(wanted)}", request=request)


@transaction.atomic
def submit_score(
    *,
    application: Application,
    panelist: User,
    points: Sequence[int] | None,
    conflict: bool = False,
    request: HttpRequest | None = None,
) -> Score:
    """A panelist's scores for one candidate, or their declared conflict (then no scores).
    Submitted once: the other panelists' scores then open to them."""
    locked = _locked(application)
    if not PanelMember.objects.filter(round=locked.round, user=panelist).exists():
        raise RecruitmentError("Only the round's interview panel scores its candidates.")
    if locked.status != Stage.INTERVIEW:
        raise RecruitmentError("Scores are taken while the candidate is at the interview stage.")
    if Score.objects.filter(application=locked, panelist=panelist).exists():
        raise RecruitmentError("You have submitted for this candidate already.")
    if conflict:
        values: list[int] = []
    else:
        values = [int(value) for value in (points or [])]
        rubric = locked.round.rubric
        if len(values) != len(rubric) or any(
            not 0 <= value <= int(criterion["max"]) for value, criterion in zip(values, rubric, strict=False)
        ):
            raise RecruitmentError("Score every criterion within its range.")
    score = Score.objects.create(
        application=locked, panelist=panelist, conflict=conflict, points=values, submitted_at=timezone.now()
    )
    record(
        action=Action.RECRUITMENT,
        actor=panelist,
        obj=locked,
        detail="conflict_declared" if conflict else "scored",
        request=request,
    )
    return score


@transaction.atomic
def decide(*, application: Application, decision: str, by: User, request: HttpRequest | None = None) -> Application:
    """Selected, not now, or declined. The candidate is told by e-mail that there is news (and
    nothing else); a selected candidate joins the roster and gets the peer supporter role."""
    locked = _locked(application)
    decision = Stage(decision)
    if decision not in DECISIONS:
        raise RecruitmentError("Choose selected, not now or declined.")
    if locked.is_decided:
        raise RecruitmentError(f"This application was decided already ({locked.get_status_display().lower()}).")
    if decision == Stage.SELECTED and locked.status != Stage.INTERVIEW:
        raise RecruitmentError("Only a candidate who went to the interview panel can be selected.")
    locked.status, locked.decided_at, locked.decided_by = decision, timezone.now(), by
    fields = ["status", "decided_at", "decided_by"]
    if decision == Stage.SELECTED:
        locked.peer = _onboard(locked, by=by, request=request)
        fields.append("peer")
    locked.save(update_fields=fields)
    notify.news_for_candidate(email=locked.person.work_email)
    record(action=Action.RECRUITMENT, actor=by, obj=locked, detail=f"decision:{decision}", request=request)
    return locked


def _onboard(application: Application, *, by: User, request: HttpRequest | None) -> PeerProfile:
    """Create the candidate's peer profile (or reuse it, for someone who served before) with the
    path they took recorded in the status history, and grant the peer supporter role so they can
    sign the agreement and write their profile."""
    person = application.person
    now = application.decided_at or timezone.now()
    peer = PeerProfile.objects.select_for_update().filter(person=person).first()
    if peer is not None and peer.status in ON_THE_TEAM:
        raise RecruitmentError(f"{person.full_name} is on the team already.")
    if peer is None:
        level = PeerProfile.Level.SUPERVISORY if person.rank_tier.is_supervisory else PeerProfile.Level.PEER
        peer = PeerProfile.objects.create(person=person, level=level, status=PeerStatus.SELECTED)
        path = [
            (PeerStatus.NOMINATED, PeerStatus.SCREENING, application.screening_at or application.submitted_at),
            (PeerStatus.SCREENING, PeerStatus.INTERVIEW, application.interview_at or now),
            (PeerStatus.INTERVIEW, PeerStatus.SELECTED, now),
        ]
    else:
        path = [(PeerStatus(peer.status), PeerStatus.SELECTED, now)]
        peer.status = PeerStatus.SELECTED
        peer.save(update_fields=["status", "updated_at"])
    PeerStatusChange.objects.bulk_create(
        [PeerStatusChange(peer=peer, from_status=old, to_status=new, at=at, by=by) for old, new, at in path]
    )
    record(action=Action.ROSTER_CHANGED, actor=by, obj=peer, detail="status:selected", request=request)
    user = person.user
    if user is not None:
        held = set(user.role_memberships.values_list("role", flat=True))
        if Role.PEER not in held:
            set_roles(user=user, roles={*held, Role.PEER}, by=by, request=request)
    return peer


# --- onboarding ----------------------------------------------------------------------------------


@transaction.atomic
def activate(*, peer: PeerProfile, by: User, request: HttpRequest | None = None) -> PeerStatusChange:
    """The team leader makes a selected member active, once the onboarding checklist is complete
    (basic training, the current team agreement signed, an introduction for the directory)."""
    locked = PeerProfile.objects.select_for_update().select_related("person").get(pk=peer.pk)
    if locked.status not in ACTIVATABLE:
        raise RecruitmentError(
            f"A peer supporter who is {locked.get_status_display().lower()} is not waiting to be activated."
        )
    missing = [item.label for item in onboarding_checklist(locked) if not item.done]
    if missing:
        raise RecruitmentError("Not yet: the onboarding checklist is incomplete (" + "; ".join(missing) + ").")
    return move_status(locked, to=PeerStatus.ACTIVE, by=by, request=request)
