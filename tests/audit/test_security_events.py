"""Security events are audited (ASVS V16.3.1-3): wrong two-factor codes, authenticators added,
password changes, rate-limit hits and refusals — naming a privileged account, never the account
or address of anyone else (who may be someone asking for help)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sidebar.accounts import sign_in_limits
from sidebar.audit.models import Action, AuditEvent, Result
from tests.factories import CAST_PASSWORD, activate_totp, totp_code

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")


def _sign_in(client: Client, user) -> None:
    assert client.post(LOGIN, {"login": user.email, "password": CAST_PASSWORD}).status_code == 302


@pytest.fixture
def cast(db):
    from tests.factories import make_cast

    return make_cast(password=CAST_PASSWORD)


def _staff_event(action: Action) -> AuditEvent:
    event = AuditEvent.objects.get(action=action)
    assert (event.actor_id, event.object_id, event.ip, event.detail) == (None, "", None, "staff_account")
    return event


def test_wrong_two_factor_codes_are_audited_with_the_privileged_account(client, cast):
    secret = activate_totp(cast.team_leader)
    _sign_in(client, cast.team_leader)
    wrong = str((int(totp_code(secret)) + 1) % 1_000_000).zfill(6)
    client.post(reverse("mfa_authenticate"), {"code": wrong})
    event = AuditEvent.objects.get(action=Action.TWO_FACTOR_FAILED)
    assert (event.actor_id, event.result, event.detail) == (cast.team_leader.pk, Result.DENIED, "sign_in")


def test_setting_up_an_authenticator_is_audited(client, cast, django_capture_on_commit_callbacks):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    _sign_in(client, cast.peer)  # a peer must set one up before anything else
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    added = AuditEvent.objects.filter(action=Action.TWO_FACTOR_ADDED, actor_id=cast.peer.pk)
    assert set(added.values_list("detail", flat=True)) == {"totp", "recovery_codes"}


def test_a_staff_members_password_change_is_audited_without_naming_them(client, cast):
    _sign_in(client, cast.staff)
    new = "lantern orchard pebble 77"
    client.post(reverse("account_change_password"), {"oldpassword": CAST_PASSWORD, "password1": new, "password2": new})
    _staff_event(Action.PASSWORD_CHANGED)


def test_hitting_the_sign_in_limit_is_audited_without_the_typed_address(client, cast):
    for _ in range(sign_in_limits.PER_ACCOUNT_AT_ADDRESS.amount + 1):  # issue 13, section 2
        client.post(LOGIN, {"login": cast.staff.email, "password": "not the password at all"})
    event = AuditEvent.objects.filter(action=Action.RATE_LIMITED).first()
    assert event is not None
    assert (event.actor_id, event.ip, event.detail, event.result) == (None, None, "login_failed", Result.DENIED)


def test_a_refusal_is_audited_with_the_views_name(cast, signed_in):
    assert signed_in(cast.team_leader).get(reverse("setup:accounts")).status_code == 403
    event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert (event.actor_id, event.detail) == (cast.team_leader.pk, "setup:accounts")
    assert signed_in(cast.staff).get(reverse("setup:accounts")).status_code == 403
    staff_event = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).last()
    assert (staff_event.actor_id, staff_event.ip) == (None, None)
