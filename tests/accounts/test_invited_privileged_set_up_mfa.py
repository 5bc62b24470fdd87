"""Day one: a team leader invited by e-mail must be able to set up the second factor their role
requires. (The invitation's link made allauth record the address as unverified, and allauth then
refused every two-factor set-up: "until you have verified your email address".)"""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from sidebar.accounts.invitations import send_invitations
from sidebar.accounts.roles import Role
from tests.factories import Cast, make_account, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long new password for day one"


def test_an_invited_team_leader_sets_up_totp_after_choosing_a_password(
    cast: Cast, settings, django_capture_on_commit_callbacks, deliver_outbox
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    leader = make_account("new.leader@example.gov", Role.TEAM_LEADER)
    with django_capture_on_commit_callbacks(execute=True):
        send_invitations(users=[leader], by=cast.program_admin)
    letter = deliver_outbox()[-1]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", letter.body)
    assert link, letter.body

    browser = Client()
    # allauth moves the key out of the URL into the session, then shows the form
    form_url = browser.get(link.group(1), follow=True).redirect_chain[-1][0]
    chosen = browser.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert chosen.status_code == 302, chosen.content.decode()[:1000]
    signed_in = browser.post("/accounts/login/", {"login": leader.email, "password": PASSWORD})
    assert signed_in.status_code == 302

    activate = browser.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200, activate.get("Location")  # not sent away to verify an address
    response = browser.post("/accounts/2fa/totp/activate/", {"code": totp_code(activate.context["form"].secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Authenticator.objects.filter(user=leader, type=Authenticator.Type.TOTP).exists()
