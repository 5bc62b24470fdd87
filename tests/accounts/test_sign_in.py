"""Signing in: Argon2, password rules, no user enumeration, rate limits, idle timeouts, TOTP."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from sidebar.accounts import sign_in_limits
from sidebar.accounts.roles import Role
from sidebar.accounts.services import set_roles
from tests.factories import CAST_PASSWORD, activate_totp, make_account, totp_code

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")


@pytest.fixture
def staff_member():
    return make_account("jordan.reyes@example.gov", password=CAST_PASSWORD)


def sign_in(client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def test_passwords_are_hashed_with_argon2(staff_member):
    assert staff_member.password.startswith("argon2")


@pytest.mark.parametrize("password", ["short1!", "password123456", "123456789012345"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_staff_member_signs_in_and_lands_home(client, staff_member):
    response = sign_in(client, staff_member.email, CAST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_unknown_email_and_wrong_password_get_the_same_answer(client, staff_member):
    wrong_password = sign_in(client, staff_member.email, "not the password at all")
    unknown_email = sign_in(client, "nobody.here@example.gov", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 200
    errors = wrong_password.context["form"].non_field_errors()
    assert errors == unknown_email.context["form"].non_field_errors()
    assert errors, "a failed sign-in must say so"


def test_typed_email_is_kept_after_a_failed_sign_in(client, staff_member):
    response = sign_in(client, staff_member.email, "not the password at all")
    assert f'value="{staff_member.email}"' in response.content.decode()


def test_repeated_failures_are_rate_limited(client, staff_member):
    for _ in range(sign_in_limits.PER_ACCOUNT_AT_ADDRESS.amount):
        sign_in(client, staff_member.email, "not the password at all")
    # the right password is refused too, for a while: the limit is per account, not per guess
    response = sign_in(client, staff_member.email, CAST_PASSWORD)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_session_key_changes_at_sign_in(client, staff_member):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    sign_in(client, staff_member.email, CAST_PASSWORD)
    assert client.session.session_key != before


def test_privileged_user_is_asked_for_the_totp_code(client):
    leader = make_account("lee.park@example.gov", Role.TEAM_LEADER, password=CAST_PASSWORD)
    secret = activate_totp(leader)
    response = sign_in(client, leader.email, CAST_PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_granting_a_role_makes_totp_required_at_once(client, staff_member):
    client.force_login(staff_member)
    assert client.get(reverse("home")).status_code == 200
    set_roles(user=staff_member, roles=[Role.PEER], by=None)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_demo_mode_does_not_enforce_totp_and_says_so(client, settings):
    settings.DEMO_MODE = True
    leader = make_account("lee.park@example.gov", Role.TEAM_LEADER)
    client.force_login(leader)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Demo mode" in response.content.decode()


def _age_session(client, seconds: int) -> None:
    session = client.session
    session["sidebar_last_seen"] = time.time() - seconds
    session.save()


def test_privileged_user_is_signed_out_after_30_idle_minutes(client):
    leader = make_account("lee.park@example.gov", Role.TEAM_LEADER)
    activate_totp(leader)
    client.force_login(leader)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, 31 * 60)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_staff_member_is_not_signed_out_after_30_idle_minutes(client, staff_member):
    client.force_login(staff_member)
    client.get(reverse("home"))
    _age_session(client, 31 * 60)
    assert client.get(reverse("home")).status_code == 200


def test_resetting_someones_two_factor_stops_their_open_session_at_once(client):
    from allauth.mfa.models import Authenticator

    leader = make_account("lee.park@example.gov", Role.TEAM_LEADER)
    activate_totp(leader)
    client.force_login(leader)
    assert client.get(reverse("home")).status_code == 200
    Authenticator.objects.filter(user=leader).delete()  # the administrator's reset
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_even_an_active_session_ends_after_twelve_hours(client, staff_member):
    client.force_login(staff_member)
    client.get(reverse("home"))
    session = client.session
    session["sidebar_signed_in_at"] = time.time() - 12 * 60 * 60 - 1
    session.save()
    response = client.get(reverse("home"))
    assert response["Location"].startswith(LOGIN)


def test_an_administrator_cannot_change_their_own_roles_or_an_accounts_address(client, cast):
    from sidebar.accounts.admin import UserAdminForm

    form = UserAdminForm(
        data={"email": "someone.else@example.gov", "is_active": "on", "roles": ["program_admin", "peer"]},
        instance=cast.program_admin,
        acting_user=cast.program_admin,
    )
    assert not form.is_valid()
    assert "cannot change your own roles" in str(form.errors)
    assert form.fields["email"].disabled


def test_a_two_factor_reset_is_audited_and_the_owner_is_told(cast, smtp_server):
    """Asked for by the administrator, confirmed by the clinical advisor (the two-person rule,
    tests/accounts/test_two_person.py); the owner learns it at their own address."""
    from sidebar.accounts import two_person
    from sidebar.audit.models import Action, AuditEvent

    activate_totp(cast.team_leader)
    two_person.request_two_factor_reset(account=cast.team_leader, by=cast.program_admin)
    two_person.confirm(change=cast.team_leader.pending_changes.get(), by=cast.clinical_advisor)

    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_RESET_REQUESTED, actor_id=cast.program_admin.pk).exists()
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_RESET, actor_id=cast.clinical_advisor.pk).exists()
    to_owner = [m for m in smtp_server.deliver() if m["To"] == cast.team_leader.email]
    assert {m["Subject"] for m in to_owner} >= {"Your two-factor sign-in for Sidebar was reset"}
