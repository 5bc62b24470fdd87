"""A TOTP code is good once (ASVS V6.5.1, V6.5.5): allauth remembers a used code for 30 seconds
while MFA_TOTP_TOLERANCE=1 keeps it valid for about 90, so someone who watched it being typed
could use it again half a minute later. Sidebar remembers the last accepted time step of each
authenticator instead, for good."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from sidebar.accounts.roles import Role
from tests.factories import CAST_PASSWORD, activate_totp, make_account, totp_code

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")
MFA = reverse("mfa_authenticate")


@pytest.fixture
def leader_and_secret():
    leader = make_account("lee.park@example.gov", Role.TEAM_LEADER, password=CAST_PASSWORD)
    return leader, activate_totp(leader)


def _sign_in_with_code(client, user, code: str):
    response = client.post(LOGIN, {"login": user.email, "password": CAST_PASSWORD})
    assert response["Location"] == MFA
    return client.post(MFA, {"code": code})


def _thirty_seconds_pass() -> None:
    """What waiting past allauth's 30-second memory of used codes does: its cache entries expire
    (the rate-limit counters in the same cache go too, which only makes a replay easier)."""
    cache.clear()


def test_a_used_code_is_refused_after_allauths_memory_expires(client, leader_and_secret):
    leader, secret = leader_and_secret
    code = totp_code(secret)
    assert _sign_in_with_code(client, leader, code)["Location"] == reverse("home")
    client.post(reverse("account_logout"))
    _thirty_seconds_pass()

    response = _sign_in_with_code(client, leader, code)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["code"]


def test_an_older_code_is_refused_after_a_newer_one_was_used(client, leader_and_secret):
    leader, secret = leader_and_secret
    assert _sign_in_with_code(client, leader, totp_code(secret, offset=1))["Location"] == reverse("home")
    client.post(reverse("account_logout"))
    _thirty_seconds_pass()
    response = _sign_in_with_code(client, leader, totp_code(secret))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_next_code_still_works(client, leader_and_secret):
    leader, secret = leader_and_secret
    # (offsets 0 then +1: both stay within the tolerance even if a 30-second step ends meanwhile)
    assert _sign_in_with_code(client, leader, totp_code(secret))["Location"] == reverse("home")
    client.post(reverse("account_logout"))
    assert _sign_in_with_code(client, leader, totp_code(secret, offset=1))["Location"] == reverse("home")
