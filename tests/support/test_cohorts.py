"""The team leader's view is computed for cohorts, not people (sidebar.support.matching): on
random org charts every cohort holds at least the minimum, keeps out every peer above or below
any member, and does not depend on the order the chart is read in."""

from __future__ import annotations

import random
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from sidebar.support.matching import Standing, cohort_minimum, cohorts, standings

UNITS = [uuid.UUID(int=n) for n in range(1, 5)]


@st.composite
def charts(draw):  # type: ignore[no-untyped-def]
    """(person, supervisor, unit, level, name) rows of a random forest, and which of them are peers."""
    size = draw(st.integers(min_value=1, max_value=60))
    people = [uuid.UUID(int=1000 + n) for n in range(size)]
    rows = []
    for n, person in enumerate(people):
        boss = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=n - 1))) if n else None
        boss_id = people[boss] if boss is not None else None
        rows.append((person, boss_id, draw(st.sampled_from(UNITS)), draw(st.integers(0, 3)), f"p{n}@example.gov"))
    peers = draw(st.sets(st.sampled_from(people)))
    return rows, peers


def line_of(rows, person):  # type: ignore[no-untyped-def]
    """Everyone above or below ``person`` (plain Python, one person at a time)."""
    boss_of = {p: b for p, b, *_ in rows}
    found, step = set(), boss_of[person]
    while step is not None:
        found.add(step)
        step = boss_of[step]
    frontier = {person}
    while frontier:
        frontier = {p for p, b, *_ in rows if b in frontier}
        found |= frontier
    return found


@settings(max_examples=60, deadline=None)
@given(charts(), st.integers(min_value=3, max_value=25))
def test_cohorts_are_large_enough_and_keep_out_every_member_s_line(chart, minimum):
    rows, peers = chart
    found = cohorts(standings(rows, peers), minimum)
    assert set(found) == {p for p, *_ in rows}
    for person, cohort in found.items():
        assert person in cohort.members
        assert len(cohort.members) >= min(minimum, len(rows))
        assert line_of(rows, person) & peers <= cohort.excluded, "a peer in the person's line could be suggested"
        assert all(found[member] == cohort for member in cohort.members)


@settings(max_examples=50, deadline=None)
@given(charts(), st.randoms(use_true_random=False))
def test_the_same_chart_read_in_any_order_gives_the_same_cohorts(chart, shuffle: random.Random):
    rows, peers = chart
    shuffled = list(rows)
    shuffle.shuffle(shuffled)
    assert cohorts(standings(rows, peers), 5) == cohorts(standings(shuffled, peers), 5)


@settings(max_examples=100, deadline=None)
@given(charts())
def test_a_standing_is_the_peers_in_the_person_s_line(chart):
    rows, peers = chart
    for standing in standings(rows, peers):
        assert isinstance(standing, Standing)
        assert standing.excluded == frozenset(line_of(rows, standing.person_id) & peers)


def test_an_office_where_nobody_works_under_a_peer_loses_no_peer():
    rows = [(uuid.UUID(int=n), None, UNITS[n % 2], 0, f"p{n}") for n in range(1, 41)]
    found = cohorts(standings(rows, {uuid.UUID(int=1), uuid.UUID(int=2)}), 20)
    assert all(not cohort.excluded for cohort in found.values())


def test_the_minimum_is_k_or_five_percent_of_staff():
    assert cohort_minimum(400, 5) == 20
    assert cohort_minimum(401, 5) == 21
    assert cohort_minimum(40, 5) == 5
    assert cohort_minimum(40, 11) == 11
