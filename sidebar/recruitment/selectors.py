"""Reads of recruitment, always through ``sidebar.policy``'s scopes: staff see announced rounds and
their own nominations and applications; a panelist sees their panels' candidates and, for each
candidate, the other panelists' scores only after submitting their own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, DateField, Q, QuerySet, UUIDField
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.org.models import Person
from sidebar.recruitment import audience
from sidebar.recruitment.models import Application, Nomination, PanelMember, Round, Score
from sidebar.safeguards.models import PolicyDocument, Signature
from sidebar.safeguards.selectors import current_document
from sidebar.team.models import PeerProfile

PANEL_ROLES = (Role.PEER, Role.TEAM_LEADER, Role.CLINICAL_ADVISOR)


def open_rounds(user: Any) -> QuerySet[Round]:
    """Rounds taking nominations and applications today, as ``user`` may see them."""
    today = timezone.localdate()
    return policy.visible_to(user, Round).filter(announced_at__isnull=False, opens_on__lte=today, closes_on__gte=today)


def a_round_is_open() -> bool:
    today = timezone.localdate()
    return Round.objects.filter(announced_at__isnull=False, opens_on__lte=today, closes_on__gte=today).exists()


def round_for(user: Any, round_id: uuid.UUID) -> Round:
    return policy.get_visible_or_404(user, Round, pk=round_id)


def eligible_nominees(user: Any, round_: Round) -> QuerySet[Person]:
    """Active colleagues the round is for, with an account (they sign in to apply), not the user
    themself."""
    return audience.who_can_apply(round_).exclude(user=user).select_related("unit").order_by("full_name")


@dataclass
class Invitation:
    """A round in which the user was nominated. Deliberately without the nominators."""

    round: Round
    declined: bool


def nominations_of(user: Any) -> list[Invitation]:
    """The rounds in which ``user`` was nominated (never by whom), newest first."""
    rounds: dict[uuid.UUID, Invitation] = {}
    for nomination in (
        policy.visible_to(user, Nomination).filter(nominee__user=user).select_related("round").order_by("-created_at")
    ):
        invitation = rounds.setdefault(nomination.round_id, Invitation(round=nomination.round, declined=True))
        invitation.declined = invitation.declined and nomination.declined_at is not None
    return list(rounds.values())


def invitation_in(user: Any, round_: Round) -> Invitation | None:
    return next((i for i in nominations_of(user) if i.round.pk == round_.pk), None)


def nominations_made_by(user: Any) -> QuerySet[Nomination]:
    return (
        policy.visible_to(user, Nomination)
        .filter(nominated_by=user)
        .select_related("round", "nominee")
        .order_by("-created_at")
    )


def own_applications(user: Any) -> QuerySet[Application]:
    return (
        policy.visible_to(user, Application)
        .filter(person__user=user)
        .select_related("round", "peer")
        .order_by("-submitted_at")
    )


def own_application_in(user: Any, round_: Round) -> Application | None:
    return own_applications(user).filter(round=round_).first()


# --- the team leader -----------------------------------------------------------------------------


def rounds_for_leader(user: Any) -> QuerySet[Round]:
    return policy.visible_to(user, Round).annotate(
        nomination_count=Count("nominations", distinct=True), application_count=Count("applications", distinct=True)
    )


def nominations_in(user: Any, round_: Round) -> QuerySet[Nomination]:
    return (
        policy.visible_to(user, Nomination)
        .filter(round=round_)
        .select_related("nominee__unit", "nominated_by__person")
        .order_by("nominee__full_name", "created_at")
    )


def applications_in(user: Any, round_: Round) -> QuerySet[Application]:
    nominated = Nomination.objects.filter(round=round_).values("nominee_id")
    return (
        policy.visible_to(user, Application)
        .filter(round=round_)
        .select_related("person__unit")
        .annotate(
            scored=Count("scores", filter=Q(scores__conflict=False)),
            conflicts=Count("scores", filter=Q(scores__conflict=True)),
        )
        .annotate(nominated=Q(person_id__in=nominated))
        .order_by("submitted_at")
    )


def application_for(user: Any, application_id: uuid.UUID) -> Application:
    try:
        return (
            policy.visible_to(user, Application)
            .select_related("round", "person__unit", "person__rank_tier", "peer")
            .get(pk=application_id)
        )
    except (Application.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def panel_of(round_: Round) -> QuerySet[PanelMember]:
    return round_.panel.select_related("user__person__unit").order_by("user__person__full_name", "user__email")


def panel_candidates_choices() -> QuerySet[User]:
    """Accounts that may sit on a panel: peers, the clinical advisor and team leaders."""
    return (
        User.objects.filter(is_active=True, role_memberships__role__in=[role.value for role in PANEL_ROLES])
        .distinct()
        .select_related("person__unit")
        .order_by("person__full_name", "email")
    )


@dataclass
class CriterionSummary:
    name: str
    maximum: int
    mean: float | None


@dataclass
class ScoreSummary:
    panel_size: int
    scored: int
    conflicts: list[str]  # names of the panelists who declared a conflict
    criteria: list[CriterionSummary]
    mean_total: float | None
    maximum_total: int
    totals: list[int]


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def score_summary(application: Application, scores: list[Score]) -> ScoreSummary:
    rubric = application.round.rubric
    scored = [score for score in scores if not score.conflict]
    return ScoreSummary(
        panel_size=application.round.panel.count(),
        scored=len(scored),
        conflicts=[_name(score.panelist) for score in scores if score.conflict],
        criteria=[
            CriterionSummary(
                name=str(criterion["name"]),
                maximum=int(criterion["max"]),
                mean=_mean([score.points[n] for score in scored if n < len(score.points)]),
            )
            for n, criterion in enumerate(rubric)
        ],
        mean_total=_mean([score.total for score in scored]),
        maximum_total=sum(int(criterion["max"]) for criterion in rubric),
        totals=[score.total for score in scored],
    )


def _name(user: User) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person is not None else user.email


def scores_for_leader(user: Any, application: Application) -> list[Score]:
    return list(policy.visible_to(user, Score).filter(application=application).select_related("panelist__person"))


# --- the panel -----------------------------------------------------------------------------------


def panel_rounds(user: Any) -> list[tuple[Round, list[Any]]]:
    """The rounds on whose panel ``user`` sits, each with its interview candidates and whether the
    user has submitted for each (three queries)."""
    memberships = PanelMember.objects.filter(user=user).values("round_id")
    rounds = list(policy.visible_to(user, Round).filter(pk__in=memberships).order_by("-opens_on"))
    candidates = (
        policy.visible_to(user, Application)
        .filter(round__in=rounds, interview_at__isnull=False)
        .select_related("person__unit")
        .order_by("person__full_name")
    )
    mine = {score.application_id: score for score in Score.objects.filter(panelist=user, application__in=candidates)}
    by_round: dict[uuid.UUID, list[Any]] = {round_.pk: [] for round_ in rounds}
    for candidate in candidates:
        candidate.my_score = mine.get(candidate.pk)
        by_round[candidate.round_id].append(candidate)
    return [(round_, by_round[round_.pk]) for round_ in rounds]


def candidate_for_panelist(user: Any, application_id: uuid.UUID) -> Application:
    """An interview candidate of one of the user's panels; 404 for anyone else's (also for the
    team leader when not on the panel: their page is the application's summary)."""
    on_panel = PanelMember.objects.filter(user=user).values("round_id")
    try:
        return (
            policy.visible_to(user, Application)
            .filter(round_id__in=on_panel, interview_at__isnull=False)
            .select_related("round", "person__unit")
            .get(pk=application_id)
        )
    except (Application.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def scores_seen_by_panelist(user: Any, application: Application) -> tuple[Score | None, list[Score]]:
    """The panelist's own submission, and the other panelists' scores — an empty list until the
    panelist has submitted scores of their own (a declared conflict opens nothing). The policy
    scope says the same for every role but the team leader; the explicit check here holds for a
    team leader sitting on the panel too, so their scoring stays independent."""
    own = Score.objects.filter(application=application, panelist=user).first()
    if own is None or own.conflict:
        return own, []
    others = (
        policy.visible_to(user, Score)
        .filter(application=application)
        .exclude(panelist=user)
        .select_related("panelist__person")
    )
    return own, list(others)


# --- onboarding ----------------------------------------------------------------------------------


@dataclass
class ChecklistItem:
    label: str
    done: bool
    how: str


def onboarding_checklist(peer: PeerProfile) -> list[ChecklistItem]:
    """What a selected member completes before the team leader can activate them."""
    agreement = current_document(PolicyDocument.Kind.TEAM_AGREEMENT)
    user_id = peer.person.user_id
    signed = (
        agreement is not None
        and user_id is not None
        and Signature.objects.filter(document=agreement, user_id=user_id).exists()
    )
    return [
        ChecklistItem(
            label="basic training complete",
            done=peer.basic_training_completed_on is not None,
            how="Recorded when the attended hours of basic peer support training reach the agency's rule.",
        ),
        ChecklistItem(
            label="current team agreement signed",
            done=signed,
            how="The new member reads and signs it under Policies."
            if agreement is not None
            else "No team agreement is published yet: the team leader publishes one under Policies.",
        ),
        ChecklistItem(
            label="profile filled in",
            done=bool(peer.introduction.strip()),
            how="The new member writes a short introduction for the directory under My peer profile.",
        ),
    ]


def onboarding(user: Any) -> list[tuple[PeerProfile, list[ChecklistItem]]]:
    """Selected members and members in training, each with their checklist."""
    peers = (
        policy.visible_to(user, PeerProfile)
        .filter(status__in=(PeerProfile.Status.SELECTED, PeerProfile.Status.IN_TRAINING))
        .select_related("person__unit")
        .order_by("person__full_name")
    )
    return [(peer, onboarding_checklist(peer)) for peer in peers]


def own_onboarding(user: Any) -> tuple[PeerProfile, list[ChecklistItem]] | None:
    peer = (
        PeerProfile.objects.filter(
            person__user=user, status__in=(PeerProfile.Status.SELECTED, PeerProfile.Status.IN_TRAINING)
        )
        .select_related("person")
        .first()
    )
    return (peer, onboarding_checklist(peer)) if peer is not None else None


def _home_hint_sql() -> tuple[str, str]:
    """The two correlated subqueries of ``with_home_hint``, as fixed SQL (names from the models;
    values always passed as parameters)."""
    person = Person._meta.db_table
    nomination, round_, application = (m._meta.db_table for m in (Nomination, Round, Application))
    nominated = f"""
        SELECT n.round_id FROM "{nomination}" n JOIN "{round_}" r ON n.round_id = r.id
        WHERE n.nominee_id = "{person}".id AND n.declined_at IS NULL AND r.announced_at IS NOT NULL
          AND r.opens_on <= %s AND r.closes_on >= %s
          AND NOT EXISTS (
            SELECT 1 FROM "{application}" a WHERE a.person_id = "{person}".id AND a.round_id = n.round_id
          )
        ORDER BY r.closes_on LIMIT 1"""  # noqa: S608 (table names from the models, values as parameters)
    onboarding = f"""EXISTS (
        SELECT 1 FROM "{PeerProfile._meta.db_table}" p WHERE p.person_id = "{person}".id AND p.status IN (%s, %s))"""  # noqa: S608
    return nominated, onboarding


def with_home_hint(people: QuerySet[Person]) -> QuerySet[Person]:
    """Staff records annotated with what the home page tells a nominee or a new member, in the
    same query as the record (the home page's query count is pinned): ``nominated_round_id``, an
    open round in which they were nominated and have neither declined nor applied, and
    ``onboarding``, whether they were selected and are not active yet.

    Written as SQL on purpose: the home page is the most visited page, and building the same two
    subqueries through the ORM cost about a millisecond of Python on every visit (the database's
    own work is a few index lookups)."""
    today = DateField().get_db_prep_value(timezone.localdate(), connection)
    nominated, onboarding = _home_hint_sql()
    waiting = (PeerProfile.Status.SELECTED.value, PeerProfile.Status.IN_TRAINING.value)
    return people.annotate(
        nominated_round_id=RawSQL(nominated, (today, today), output_field=UUIDField()),  # noqa: S611 (fixed SQL)
        onboarding=RawSQL(onboarding, waiting, output_field=BooleanField()),  # noqa: S611 (fixed SQL)
    )
