"""No name or e-mail address in a cookie (ASVS V14.3.3): a shared office computer keeps cookies,
so messages live in the session on the server and never name the person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sidebar.accounts.roles import Role
from tests.factories import CAST_PASSWORD, activate_totp, make_account, totp_code

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")


def _cookie_text(client) -> str:
    return " ".join(f"{morsel.key}={morsel.value}" for morsel in client.cookies.values()).lower()


def test_after_signing_in_no_cookie_holds_the_address_or_name(client):
    member = make_account("jordan.reyes@example.gov", password=CAST_PASSWORD)
    response = client.post(LOGIN, {"login": member.email, "password": CAST_PASSWORD})
    assert response.status_code == 302
    cookies = _cookie_text(client)
    assert "sessionid" in cookies
    for word in ("jordan", "reyes", "example.gov", "messages="):
        assert word not in cookies


def test_after_the_second_step_no_cookie_holds_the_address(client):
    leader = make_account("lee.park@example.gov", Role.TEAM_LEADER, password=CAST_PASSWORD)
    secret = activate_totp(leader)
    client.post(LOGIN, {"login": leader.email, "password": CAST_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("home")
    cookies = _cookie_text(client)
    assert "lee" not in cookies.replace("sessionid", "")
    assert "park" not in cookies and "messages=" not in cookies


def test_the_signed_in_message_names_nobody(client):
    member = make_account("jordan.reyes@example.gov", password=CAST_PASSWORD)
    response = client.post(LOGIN, {"login": member.email, "password": CAST_PASSWORD}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert shown, "the sign-in is confirmed"
    assert not any("jordan" in text.lower() or "@" in text for text in shown)
