"""Matching against the database (sidebar.support.selectors): the requester's reporting line,
up or down at any depth, is never suggested (DESIGN.md invariant 7), on a fixed org chart and
on random ones; a peer who has not signed the newest team agreement is never suggested; the
hard rules read from the roster hold; and the number of queries does not grow with the team."""

from __future__ import annotations

import datetime
import itertools
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.org.models import Person
from sidebar.support import services
from sidebar.support.matching import NOT_AVAILABLE
from sidebar.support.models import Assignment, SupportRequest
from sidebar.support.selectors import cohort_of, ineligibility_reasons, suggestions_for
from sidebar.team.models import PeerProfile
from tests.factories import (
    PersonFactory,
    RankTierFactory,
    UnitFactory,
    UserFactory,
    ask_as,
    make_account,
    make_peer,
    publish_agreement,
    sign_current_agreement,
)

pytestmark = pytest.mark.django_db

EVERYONE = 10_000  # a limit larger than any team here: suggestions_for returns every eligible peer
_emails = itertools.count()


def staff(*, supervisor: User | None = None, level: int = 0, unit=None) -> User:  # type: ignore[no-untyped-def]
    """An account with a staff record in the org chart."""
    n = next(_emails)
    user = UserFactory(email=f"staff{n}@example.gov")
    PersonFactory(
        full_name=f"Staff {n}",
        work_email=user.email,
        user=user,
        supervisor=supervisor.person if supervisor else None,
        rank_tier=RankTierFactory(level=level),
        **({"unit": unit} if unit is not None else {}),
    )
    return user


def suggested_people(support_request: SupportRequest, leader: User) -> list[uuid.UUID]:
    """The staff records of every suggested peer, best first."""
    suggestions = suggestions_for(support_request, actor=leader, limit=EVERYONE)
    return [s.candidate.person_id for s in suggestions]


@pytest.fixture
def leader(db: None) -> User:
    return make_account("leader@example.gov", Role.TEAM_LEADER)


@pytest.fixture
def chart(db: None) -> dict[str, User]:
    """Four levels deep, two divisions; everyone but the asker is an active, signed peer.

    chief ─┬─ manager ─┬─ asker (a supervisor) ─ deputy ─ clerk
           │           └─ sibling supervisor ─ sibling deputy
           └─ other manager ─ other supervisor ─ other deputy
    """
    unit_a, unit_b = UnitFactory(name="Trial"), UnitFactory(name="Appeals")
    people: dict[str, User] = {}
    people["chief"] = staff(level=3, unit=unit_a)
    people["manager"] = staff(supervisor=people["chief"], level=2, unit=unit_a)
    people["asker"] = staff(supervisor=people["manager"], level=1, unit=unit_a)
    people["deputy"] = staff(supervisor=people["asker"], level=0, unit=unit_a)
    people["clerk"] = staff(supervisor=people["deputy"], level=0, unit=unit_a)
    people["sibling_supervisor"] = staff(supervisor=people["manager"], level=1, unit=unit_a)
    people["sibling_deputy"] = staff(supervisor=people["sibling_supervisor"], level=0, unit=unit_a)
    people["other_manager"] = staff(supervisor=people["chief"], level=2, unit=unit_b)
    people["other_supervisor"] = staff(supervisor=people["other_manager"], level=1, unit=unit_b)
    people["other_deputy"] = staff(supervisor=people["other_supervisor"], level=0, unit=unit_b)
    for name, user in people.items():
        if name != "asker":
            make_peer(user)
    return people


IN_THE_LINE = ("chief", "manager", "deputy", "clerk")
OUTSIDE = ("sibling_supervisor", "sibling_deputy", "other_manager", "other_supervisor", "other_deputy")


def crowd(n: int = 6) -> list[User]:
    """Line staff of one records unit, outside every reporting line of the chart: an ordinary
    cohort of their own (the team leader's view is computed per cohort, see cohort_of)."""
    records = UnitFactory(name="Records")
    return [staff(unit=records) for _ in range(n)]


def outside_every_line(cohort_members: frozenset[uuid.UUID], chart: dict[str, User]) -> set[uuid.UUID]:
    """The chart's peers above or below none of ``cohort_members`` (plain Python)."""
    people = {user.person.pk: user.person for user in chart.values()}

    def line(pk: uuid.UUID) -> set[uuid.UUID]:
        found, step = set(), people[pk].supervisor_id
        while step is not None:
            found.add(step)
            step = people[step].supervisor_id
        frontier = {pk}
        while frontier:
            frontier = {p for p, person in people.items() if person.supervisor_id in frontier}
            found |= frontier
        return found

    crossed = set().union(*(line(pk) for pk in cohort_members if pk in people))
    return {pk for name, user in chart.items() if name != "asker" and (pk := user.person.pk) not in crossed}


def test_nobody_in_the_reporting_line_is_suggested(chart, leader):
    """For the asker's whole cohort: no peer above or below any of them (the asker's own line
    among them), and every other peer of the chart."""
    suggested = suggested_people(ask_as(chart["asker"]), leader)
    for name in IN_THE_LINE:
        assert chart[name].person.pk not in suggested
    cohort = cohort_of(chart["asker"].person)
    assert chart["asker"].person.pk in cohort.members and len(cohort.members) >= 5
    assert set(suggested) == outside_every_line(cohort.members, chart)


def test_the_suggestions_are_the_same_whoever_in_the_cohort_asked(chart, leader):
    cohort = cohort_of(chart["asker"].person)
    lists = set()
    for member in Person.objects.filter(pk__in=cohort.members, user__isnull=False):
        support_request = ask_as(member.user)
        lists.add(tuple(suggested_people(support_request, leader)))
        support_request.delete()
    assert len(lists) == 1


def test_a_named_superior_is_not_suggested_even_when_asked_for(chart, leader):
    """The chain of command wins over the person's own request for a peer, and the refusal reads
    like any other ineligibility."""
    manager_as_peer = chart["manager"].person.peer_profile
    support_request = ask_as(chart["asker"], requested_peer=manager_as_peer)
    assert chart["manager"].person.pk not in suggested_people(support_request, leader)
    reasons = ineligibility_reasons(support_request=support_request, peer=manager_as_peer, actor=leader)
    assert reasons == [NOT_AVAILABLE]
    with pytest.raises(services.WorkflowError) as refused:
        services.assign(support_request=support_request, peer=manager_as_peer, by=leader)
    assert str(refused.value) == "This peer cannot take this request: not available for this request."


def test_a_named_eligible_peer_comes_first(chart, leader):
    far = chart["other_deputy"].person.peer_profile  # not the matcher's pick for line staff of Records
    suggested = suggested_people(ask_as(crowd()[0], requested_peer=far), leader)
    assert suggested[0] == chart["other_deputy"].person.pk


def test_a_referral_uses_the_colleague_s_reporting_line_not_the_referrer_s(chart, leader):
    support_request = services.refer_colleague(
        referrer=chart["other_deputy"], colleague=chart["deputy"].person, reason="visible_distress", urgency="routine"
    )
    suggested = set(suggested_people(support_request, leader))
    for name in ("chief", "manager", "asker", "clerk", "deputy"):
        assert chart[name].person.pk not in suggested
    assert suggested == outside_every_line(cohort_of(chart["deputy"].person).members, chart)


def test_a_peer_who_has_not_signed_the_newest_agreement_is_never_suggested(chart, leader):
    publish_agreement()  # version 2: every member must sign again
    signed_again = chart["other_supervisor"]
    sign_current_agreement(signed_again)
    lagging = chart["sibling_supervisor"]
    support_request = ask_as(crowd()[0])

    assert suggested_people(support_request, leader) == [signed_again.person.pk]
    reasons = ineligibility_reasons(support_request=support_request, peer=lagging.person.peer_profile, actor=leader)
    assert reasons == ["has not signed the current confidentiality agreement"]

    sign_current_agreement(lagging)
    assert lagging.person.pk in suggested_people(support_request, leader)


def test_without_a_published_agreement_nobody_is_suggested(leader):
    asker = staff()
    for _ in range(3):
        make_peer(staff(), signed=False)
    assert suggestions_for(ask_as(asker), actor=leader) == []


def today() -> datetime.date:
    return timezone.localdate()


ROSTER_RULES = {
    "inactive": ({"status": PeerProfile.Status.INACTIVE}, "not an active team member"),
    "in training": ({"status": PeerProfile.Status.IN_TRAINING}, "not an active team member"),
    "untrained": ({"basic_training_completed_on": None}, "basic training not complete"),
    "away until today": ({"unavailable_until": "today"}, "marked unavailable"),
    "takes no cases": ({"capacity": 0}, "at capacity"),
}


@pytest.mark.parametrize("rule", ROSTER_RULES, ids=list(ROSTER_RULES))
def test_roster_hard_rules(rule, leader):
    fields, reason = ROSTER_RULES[rule]
    fields = {k: today() if v == "today" else v for k, v in fields.items()}
    asker = staff()
    breaking, fine = make_peer(staff(), **fields), make_peer(staff())
    support_request = ask_as(asker)
    assert suggested_people(support_request, leader) == [fine.person_id]
    assert ineligibility_reasons(support_request=support_request, peer=breaking, actor=leader) == [reason]


def test_away_until_yesterday_is_back(leader):
    back = make_peer(staff(), unavailable_until=today() - datetime.timedelta(days=1))
    assert suggested_people(ask_as(staff()), leader) == [back.person_id]


def test_live_assignments_count_against_capacity_and_finished_ones_do_not(leader):
    full = make_peer(staff(), capacity=2)
    free = make_peer(staff(), capacity=2)
    others = [ask_as(staff()) for _ in range(4)]
    Assignment.objects.create(request=others[0], peer=full, status=Assignment.Status.OFFERED)
    Assignment.objects.create(request=others[1], peer=full, status=Assignment.Status.ACCEPTED)
    Assignment.objects.create(request=others[2], peer=free, status=Assignment.Status.DECLINED)
    Assignment.objects.create(request=others[3], peer=free, status=Assignment.Status.ENDED)
    support_request = ask_as(staff())
    [suggestion] = suggestions_for(support_request, actor=leader)
    assert suggestion.candidate.peer_id == free.pk
    assert suggestion.candidate.open_cases == 0
    assert ineligibility_reasons(support_request=support_request, peer=full, actor=leader) == ["at capacity"]


def test_query_count_does_not_grow_with_the_team(leader):
    boss = staff(level=2)
    asker = crowd()[0]
    make_peer(boss)
    peers = [make_peer(staff(supervisor=boss, level=n % 3)) for n in range(5)]
    for peer in peers[:3]:  # some open cases, so the load count has rows to count
        Assignment.objects.create(request=ask_as(staff()), peer=peer, status=Assignment.Status.ACCEPTED)
    support_request = ask_as(asker)
    suggestions_for(support_request, actor=leader)  # warm caches (content types, the chain head)

    with CaptureQueriesContext(connection) as with_5:
        few = suggestions_for(support_request, actor=leader, limit=EVERYONE)
    assert len(few) == 6

    more = [make_peer(staff(level=n % 4)) for n in range(15)]
    for peer in more[:5]:
        Assignment.objects.create(request=ask_as(staff()), peer=peer, status=Assignment.Status.OFFERED)
    with CaptureQueriesContext(connection) as with_20:
        many = suggestions_for(support_request, actor=leader, limit=EVERYONE)
    assert len(many) == 21

    assert statements(with_20) == statements(with_5), "\n".join(statements(with_20))
    # the sealed link to the staff record, the audit event for reading it (head, insert, head
    # update), the person, who declined this request before, the cohorts (the chart, the
    # agency's threshold, the peers' records), the current agreement, the peers
    assert len(statements(with_5)) <= 11, "\n".join(statements(with_5))


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL run, without savepoints; literal ids and hashes blanked so two runs compare."""
    sql = [q["sql"] for q in captured.captured_queries]
    sql = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]
    return [re.sub(r"'[^']*'|\b\d+\b", "?", s) for s in sql]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parents=st.lists(st.integers(min_value=-1, max_value=10_000), min_size=1, max_size=9),
    asker_choice=st.integers(min_value=0, max_value=10_000),
    levels=st.lists(st.integers(min_value=0, max_value=3), min_size=10, max_size=10),
)
def test_random_org_charts_never_cross_the_chain_of_command(leader, parents, asker_choice, levels):
    """Random small charts (each a fresh tree beside the earlier examples' trees): everyone but
    the asker is a peer; of this chart, exactly the people outside the asker's line are suggested."""
    parent_of: list[int | None] = [None]
    for i, choice in enumerate(parents, start=1):
        parent_of.append(None if choice < 0 else choice % i)
    users: list[User] = []
    for i, parent in enumerate(parent_of):
        users.append(staff(supervisor=users[parent] if parent is not None else None, level=levels[i]))
    asker = asker_choice % len(users)
    for i, user in enumerate(users):
        if i != asker:
            make_peer(user)

    line: set[int] = set()
    step = parent_of[asker]
    while step is not None:
        line.add(step)
        step = parent_of[step]
    frontier = [asker]
    while frontier:
        below = [i for i, parent in enumerate(parent_of) if parent in frontier]
        line.update(below)
        frontier = below

    suggested = set(suggested_people(ask_as(users[asker]), leader))
    these = {user.person.pk: i for i, user in enumerate(users)}
    assert users[asker].person.pk not in suggested
    assert not {users[i].person.pk for i in line} & suggested, "a suggestion crossed the chain of command"
    as_chart = {("asker" if i == asker else str(i)): user for i, user in enumerate(users)}
    expected = outside_every_line(cohort_of(users[asker].person).members, as_chart)
    assert {pk for pk, i in these.items() if i != asker and i not in line} >= expected
    assert suggested & set(these) == expected, "an eligible peer was dropped"
