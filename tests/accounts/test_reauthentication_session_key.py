"""Re-authenticating gives the session a new key (ASVS V7.2.4, issue 17): a session key that
leaked before the password or the code was asked again (a shared computer, a proxy log) does not
carry the freshly proved factor. Django rotates the key at sign-in; allauth's re-authentication
only notes the proof in the same session."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from tests.factories import CAST_PASSWORD, activate_totp, make_account, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(settings) -> tuple[User, str]:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    user = make_account("lee.park@example.gov", Role.TEAM_LEADER, password=CAST_PASSWORD)
    return user, activate_totp(user)


def signed_in(user: User, secret: str) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": CAST_PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    return client


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("factor", ["password", "code"])
def test_reauthenticating_rotates_the_session_key_and_the_old_key_no_longer_opens(leader, factor):
    user, secret = leader
    client = signed_in(user, secret)
    before = session_key(client)
    csrf_before = client.cookies[settings.CSRF_COOKIE_NAME].value if settings.CSRF_COOKIE_NAME in client.cookies else ""

    if factor == "password":
        response = client.post(reverse("account_reauthenticate"), {"password": CAST_PASSWORD})
    else:
        response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret, offset=1)})

    assert response.status_code == 302
    after = session_key(client)
    assert after != before
    assert client.get(reverse("home")).status_code == 200  # still signed in, under the new key
    if csrf_before:
        assert client.cookies[settings.CSRF_COOKIE_NAME].value != csrf_before

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = before
    response = stolen.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_wrong_password_keeps_the_key(leader):
    """Only a proof rotates: a failed attempt leaves the session as it was (no new key to
    hand out to whoever typed a guess)."""
    user, secret = leader
    client = signed_in(user, secret)
    before = session_key(client)

    response = client.post(reverse("account_reauthenticate"), {"password": "not the password at all"})

    assert response.status_code == 200
    assert session_key(client) == before
