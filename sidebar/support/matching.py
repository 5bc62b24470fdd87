"""Who should support this person? A pure function of two plain inputs — what the request needs
and what each peer offers — so that its rules can be proved on random org charts without a
database. Hard rules exclude; preferences rank, and every point of score comes with a reason
the team leader can read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    peer_id: uuid.UUID
    person_id: uuid.UUID
    rank_level: int
    unit_id: uuid.UUID | None
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    open_cases: int = 0
    capacity: int = 3
    active: bool = True
    trained: bool = True
    agreement_current: bool = True
    away: bool = False
    on_call: bool = False
    flagged: bool = False  # over the agency's load thresholds until the team leader clears it


@dataclass(frozen=True)
class Need:
    person_id: uuid.UUID | None  # None: anonymous
    chain_ids: frozenset[uuid.UUID] = frozenset()  # everyone above or below the person
    rank_level: int | None = None
    unit_id: uuid.UUID | None = None
    topics: frozenset[str] = frozenset()
    language: str = ""
    prefer_same_tier: bool = True
    prefer_other_unit: bool = False
    requested_peer_id: uuid.UUID | None = None
    urgent: bool = False
    recused_peer_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    declined_peer_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)  # declined this request


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: int
    reasons: tuple[str, ...]


# Rules that depend on who the person is: never shown to the team leader, who must not be able
# to narrow down the person by trying peers.
IDENTITY_RULES = frozenset({"is the person themself", "is in the person's chain of command"})
# Reasons that describe the person relative to the peer (their tier, their unit): kept for
# ranking, not shown to the team leader.
IDENTITY_REASONS = frozenset({"same rank tier", "also a supervisor", "works in another unit"})


def ineligibility(need: Need, candidate: Candidate) -> list[str]:
    """Every hard rule the candidate breaks (empty: eligible)."""
    reasons = []
    if not candidate.active:
        reasons.append("not an active team member")
    if not candidate.trained:
        reasons.append("basic training not complete")
    if not candidate.agreement_current:
        reasons.append("has not signed the current confidentiality agreement")
    if need.person_id is not None and candidate.person_id == need.person_id:
        reasons.append("is the person themself")
    if candidate.person_id in need.chain_ids:
        reasons.append("is in the person's chain of command")
    if candidate.open_cases >= candidate.capacity:
        reasons.append("at capacity")
    if candidate.away:
        reasons.append("marked unavailable")
    if candidate.flagged:
        reasons.append("flagged for load: check in with them first")
    if candidate.peer_id in need.recused_peer_ids:
        reasons.append("recused for this incident")
    if candidate.peer_id in need.declined_peer_ids:
        reasons.append("already declined this request")
    return reasons


def score(need: Need, candidate: Candidate) -> tuple[int, tuple[str, ...]]:
    points, reasons = 0, []
    if need.requested_peer_id == candidate.peer_id:
        points += 100
        reasons.append("the person asked for this peer")
    if need.rank_level is not None and need.prefer_same_tier:
        # strong enough to outweigh a language or on-call bonus: supervisors with supervisors
        if candidate.rank_level == need.rank_level:
            points += 35
            reasons.append("same rank tier")
        elif candidate.rank_level > 0 and need.rank_level > 0:
            points += 25
            reasons.append("also a supervisor")
    if need.unit_id is not None and candidate.unit_id is not None:
        if candidate.unit_id != need.unit_id:
            points += 25 if need.prefer_other_unit else 5
            reasons.append("works in another unit")
        elif need.prefer_other_unit:
            points -= 25
    matched = sorted(need.topics & candidate.skills)
    if matched:
        points += 8 * min(len(matched), 3)
        reasons.append("prepared for " + ", ".join(t.replace("_", " ") for t in matched))
    if need.language and need.language != "en" and need.language in candidate.languages:
        points += 30
        reasons.append("speaks the person's language")
    if need.urgent and candidate.on_call:
        points += 30
        reasons.append("on call now")
    points -= 4 * candidate.open_cases
    reasons.append(f"{candidate.open_cases} open request{'s' if candidate.open_cases != 1 else ''}")
    return points, tuple(reasons)


def rank(need: Need, candidates: Iterable[Candidate], *, limit: int | None = None) -> list[Suggestion]:
    """Eligible candidates, best first (ties: fewer open cases, then a stable id order). The peer
    the person asked for comes first whenever eligible: points are additive, so without this a
    peer with every other advantage could outscore the one the person named."""
    suggestions = []
    for candidate in candidates:
        if ineligibility(need, candidate):
            continue
        points, reasons = score(need, candidate)
        suggestions.append(Suggestion(candidate, points, reasons))
    suggestions.sort(
        key=lambda s: (
            s.candidate.peer_id != need.requested_peer_id,
            -s.score,
            s.candidate.open_cases,
            str(s.candidate.peer_id),
        )
    )
    return suggestions[:limit] if limit is not None else suggestions
