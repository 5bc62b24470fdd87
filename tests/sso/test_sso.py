"""Signing in with the agency's account (OpenID Connect), through a real provider: who gets in,
who does not (and what they are told), and when a privileged role still needs Sidebar's TOTP."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.audit.models import Action, AuditEvent, Result
from sidebar.org.models import Person
from tests.factories import Cast, PersonFactory, activate_totp, make_account
from tests.sso.provider import Provider

pytestmark = pytest.mark.django_db

START = reverse("openid_connect_login", kwargs={"provider_id": "agency"})
REFUSAL = "Sidebar could not sign you in"


def sso_sign_in(client: Client, provider: Provider, email: str):  # type: ignore[no-untyped-def]
    """Press "Sign in with your agency account", sign in at the provider, come back."""
    start = client.post(START)
    assert start.status_code == 302, start
    assert start["Location"].startswith(provider.url + "/authorize/")
    return client.get(provider.sign_in(start["Location"], email))


def test_sign_in_page_offers_the_agency_account_only_when_configured(cast: Cast, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    assert "Sign in with your agency account" not in client.get(reverse("account_login")).text
    assert client.post(START).status_code == 404  # no provider: the door does not exist


def test_staff_on_the_roster_signs_in_and_the_event_names_no_one(cast: Cast, sso: Provider, client: Client) -> None:
    assert "Sign in with your agency account" in client.get(reverse("account_login")).text

    response = sso_sign_in(client, sso, "staff@example.gov")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert int(client.session["_auth_user_id"] == str(cast.staff.pk))
    event = AuditEvent.objects.filter(action=Action.SIGN_IN).get()
    # a plain staff account's sign-in names no account and no method (issue 12, section 5); a
    # privileged one's says "sso" (below)
    assert (event.actor_id, event.detail) == (None, "staff_account")
    # Nothing the provider said about the person is kept.
    assert SocialAccount.objects.get(user=cast.staff).extra_data == {}


def test_someone_not_on_the_roster_is_refused_and_gets_no_account(cast: Cast, sso: Provider, client: Client) -> None:
    accounts = User.objects.count()

    response = sso_sign_in(client, sso, "stranger@example.gov")

    assert response.status_code == 403
    assert REFUSAL in response.text and "ask your program administrator" in response.text
    assert "stranger@example.gov" not in response.text
    assert User.objects.count() == accounts
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert (event.actor_id, event.detail, event.result) == (None, "sso", Result.DENIED)


def test_a_leaver_and_an_unverified_address_read_exactly_like_a_stranger(
    cast: Cast, sso: Provider, client: Client
) -> None:
    leaver = make_account("leaver@example.gov")
    Person.objects.filter(user=leaver).update(is_active=False)
    sso.tell("staff@example.gov", email_verified=False)

    pages = [
        sso_sign_in(Client(), sso, email)
        for email in ("stranger@example.gov", "leaver@example.gov", "staff@example.gov")
    ]

    assert {page.status_code for page in pages} == {403}
    # nothing tells which case it was (but the per-response nonce and CSRF token)
    assert len({re.sub(r'(nonce|value)="[^"]*"', "", page.text) for page in pages}) == 1


def test_a_deactivated_account_cannot_sign_in(cast: Cast, sso: Provider, client: Client) -> None:
    User.objects.filter(pk=cast.staff.pk).update(is_active=False)

    response = sso_sign_in(client, sso, "staff@example.gov")

    assert response.status_code == 403 and REFUSAL in response.text
    assert "_auth_user_id" not in client.session


def test_a_roster_person_without_an_account_gets_one_linked_to_their_record(
    cast: Cast, sso: Provider, client: Client
) -> None:
    person = PersonFactory(work_email="newcomer@example.gov", user=None)

    response = sso_sign_in(client, sso, "newcomer@example.gov")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    person.refresh_from_db()
    assert person.user is not None and person.user.email == "newcomer@example.gov"
    assert not person.user.has_usable_password()
    assert not person.user.role_memberships.exists()


def test_team_leader_without_provider_mfa_is_sent_to_set_up_totp(cast: Cast, sso: Provider, client: Client) -> None:
    sso.tell("leader@example.gov", amr=["pwd"])

    response = sso_sign_in(client, sso, "leader@example.gov")
    assert response.status_code == 302
    home = client.get(response["Location"])

    assert home.status_code == 302 and home["Location"] == reverse("mfa_activate_totp")
    assert AuditEvent.objects.get(action=Action.SIGN_IN).detail == "sso"


def test_team_leader_with_totp_but_no_provider_mfa_is_asked_for_the_code(
    cast: Cast, sso: Provider, client: Client
) -> None:
    activate_totp(cast.team_leader)

    response = sso_sign_in(client, sso, "leader@example.gov")

    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in until the code
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_team_leader_whose_provider_asked_for_mfa_skips_totp(cast: Cast, sso: Provider, client: Client) -> None:
    activate_totp(cast.team_leader)
    sso.tell("leader@example.gov", amr=["pwd", "mfa"])

    response = sso_sign_in(client, sso, "leader@example.gov")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("support:queue")).status_code == 200
    assert AuditEvent.objects.get(action=Action.SIGN_IN).detail == "sso+provider_mfa"


def test_provider_mfa_without_totp_set_up_opens_privileged_pages(cast: Cast, sso: Provider, client: Client) -> None:
    sso.tell("leader@example.gov", amr=["mfa"])

    sso_sign_in(client, sso, "leader@example.gov")

    assert client.get(reverse("support:queue")).status_code == 200


def test_acr_counts_only_when_listed(cast: Cast, sso: Provider, settings) -> None:  # type: ignore[no-untyped-def]
    sso.tell("leader@example.gov", acr="urn:okta:loa:2fa:any")
    unlisted = Client()
    sso_sign_in(unlisted, sso, "leader@example.gov")
    assert unlisted.get(reverse("support:queue"))["Location"] == reverse("mfa_activate_totp")

    settings.SSO_OIDC_MFA_ACR_VALUES = ["urn:okta:loa:2fa:any"]
    listed = Client()
    sso_sign_in(listed, sso, "leader@example.gov")
    assert listed.get(reverse("support:queue")).status_code == 200


def test_a_password_sign_in_after_sso_in_another_browser_still_needs_totp(
    cast: Cast, sso: Provider, client: Client
) -> None:
    """Provider MFA belongs to the session it happened in, not to the account."""
    sso.tell("leader@example.gov", amr=["mfa"])
    sso_sign_in(Client(), sso, "leader@example.gov")

    client.force_login(cast.team_leader)

    assert client.get(reverse("support:queue"))["Location"] == reverse("mfa_activate_totp")
