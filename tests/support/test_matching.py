"""The pure matcher (sidebar.support.matching), without a database: every hard rule excludes,
every preference ranks, every reason reads as words — and, on random org charts, no suggestion
ever crosses the chain of command (DESIGN.md invariant 7) or breaks another hard rule, and no
eligible peer is ever dropped."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidebar.support.matching import NOT_AVAILABLE, Candidate, Need, Suggestion, ineligibility, rank, score

UNIT_A, UNIT_B = uuid.uuid4(), uuid.uuid4()
ASKER = uuid.uuid4()


def candidate(**fields: object) -> Candidate:
    """An eligible line-staff peer in unit A with no open cases, unless told otherwise."""
    values: dict[str, object] = {
        "peer_id": uuid.uuid4(),
        "person_id": uuid.uuid4(),
        "rank_level": 0,
        "unit_id": UNIT_A,
    }
    values.update(fields)
    return Candidate(**values)  # type: ignore[arg-type]


def need(**fields: object) -> Need:
    """A line-staff person in unit A asking for support, unless told otherwise."""
    values: dict[str, object] = {"person_id": ASKER, "rank_level": 0, "unit_ids": frozenset({UNIT_A})}
    values.update(fields)
    return Need(**values)  # type: ignore[arg-type]


def order(need_: Need, *candidates: Candidate) -> list[Candidate]:
    return [s.candidate for s in rank(need_, candidates)]


def chain_of(parents: Sequence[int | None], index: int) -> set[int]:
    """Everyone above or below ``index`` in a forest given by parent pointers (plain Python)."""
    above, step = set(), parents[index]
    while step is not None and step not in above:
        above.add(step)
        step = parents[step]
    children: dict[int, list[int]] = {}
    for child, parent in enumerate(parents):
        if parent is not None:
            children.setdefault(parent, []).append(child)
    below, stack = set(), list(children.get(index, []))
    while stack:
        person = stack.pop()
        if person not in below:
            below.add(person)
            stack.extend(children.get(person, []))
    return (above | below) - {index}


# --- hard rules ------------------------------------------------------------------------------

HARD_RULES = {
    "inactive": ({}, {"active": False}, "not an active team member"),
    "untrained": ({}, {"trained": False}, "basic training not complete"),
    "no current agreement": ({}, {"agreement_current": False}, "has not signed the current confidentiality agreement"),
    "the person themself": ({}, {"person_id": ASKER}, NOT_AVAILABLE),
    "at capacity": ({}, {"open_cases": 3, "capacity": 3}, "at capacity"),
    "over capacity": ({}, {"open_cases": 5, "capacity": 3}, "at capacity"),
    "takes no cases": ({}, {"open_cases": 0, "capacity": 0}, "at capacity"),
    "away": ({}, {"away": True}, "marked unavailable"),
}


@pytest.mark.parametrize("rule", HARD_RULES, ids=list(HARD_RULES))
def test_each_hard_rule_excludes_the_peer_with_its_reason(rule):
    need_fields, candidate_fields, reason = HARD_RULES[rule]
    the_need, breaking, fine = need(**need_fields), candidate(**candidate_fields), candidate()
    assert ineligibility(the_need, breaking) == [reason]
    assert ineligibility(the_need, fine) == []
    assert order(the_need, breaking, fine) == [fine]


def test_recused_peer_is_excluded():
    recused, fine = candidate(), candidate()
    the_need = need(recused_peer_ids=frozenset({recused.peer_id}))
    assert ineligibility(the_need, recused) == ["recused for this incident"]
    assert order(the_need, recused, fine) == [fine]


def test_chain_of_command_is_excluded_in_both_directions_at_any_depth():
    # 0 ─ 1 ─ 2 ─ 3(asker) ─ 4 ─ 5      and a sibling branch 1 ─ 6 ─ 7, and another tree 8 ─ 9
    parents: list[int | None] = [None, 0, 1, 2, 3, 4, 1, 6, None, 8]
    people = [uuid.uuid4() for _ in parents]
    chain = chain_of(parents, 3)
    assert chain == {0, 1, 2, 4, 5}
    the_need = need(person_id=people[3], chain_ids=frozenset(people[i] for i in chain))
    peers = {i: candidate(person_id=people[i]) for i in range(len(parents))}
    suggested = {s.candidate.person_id for s in rank(the_need, peers.values())}
    assert suggested == {people[i] for i in (6, 7, 8, 9)}
    for i in (0, 1, 2, 4, 5):  # two levels above, the direct supervisor, direct and indirect reports
        assert ineligibility(the_need, peers[i]) == [NOT_AVAILABLE]
    assert ineligibility(the_need, peers[3]) == [NOT_AVAILABLE]


def test_one_below_capacity_is_still_eligible():
    assert ineligibility(need(), candidate(open_cases=2, capacity=3)) == []


def test_a_peer_breaking_every_rule_hears_every_reason():
    the_need = need(chain_ids=frozenset({ASKER}))
    worst = candidate(
        person_id=ASKER, active=False, trained=False, agreement_current=False, open_cases=9, capacity=1, away=True
    )
    the_need = replace(the_need, recused_peer_ids=frozenset({worst.peer_id}))
    assert ineligibility(the_need, worst) == [
        "not an active team member",
        "basic training not complete",
        "has not signed the current confidentiality agreement",
        NOT_AVAILABLE,  # the person themself and their chain of command read alike
        "at capacity",
        "marked unavailable",
        "recused for this incident",
    ]


def test_anonymous_requests_exclude_only_on_the_peer_s_own_rules():
    the_need = Need(person_id=None)
    anyone = candidate()
    assert ineligibility(the_need, anyone) == []
    points, reasons = score(the_need, anyone)
    assert reasons == ("0 open requests",)
    assert points == 0


# --- preferences -----------------------------------------------------------------------------


def test_the_requested_peer_comes_first_even_against_every_other_advantage():
    asked_for = candidate(unit_id=UNIT_A, rank_level=3, open_cases=2)
    rival = candidate(
        unit_id=UNIT_B,
        rank_level=0,
        skills=frozenset({"grief", "family", "legal"}),
        languages=frozenset({"es"}),
        on_call=True,
    )
    the_need = need(
        requested_peer_id=asked_for.peer_id,
        prefer_other_unit=True,
        topics=frozenset({"grief", "family", "legal"}),
        language="es",
        urgent=True,
    )
    assert order(the_need, rival, asked_for) == [asked_for, rival]
    assert order(the_need, asked_for, rival) == [asked_for, rival]


def test_an_ineligible_requested_peer_is_still_excluded():
    asked_for, other = candidate(away=True), candidate()
    assert order(need(requested_peer_id=asked_for.peer_id), asked_for, other) == [other]


def test_same_rank_tier_is_preferred():
    same, senior = candidate(rank_level=0), candidate(rank_level=2)
    assert order(need(rank_level=0), senior, same) == [same, senior]


def test_supervisors_are_matched_with_supervisors():
    the_need = need(rank_level=2)
    same, other_supervisor, line_staff = candidate(rank_level=2), candidate(rank_level=1), candidate(rank_level=0)
    assert order(the_need, line_staff, other_supervisor, same) == [same, other_supervisor, line_staff]
    assert "also a supervisor" in score(the_need, other_supervisor)[1]


def test_no_tier_preference_when_the_person_does_not_want_one():
    the_need = need(rank_level=0, prefer_same_tier=False)
    assert score(the_need, candidate(rank_level=0))[0] == score(the_need, candidate(rank_level=2))[0]


def test_another_unit_when_asked_and_mildly_by_default():
    same_unit, other_unit = candidate(unit_id=UNIT_A), candidate(unit_id=UNIT_B)
    asked, default = need(prefer_other_unit=True), need()
    assert order(asked, same_unit, other_unit) == [other_unit, same_unit]
    assert order(default, same_unit, other_unit) == [other_unit, same_unit]
    gap_asked = score(asked, other_unit)[0] - score(asked, same_unit)[0]
    gap_default = score(default, other_unit)[0] - score(default, same_unit)[0]
    assert gap_asked > gap_default > 0


def test_mild_other_unit_default_yields_to_same_tier():
    """By default the other-unit preference is mild: it never outweighs the same rank tier."""
    same_tier_same_unit = candidate(unit_id=UNIT_A, rank_level=0)
    other_tier_other_unit = candidate(unit_id=UNIT_B, rank_level=1)
    assert order(need(), other_tier_other_unit, same_tier_same_unit) == [same_tier_same_unit, other_tier_other_unit]


def test_skills_matching_the_topics_are_preferred_and_more_is_better():
    the_need = need(topics=frozenset({"grief", "critical_incident"}))
    none, one, both = (
        candidate(skills=frozenset({"legal"})),
        candidate(skills=frozenset({"grief"})),
        candidate(skills=frozenset({"grief", "critical_incident", "legal"})),
    )
    assert order(the_need, none, one, both) == [both, one, none]


def test_the_person_s_language_is_preferred_but_english_is_taken_for_granted():
    speaker, other = candidate(languages=frozenset({"vi"})), candidate()
    assert order(need(language="vi"), other, speaker) == [speaker, other]
    english = need(language="en")
    assert score(english, candidate(languages=frozenset({"en"})))[0] == score(english, other)[0]


def test_on_call_counts_only_for_urgent_requests():
    on_call, off = candidate(on_call=True), candidate()
    assert order(need(urgent=True), off, on_call) == [on_call, off]
    routine = need(urgent=False)
    assert score(routine, on_call) == score(routine, off)


def test_fewer_open_cases_rank_first():
    busy, free = candidate(open_cases=2), candidate(open_cases=0)
    assert order(need(), busy, free) == [free, busy]


def test_ties_break_by_open_cases_then_a_stable_id_order():
    a = candidate(peer_id=uuid.UUID(int=1))
    b = candidate(peer_id=uuid.UUID(int=2))
    assert order(need(), b, a) == [a, b] == order(need(), a, b)


def test_limit_keeps_the_best():
    peers = [candidate(open_cases=n % 3) for n in range(10)]
    assert rank(need(), peers, limit=4) == rank(need(), peers)[:4]


# --- reasons ---------------------------------------------------------------------------------


def test_reasons_are_plain_words_a_team_leader_can_read():
    the_need = need(
        rank_level=1,
        topics=frozenset({"critical_incident", "grief"}),
        language="es",
        urgent=True,
        prefer_other_unit=True,
    )
    peer = candidate(
        rank_level=1,
        unit_id=UNIT_B,
        skills=frozenset({"grief", "critical_incident"}),
        languages=frozenset({"es"}),
        on_call=True,
        open_cases=1,
    )
    the_need = replace(the_need, requested_peer_id=peer.peer_id)
    [suggestion] = rank(the_need, [peer])
    assert suggestion.reasons == (
        "the person asked for this peer",
        "same rank tier",
        "works in another unit",
        "prepared for critical incident, grief",
        "speaks the person's language",
        "on call now",
        "1 open request",
    )
    assert score(need(), candidate(open_cases=2))[1][-1] == "2 open requests"
    for reason in suggestion.reasons:
        assert_readable(reason, suggestion)


def assert_readable(reason: str, suggestion: Suggestion) -> None:
    assert reason and reason == reason.strip()
    assert "_" not in reason, "codes are shown as words"
    assert str(suggestion.candidate.peer_id) not in reason and str(suggestion.candidate.person_id) not in reason


# --- property-based: random org charts -------------------------------------------------------

LIKELY = st.sampled_from([True, True, True, True, False])
UNLIKELY = st.sampled_from([False, False, False, False, True])
TOPICS = ["grief", "critical_incident", "family", "legal"]
LANGUAGES = ["", "en", "es", "vi"]


@st.composite
def org_charts(draw: st.DrawFn) -> dict[str, object]:
    """A random forest of people (parent pointers), some of them peers with random attributes,
    a random request (named or anonymous), random preferences and recusals."""
    size = draw(st.integers(min_value=1, max_value=30))
    parents: list[int | None] = [None]
    for i in range(1, size):
        parent = draw(st.integers(min_value=-1, max_value=i - 1))
        parents.append(None if parent < 0 else parent)
    people = draw(st.lists(st.uuids(), min_size=size, max_size=size, unique=True))
    units = [UNIT_A, UNIT_B, None]
    level_of = [draw(st.integers(min_value=0, max_value=3)) for _ in range(size)]
    unit_of = [draw(st.sampled_from(units)) for _ in range(size)]
    peer_indexes = sorted(draw(st.sets(st.integers(min_value=0, max_value=size - 1))))
    peer_ids = draw(st.lists(st.uuids(), min_size=len(peer_indexes), max_size=len(peer_indexes), unique=True))
    candidates = [
        Candidate(
            peer_id=peer_id,
            person_id=people[i],
            rank_level=level_of[i],
            unit_id=unit_of[i],
            skills=frozenset(draw(st.sets(st.sampled_from(TOPICS)))),
            languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES[1:])))),
            open_cases=draw(st.integers(min_value=0, max_value=4)),
            capacity=draw(st.integers(min_value=0, max_value=4)),
            active=draw(LIKELY),
            trained=draw(LIKELY),
            agreement_current=draw(LIKELY),
            away=draw(UNLIKELY),
            on_call=draw(st.booleans()),
        )
        for i, peer_id in zip(peer_indexes, peer_ids, strict=True)
    ]
    asker = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=size - 1)))
    chain = chain_of(parents, asker) if asker is not None else set()
    requested = draw(st.one_of(st.none(), st.uuids(), *([st.sampled_from(peer_ids)] if peer_ids else [])))
    recused = draw(st.sets(st.sampled_from(peer_ids))) if peer_ids else set()
    need_ = Need(
        person_id=people[asker] if asker is not None else None,
        chain_ids=frozenset(people[i] for i in chain),
        rank_level=level_of[asker] if asker is not None else None,
        unit_ids=frozenset({unit_of[asker]}) if asker is not None and unit_of[asker] else frozenset(),
        topics=frozenset(draw(st.sets(st.sampled_from(TOPICS)))),
        language=draw(st.sampled_from(LANGUAGES)),
        prefer_same_tier=draw(st.booleans()),
        prefer_other_unit=draw(st.booleans()),
        requested_peer_id=requested,
        urgent=draw(st.booleans()),
        recused_peer_ids=frozenset(recused),
    )
    return {
        "need": need_,
        "candidates": candidates,
        "forbidden_people": {people[i] for i in chain} | ({people[asker]} if asker is not None else set()),
        "shuffled": draw(st.permutations(candidates)),
    }


def obeys_every_hard_rule(need_: Need, c: Candidate, forbidden_people: set[uuid.UUID]) -> bool:
    """The hard rules, written again independently of the module under test."""
    return (
        c.active
        and c.trained
        and c.agreement_current
        and c.person_id not in forbidden_people
        and c.open_cases < c.capacity
        and not c.away
        and c.peer_id not in need_.recused_peer_ids
    )


@settings(max_examples=300, deadline=None)
@given(chart=org_charts())
def test_no_suggestion_ever_breaks_a_hard_rule_and_none_eligible_is_dropped(chart):
    need_: Need = chart["need"]
    candidates: list[Candidate] = chart["candidates"]
    forbidden: set[uuid.UUID] = chart["forbidden_people"]
    suggestions = rank(need_, candidates)
    suggested = [s.candidate for s in suggestions]

    assert len({c.peer_id for c in suggested}) == len(suggested), "nobody is suggested twice"
    for c in suggested:
        assert c.person_id not in forbidden, "never the person, never anyone in their chain of command"
        assert c.person_id not in need_.chain_ids
        assert obeys_every_hard_rule(need_, c, forbidden)
    eligible = {c.peer_id for c in candidates if obeys_every_hard_rule(need_, c, forbidden)}
    assert {c.peer_id for c in suggested} == eligible, "rank drops nobody eligible"
    for c in candidates:
        assert (ineligibility(need_, c) == []) == (c.peer_id in eligible)


@settings(max_examples=200, deadline=None)
@given(chart=org_charts(), limit=st.integers(min_value=0, max_value=10))
def test_ranking_is_deterministic_and_ordered(chart, limit):
    need_: Need = chart["need"]
    candidates: list[Candidate] = chart["candidates"]
    suggestions = rank(need_, candidates)

    assert rank(need_, chart["shuffled"]) == suggestions, "the input order does not matter"
    assert rank(need_, list(reversed(candidates))) == suggestions
    assert rank(need_, candidates, limit=limit) == suggestions[:limit]

    rest = suggestions
    if suggestions and need_.requested_peer_id == suggestions[0].candidate.peer_id:
        rest = suggestions[1:]
    elif need_.requested_peer_id is not None:
        assert need_.requested_peer_id not in {s.candidate.peer_id for s in suggestions}, (
            "an eligible requested peer is always first"
        )
    keys = [(-s.score, s.candidate.open_cases, str(s.candidate.peer_id)) for s in rest]
    assert keys == sorted(keys), "best score first; ties: fewer open cases, then id"
    for s in suggestions:
        assert (s.score, s.reasons) == score(need_, s.candidate)
        assert s.reasons[-1].endswith(("open request", "open requests"))
        for reason in s.reasons:
            assert_readable(reason, s)
