"""Chain-of-command questions are answered by one query at any depth."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidebar.org.models import Person
from sidebar.org.selectors import chain_of_command, in_chain_of_command, subordinates_of, superiors_of, units_under
from tests.factories import PersonFactory, RankTierFactory, UnitFactory

pytestmark = pytest.mark.django_db


def build_line(length: int) -> list[Person]:
    """A straight reporting line: people[0] is the top, people[-1] the most junior."""
    tier = RankTierFactory(level=0)
    unit = UnitFactory()
    people: list[Person] = []
    for _ in range(length):
        people.append(PersonFactory(rank_tier=tier, unit=unit, supervisor=people[-1] if people else None))
    return people


def test_superiors_and_subordinates_at_any_depth_in_one_query_each(django_assert_num_queries):
    line = build_line(12)
    with django_assert_num_queries(1):
        above = set(superiors_of(line[-1]))
    with django_assert_num_queries(1):
        below = set(subordinates_of(line[0]))
    assert above == set(line[:-1])
    assert below == set(line[1:])


def test_siblings_are_not_in_each_others_chain():
    boss = PersonFactory()
    a, b = PersonFactory(supervisor=boss), PersonFactory(supervisor=boss)
    assert not in_chain_of_command(a, b)
    assert in_chain_of_command(a, boss)
    assert in_chain_of_command(boss, b)
    assert set(chain_of_command(a)) == {boss}


def test_a_supervisor_loop_is_rejected():
    line = build_line(4)
    top = line[0]
    top.supervisor = line[-1]
    with pytest.raises(ValidationError, match="own superior"):
        top.full_clean()


def test_queries_terminate_even_on_a_corrupt_cycle():
    a, b = PersonFactory(), PersonFactory()
    Person.objects.filter(pk=a.pk).update(supervisor=b)
    Person.objects.filter(pk=b.pk).update(supervisor=a)
    assert set(superiors_of(a)) == {a, b}


def test_units_under_a_division_include_every_nested_unit(django_assert_num_queries):
    division = UnitFactory(name="Trial Division", kind="division")
    bureau = UnitFactory(name="Felony Bureau", kind="bureau", parent=division)
    unit = UnitFactory(name="Homicide", parent=bureau)
    UnitFactory(name="Elsewhere")
    with django_assert_num_queries(1):
        found = set(units_under(division))
    assert found == {division, bureau, unit}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parents=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=25))
def test_chain_matches_a_walk_of_the_tree(parents):
    """On random org charts, the one-query answer equals a plain walk up the supervisor links."""
    Person.objects.all().delete()
    tier = RankTierFactory(level=0)
    unit = UnitFactory()
    people: list[Person] = [PersonFactory(rank_tier=tier, unit=unit)]
    for choice in parents:
        people.append(PersonFactory(rank_tier=tier, unit=unit, supervisor=people[choice % len(people)]))
    by_id = {p.pk: p for p in people}
    for person in people:
        walked, cursor = set(), person.supervisor_id
        while cursor:
            walked.add(cursor)
            cursor = by_id[cursor].supervisor_id
        assert set(superiors_of(person).values_list("pk", flat=True)) == walked
