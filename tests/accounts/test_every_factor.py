"""Changing factors takes every factor the account has (ASVS V7.5.1, issue 17): someone who has
an open session and the password — and not the phone — cannot mint new recovery codes, which
would be a second factor of their own. allauth alone accepted the password."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from tests.factories import CAST_PASSWORD, activate_totp, make_account, totp_code

pytestmark = pytest.mark.django_db
GENERATE = reverse("mfa_generate_recovery_codes")
RECORDS = "account_authentication_methods"  # allauth's record of what was proved, and when


@pytest.fixture
def leader(settings) -> tuple[User, str]:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    user = make_account("lee.park@example.gov", Role.TEAM_LEADER, password=CAST_PASSWORD)
    return user, activate_totp(user)


def signed_in_an_hour_ago(user: User, secret: str) -> Client:
    """A real sign-in (password, then the code), whose proofs are then an hour old."""
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": CAST_PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    session = client.session
    session[RECORDS] = [{**entry, "at": entry["at"] - 3600} for entry in session[RECORDS]]
    session.save()
    return client


def recovery_seed(user: User) -> str:
    return str(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).data)


def test_password_only_reauthentication_is_refused_for_regenerating_recovery_codes(leader):
    user, secret = leader
    client = signed_in_an_hour_ago(user, secret)
    before = recovery_seed(user)

    reauthenticated = client.post(reverse("account_reauthenticate"), {"password": CAST_PASSWORD})
    assert reauthenticated.status_code == 302
    response = client.post(GENERATE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert recovery_seed(user) == before

    # with the code as well, the codes are replaced
    assert client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret, offset=1)}).status_code == 302
    assert client.post(GENERATE).status_code == 302
    assert recovery_seed(user) != before


def test_a_code_alone_is_refused_too(leader):
    user, secret = leader
    client = signed_in_an_hour_ago(user, secret)
    before = recovery_seed(user)

    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret, offset=1)})
    response = client.post(GENERATE)

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert "next=" in response["Location"]
    assert recovery_seed(user) == before


def test_a_fresh_sign_in_with_both_factors_is_enough(leader):
    user, secret = leader
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": CAST_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    before = recovery_seed(user)

    response = client.post(GENERATE)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert recovery_seed(user) != before
