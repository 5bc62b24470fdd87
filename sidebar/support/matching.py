"""Who should support this person? A pure function of two plain inputs — what the request needs
and what each peer offers — so that its rules can be proved on random org charts without a
database. Hard rules exclude; preferences rank, and every point of score comes with a reason
the team leader can read."""

from __future__ import annotations

import heapq
import math
import uuid
from collections import Counter, defaultdict
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
    unit_ids: frozenset[uuid.UUID] = frozenset()  # the person's unit, or their cohort's units
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


# The one reason given for a rule that depends on who the person is (the person themself, or
# someone above or below them): it reads like any other ineligibility, and since the team
# leader's view applies it to a whole cohort (below), it says nothing about one person.
NOT_AVAILABLE = "not available for this request"
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
    if candidate.person_id == need.person_id or candidate.person_id in need.chain_ids:
        reasons.append(NOT_AVAILABLE)
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
    if need.unit_ids and candidate.unit_id is not None:
        if candidate.unit_id not in need.unit_ids:
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


# -- cohorts: what the team leader sees must not single out the person ----------------------
#
# The hard rules above depend on who asked: a peer who works above or below the person is never
# offered the request. Applied person by person, the suggestion list gives that away: replaying
# it for each of 400 staff left 2–3 whose reporting lines produce the same list and order. So the
# team leader's view is computed for a *cohort* instead: at least ``minimum`` staff whose place
# in the organisation is alike, taken together. A peer above or below any of them is kept out
# for all of them; the tier preference uses the tier most of them hold and the unit
# preference all their units. Whoever in the cohort asked, the team leader sees the same
# suggestions, order, reasons and refusals. (The person themself is not kept out here: leaving
# one peer out of their own request would point at them. If they are offered it, they decline it
# like any other offer, and they cannot accept it: services.accept.)


@dataclass(frozen=True)
class Standing:
    """One staff member's place, as matching sees it."""

    person_id: uuid.UUID
    unit_id: uuid.UUID | None
    rank_level: int
    excluded: frozenset[uuid.UUID]  # peers (person ids) above or below the person
    name: str = ""
    supervisor_id: uuid.UUID | None = (
        None  # breaks ties between equal choices (the work e-mail: stable across rebuilds)
    )


@dataclass(frozen=True)
class Cohort:
    members: frozenset[uuid.UUID]
    excluded: frozenset[uuid.UUID]  # every member's excluded peers
    rank_level: int  # the tier most of them share (ties: the lower)
    unit_ids: frozenset[uuid.UUID]


def cohort_minimum(staff: int, k: int) -> int:
    """How many staff every cohort holds: the agency's suppression threshold k, and at least 5 %
    of staff (the anonymity set the team leader's view must keep)."""
    return max(k, math.ceil(staff * 0.05))


def standings(
    people: Iterable[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID | None, int, str]], peer_people: Iterable[uuid.UUID]
) -> list[Standing]:
    """Each person's standing from (person id, supervisor id, unit id, rank level, name) rows: the peers
    in their reporting line, up or down at any depth, found by walking from each peer (the peers
    are few; a walk per person would touch the whole chart for every chief)."""
    rows = list(people)
    boss_of = {person_id: supervisor_id for person_id, supervisor_id, *_ in rows}
    children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for person_id, supervisor_id, *_ in rows:
        if supervisor_id is not None:
            children[supervisor_id].append(person_id)
    excluded: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for peer in set(peer_people):
        boss, seen = boss_of.get(peer), {peer}
        while boss is not None and boss not in seen:  # everyone above the peer has the peer below
            seen.add(boss)
            excluded[boss].add(peer)
            boss = boss_of.get(boss)
        stack = list(children.get(peer, ()))
        while stack:  # everyone below the peer has the peer above
            person = stack.pop()
            if person not in seen:
                seen.add(person)
                excluded[person].add(peer)
                stack.extend(children.get(person, ()))
    return [
        Standing(person_id, unit_id, level, frozenset(excluded.get(person_id, ())), name, supervisor_id)
        for person_id, supervisor_id, unit_id, level, name in rows
    ]


# What merging two groups costs, per member whose view changes: a peer lost to them outweighs
# everything; then a tier preference lost; then a unit preference.
_PEER_LOST, _TIER_LOST, _UNIT_BLURRED = 1000, 10, 1


@dataclass
class _Group:
    members: list[uuid.UUID]
    excluded: frozenset[uuid.UUID]
    levels: list[int]  # each member's
    units: frozenset[uuid.UUID | None]
    key: str  # a stable name, for ties


def _merge_cost(small: _Group, other: _Group) -> int:
    def cost(a: _Group, b: _Group) -> int:  # what the members of ``a`` lose by joining ``b``
        lost = len(b.excluded - a.excluded) * _PEER_LOST
        lost += _TIER_LOST if set(b.levels) - set(a.levels) else 0
        lost += len(b.units - a.units) * _UNIT_BLURRED
        return lost * len(a.members)

    return cost(small, other) + cost(other, small)


def cohorts(people: Iterable[Standing], minimum: int) -> dict[uuid.UUID, Cohort]:
    """Every person's cohort: groups of at least ``minimum`` people (everyone together when there
    are fewer), each the union of people whose standing is alike. Deterministic: the same chart
    gives the same cohorts, whoever asks, in whatever order it is read.

    Greedy: people with the same standing start as one group; then the smallest group joins the
    neighbouring group it costs least to join, until none is too small. Neighbours are the groups
    of the members' supervisors, reports and fellow reports (or, with none of those, of their
    unit, then everyone): that keeps the search near-linear on a 20,000-person chart, and the
    cheapest partner is nearly always a neighbour, since standings follow the reporting lines."""
    standing_of = {s.person_id: s for s in people}
    by_place: dict[tuple[frozenset[uuid.UUID], int, uuid.UUID | None], list[Standing]] = defaultdict(list)
    for standing in standing_of.values():
        by_place[(standing.excluded, standing.rank_level, standing.unit_id)].append(standing)
    groups: dict[str, _Group] = {}
    group_of: dict[uuid.UUID, str] = {}
    for (excluded, level, unit), alike in by_place.items():
        key = min(s.name or str(s.person_id) for s in alike)
        groups[key] = _Group([s.person_id for s in alike], excluded, [level] * len(alike), frozenset({unit}), key)
        for s in alike:
            group_of[s.person_id] = key
    reports: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    unit_mates: dict[uuid.UUID | None, list[uuid.UUID]] = defaultdict(list)
    for standing in standing_of.values():
        if standing.supervisor_id is not None:
            reports[standing.supervisor_id].append(standing.person_id)
        unit_mates[standing.unit_id].append(standing.person_id)

    def neighbours(group: _Group) -> set[str]:
        near: set[str] = set()
        for member in group.members:
            boss = standing_of[member].supervisor_id
            around = [*reports.get(member, ()), *reports.get(boss, ()), *([boss] if boss in standing_of else [])]
            near.update(group_of[person] for person in around)
        if len(near - {group.key}) == 0:
            for member in group.members:
                near.update(group_of[person] for person in unit_mates[standing_of[member].unit_id])
        near.discard(group.key)
        return near or set(groups) - {group.key}

    waiting = [(len(g.members), g.key) for g in groups.values()]
    heapq.heapify(waiting)
    while waiting and len(groups) > 1:
        size, key = heapq.heappop(waiting)
        small = groups.get(key)
        if small is None or len(small.members) != size:
            continue  # merged away, or grown since it was queued
        if size >= minimum:
            break
        partner = min(
            (groups[near] for near in neighbours(small)),
            key=lambda g: (_merge_cost(small, g), -len(g.members), g.key),
        )
        merged = _Group(
            small.members + partner.members,
            small.excluded | partner.excluded,
            small.levels + partner.levels,
            small.units | partner.units,
            min(small.key, partner.key),
        )
        del groups[small.key], groups[partner.key]
        groups[merged.key] = merged
        for member in merged.members:
            group_of[member] = merged.key
        heapq.heappush(waiting, (len(merged.members), merged.key))
    groups_left = list(groups.values())
    found = {}
    for group in groups_left:
        cohort = Cohort(
            members=frozenset(group.members),
            excluded=group.excluded,
            rank_level=min(Counter(group.levels).items(), key=lambda item: (-item[1], item[0]))[0],
            unit_ids=frozenset(unit for unit in group.units if unit is not None),
        )
        for member in group.members:
            found[member] = cohort
    return found
