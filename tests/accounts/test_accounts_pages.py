"""The program administrator's accounts pages: the list that tells namesakes apart, roles,
accounts for the whole roster (never self sign-up)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Person
from tests.factories import PersonFactory, UnitFactory, make_account

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("setup:accounts")
FROM_ROSTER = reverse("setup:accounts_from_roster")


@pytest.fixture
def admin_client(cast, signed_in):
    return signed_in(cast.program_admin)


def test_two_people_of_one_name_are_told_apart_by_unit_and_address(cast, admin_client):
    homicide, appeals = UnitFactory(name="Homicide Unit"), UnitFactory(name="Appeals Unit")
    for address, unit in (("ivo.gutierrez@example.gov", homicide), ("ivo.gutierrez2@example.gov", appeals)):
        Person.objects.filter(user=make_account(address, unit=unit)).update(full_name="Ivo Gutierrez")

    page = admin_client.get(ACCOUNTS, {"search": "ivo gutierrez"}).content.decode()

    assert page.count(">Ivo Gutierrez</a>") == 2
    assert "Homicide Unit · ivo.gutierrez@example.gov" in page
    assert "Appeals Unit · ivo.gutierrez2@example.gov" in page


def test_filters_by_role_sign_in_and_unit_with_its_sub_units(cast, admin_client):
    trial = UnitFactory(name="Trial Division")
    homicide = UnitFactory(name="Homicide Unit", parent=trial)
    inside = make_account("inside@example.gov", unit=homicide)
    outside = make_account("outside@example.gov", unit=UnitFactory(name="Civil"))
    User.objects.filter(pk=outside.pk).update(last_login="2026-01-05T10:00:00Z")

    def shown(**filters):
        response = admin_client.get(ACCOUNTS, {"status": "active", **filters})
        assert response.status_code == 200
        return {account.email for account in response.context["page"]}

    assert shown(unit=trial.pk) == {inside.email}
    assert outside.email not in shown(signed_in="no")
    assert shown(signed_in="yes") == {outside.email, cast.program_admin.email}  # force_login counts
    assert shown(role="team_leader") == {cast.team_leader.email}
    assert cast.team_leader.email not in shown(role="staff")
    assert shown(search="INSIDE") == {inside.email}


def test_the_list_takes_a_fixed_number_of_queries(cast, admin_client, django_assert_max_num_queries):
    for n in range(30):
        make_account(f"colleague{n}@example.gov", Role.PEER if n % 3 == 0 else Role.STAFF)
    with django_assert_max_num_queries(20):
        response = admin_client.get(ACCOUNTS)
    assert response.status_code == 200
    assert len(response.context["page"]) == 37


def test_the_administrator_changes_someones_roles_audited(cast, admin_client):
    """Leadership at once; peer supporter and team leader wait for a second person (issue 16
    section 3, tests/accounts/test_two_person.py)."""
    url = reverse("setup:account_roles", args=[cast.staff.pk])
    response = admin_client.post(url, {"roles": ["peer", "team_leader", "leadership"]})
    assert response.status_code == 302
    assert set(cast.staff.role_memberships.values_list("role", flat=True)) == {"leadership"}
    assert set(cast.staff.pending_changes.values_list("role", flat=True)) == {"peer", "team_leader"}
    audited = AuditEvent.objects.filter(object_id=str(cast.staff.pk)).values_list("action", "detail")
    assert set(audited) == {
        (Action.ROLE_GRANTED, "leadership"),
        (Action.ROLE_GRANT_REQUESTED, "peer"),
        (Action.ROLE_GRANT_REQUESTED, "team_leader"),
    }
    # a reload of the page after the redirect changes nothing
    assert admin_client.get(response["Location"]).status_code == 200


def test_the_administrator_cannot_change_their_own_roles(cast, admin_client):
    response = admin_client.post(reverse("setup:account_roles", args=[cast.program_admin.pk]), {"roles": ["peer"]})
    assert response.status_code == 400
    assert "cannot change your own roles" in response.content.decode()
    assert set(cast.program_admin.role_memberships.values_list("role", flat=True)) == {"program_admin"}


def test_creating_accounts_from_the_roster_previews_then_creates_each_once(cast, admin_client):
    unit = UnitFactory(name="Probation North")
    newcomers = [PersonFactory(unit=unit, work_email=f"New.Person{n}@Example.gov") for n in range(3)]
    PersonFactory(unit=unit, is_active=False)  # left the agency: no account
    # an account made in the admin before its staff record existed is linked, not duplicated
    early = User.objects.create_user("early.bird@example.gov")
    early_person = PersonFactory(unit=unit, work_email="early.bird@example.gov")

    preview = admin_client.get(FROM_ROSTER)
    assert preview.context["count"] == 4
    assert "Create 4 accounts" in preview.content.decode()

    response = admin_client.post(FROM_ROSTER)
    assert response.status_code == 302
    for person in newcomers:
        person.refresh_from_db()
        assert person.user is not None
        assert person.user.email == person.work_email.lower()
        assert not person.user.has_usable_password()
        assert not person.user.role_memberships.exists()
    early_person.refresh_from_db()
    assert early_person.user == early
    assert Person.objects.filter(is_active=False, user__isnull=False).count() == 0
    granted = AuditEvent.objects.filter(action=Action.ROLE_GRANTED, detail="staff", actor_id=cast.program_admin.pk)
    assert granted.count() == 4

    accounts_before = User.objects.count()
    admin_client.post(FROM_ROSTER)  # a double click
    assert User.objects.count() == accounts_before


def test_staff_cannot_open_the_accounts_pages(cast, signed_in):
    assert signed_in(cast.team_leader).get(ACCOUNTS).status_code == 403
    assert signed_in(cast.staff).post(FROM_ROSTER).status_code == 403
