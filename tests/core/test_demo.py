"""The demo agency (sidebar.org.demo) and the load_demo command that installs it."""

from __future__ import annotations

import random
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from sidebar.accounts.models import RoleMembership, User
from sidebar.accounts.roles import Role
from sidebar.org.demo import DEMO_PASSWORD, DemoAccounts, build_demo_agency, demo_accounts
from sidebar.org.models import Agency, Person, RankTier, Unit
from sidebar.org.selectors import superiors_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> DemoAccounts:
    return build_demo_agency()


def _load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Agency, RankTier, Unit, Person, User, RoleMembership))


def test_the_office_has_the_expected_shape(demo):
    agency = Agency.objects.get()
    assert agency.name == "Harbor County District Attorney's Office"
    assert (agency.kind, agency.crisis_line, agency.timezone) == ("prosecutor", "988", "America/Los_Angeles")
    assert agency.eap_phone
    assert list(RankTier.objects.values_list("level", "name")) == [
        (0, "Line staff"),
        (1, "Supervisor"),
        (2, "Manager"),
        (3, "Executive"),
    ]
    assert 11 <= Unit.objects.count() <= 14
    assert Unit.objects.filter(parent__isnull=False).exists()  # a tree, not a flat list
    assert 380 <= Person.objects.count() <= 420
    for level in range(4):
        assert Person.objects.filter(rank_tier__level=level).exists()
    emails = list(Person.objects.values_list("work_email", flat=True))
    assert all(email.endswith("@harborcounty-da.example") for email in emails)


def test_one_holder_of_each_privileged_role_and_24_peers(demo):
    counts = {role: RoleMembership.objects.filter(role=role).count() for role in Role if role is not Role.STAFF}
    assert counts == {
        Role.PEER: 24,
        Role.TEAM_LEADER: 1,
        Role.CLINICAL_ADVISOR: 1,
        Role.PROGRAM_ADMIN: 1,
        Role.LEADERSHIP: 1,
    }
    assert User.objects.filter(role_memberships__isnull=True).count() >= 20  # plain staff can sign in too
    assert not User.objects.filter(person__isnull=True).exists()  # every account has a staff record
    leadership = Person.objects.get(user__role_memberships__role=Role.LEADERSHIP)
    assert leadership.title == "Chief Deputy District Attorney"


def test_returned_accounts_hold_their_roles_and_share_the_demo_password(demo):
    for role, email in demo.by_role().items():
        user = User.objects.get(email=email)
        held = set(user.role_memberships.values_list("role", flat=True))
        if role is Role.STAFF:
            assert held == set()
        else:
            assert role.value in held
    assert demo.password == DEMO_PASSWORD
    assert User.objects.get(email=demo.leadership).check_password(DEMO_PASSWORD)
    assert len(set(User.objects.values_list("password", flat=True))) == 1  # hashed once, shared
    assert demo_accounts() == demo  # reading back from the database finds the same accounts


def test_everyone_but_the_district_attorney_reports_to_someone_more_senior(demo):
    people = {p.pk: p for p in Person.objects.select_related("rank_tier")}
    top = [p for p in people.values() if p.supervisor_id is None]
    assert [p.title for p in top] == ["District Attorney"]
    for person in people.values():
        if person.supervisor_id is not None:
            boss = people[person.supervisor_id]
            assert boss.rank_tier.level > person.rank_tier.level or boss.rank_tier.level == 3
        # Walking up ends at the top within a few steps: no cycles anywhere.
        seen, current = {person.pk}, person
        while current.supervisor_id is not None:
            assert current.supervisor_id not in seen
            seen.add(current.supervisor_id)
            current = people[current.supervisor_id]
        assert current is top[0] and len(seen) <= 6


def test_superiors_of_line_staff_lead_up_to_the_district_attorney(demo):
    line_staff = list(Person.objects.filter(rank_tier__level=0).order_by("work_email"))
    for person in random.Random(7).sample(line_staff, 5):
        chain = list(superiors_of(person).select_related("rank_tier"))
        assert person not in chain
        assert person.supervisor in chain
        assert "District Attorney" in {p.title for p in chain}
        assert {p.rank_tier.level for p in chain} >= {1, 3}


def test_peers_are_spread_over_units_and_tiers(demo):
    peers = Person.objects.filter(user__role_memberships__role=Role.PEER)
    assert peers.values("unit").distinct().count() >= 6
    assert peers.filter(rank_tier__level=1).exists()  # supervisors can be matched with supervisors
    assert peers.filter(rank_tier__level=0).count() > peers.filter(rank_tier__level__gt=0).count()


def test_same_seed_gives_the_same_office_and_another_seed_a_different_one():
    def emails(seed: int) -> tuple[DemoAccounts, list[str]]:
        with transaction.atomic():
            accounts = build_demo_agency(seed=seed)
            found = sorted(Person.objects.values_list("work_email", flat=True))
            transaction.set_rollback(True)  # start the next build from an empty database
        return accounts, found

    first, second, other = emails(2026), emails(2026), emails(7)
    assert first == second
    assert first[1] != other[1]
    assert len(set(first[1])) == len(first[1])


def test_load_demo_loads_once_and_keeps_the_data_on_the_second_run():
    first = _load_demo()
    counts = _counts()
    second = _load_demo()
    assert _counts() == counts
    assert "Demo data already present; keeping it." not in first
    assert "Demo data already present; keeping it." in second
    assert first.splitlines()[1:] == second.splitlines()[1:]  # the same table, read back from the database
    assert "two-factor sign-in is not enforced" in second


def test_load_demo_keeps_an_agency_that_was_set_up_by_hand():
    Agency.objects.create(name="Real County")
    output = _load_demo()
    assert "Demo data already present; keeping it." in output
    assert not Person.objects.exists()


def test_load_demo_prints_one_account_per_role():
    output = _load_demo()
    for role in Role:
        rows = [line for line in output.splitlines() if line.startswith(role.label + " ")]
        assert len(rows) == 1, role
        _label, email, password = rows[0].rsplit(maxsplit=2)
        assert password == DEMO_PASSWORD
        user = User.objects.get(email=email)
        if role is Role.STAFF:
            assert not user.role_memberships.exists()
        else:
            assert user.role_memberships.filter(role=role).exists()


def test_load_demo_refuses_outside_demo_and_test_mode(settings):
    settings.DEMO_MODE = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="never be loaded into a production database"):
        _load_demo()
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_every_printed_demo_account_signs_in_and_sees_its_own_home_page(client, settings, capsys):
    """What `make demo` promises: each account it prints works, in demo mode, with the password."""
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    call_command("load_demo")
    printed = re.findall(r"^(.+?)\s{2,}(\S+@\S+)\s+(\S+)$", capsys.readouterr().out, flags=re.MULTILINE)
    assert len(printed) == 6
    for role_label, email, password in printed:
        client.logout()
        response = client.post(reverse("account_login"), {"login": email, "password": password}, follow=True)
        assert response.status_code == 200, role_label
        body = response.content.decode()
        assert response.request["PATH_INFO"] == reverse("home"), role_label
        assert "Welcome, " in body and role_label in body, role_label
