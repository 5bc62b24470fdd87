"""Sessions end when they must (ASVS V7.4.2, V7.4.5, V7.5.2): a deactivated account's cookie never
works again, also after re-activation; the administrator can end every session of an account;
people see where they are signed in and can end the other sessions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.audit.models import Action, AuditEvent
from tests.factories import CAST_PASSWORD, make_account

pytestmark = pytest.mark.django_db
HOME = reverse("home")
LOGIN = reverse("account_login")


def _signed_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(HOME).status_code == 200
    return client


def _refused(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_deactivated_accounts_old_cookie_is_refused_after_reactivation(cast, signed_in):
    old = _signed_in_client(cast.staff)
    admin = signed_in(cast.program_admin)
    admin.post(reverse("setup:account_deactivate", kwargs={"user_id": cast.staff.pk}))
    admin.post(reverse("setup:account_reactivate", kwargs={"user_id": cast.staff.pk}))
    assert _refused(old)


def test_reactivation_ends_sessions_that_survived_however_the_account_was_deactivated(cast, signed_in):
    """An account switched off in a repair (Django's shell, an older admin screen) kept its session
    rows; switching it back on must not revive them."""
    old = _signed_in_client(cast.staff)
    User.objects.filter(pk=cast.staff.pk).update(is_active=False)
    signed_in(cast.program_admin).post(reverse("setup:account_reactivate", kwargs={"user_id": cast.staff.pk}))
    assert _refused(old)


def test_djangos_admin_cannot_switch_an_account_off_without_ending_its_sessions(cast, signed_in):
    from sidebar.accounts.admin import UserAdminForm

    form = UserAdminForm(data={"email": cast.staff.email, "roles": []}, instance=cast.staff)
    assert form.fields["is_active"].disabled, "deactivation goes through the accounts page (offboarding)"
    assert form.is_valid(), form.errors
    assert form.cleaned_data["is_active"] is True


def test_the_administrator_ends_every_session_of_an_account(cast, signed_in):
    first, second = _signed_in_client(cast.staff), _signed_in_client(cast.staff)
    admin = signed_in(cast.program_admin)
    response = admin.post(reverse("setup:account_end_sessions", kwargs={"user_id": cast.staff.pk}))
    assert response.status_code == 302
    assert _refused(first) and _refused(second)
    assert admin.get(HOME).status_code == 200, "the administrator's own session goes on"
    event = AuditEvent.objects.get(action=Action.SESSIONS_ENDED)
    assert event.actor_id == cast.program_admin.pk and event.object_id == str(cast.staff.pk)
    assert event.detail == "all"


def test_only_the_program_administrator_ends_someone_elses_sessions(cast, signed_in):
    kept = _signed_in_client(cast.staff)
    response = signed_in(cast.team_leader).post(
        reverse("setup:account_end_sessions", kwargs={"user_id": cast.staff.pk})
    )
    assert response.status_code == 403
    assert kept.get(HOME).status_code == 200


def _sign_in_by_password(user: User) -> Client:
    client = Client()
    response = client.post(LOGIN, {"login": user.email, "password": CAST_PASSWORD})
    assert response.status_code == 302
    return client


def test_people_end_their_other_sessions_from_the_security_page():
    member = make_account("jordan.reyes@example.gov", password=CAST_PASSWORD)
    office, home = _sign_in_by_password(member), _sign_in_by_password(member)
    page = home.get(reverse("mfa_index"))
    assert reverse("account_sign_out_elsewhere") in page.content.decode()
    response = home.post(reverse("account_sign_out_elsewhere"))
    assert response["Location"] == reverse("mfa_index")
    assert _refused(office)
    assert home.get(HOME).status_code == 200, "this browser stays signed in"
    event = AuditEvent.objects.get(action=Action.SESSIONS_ENDED)
    assert (event.actor_id, event.detail) == (member.pk, "others")


def test_ending_other_sessions_asks_for_the_password_again_after_a_while(client):
    member = make_account("jordan.reyes@example.gov", password=CAST_PASSWORD)
    client.force_login(member)  # no fresh sign-in recorded: as if it were hours ago
    response = client.post(reverse("account_sign_out_elsewhere"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(action=Action.SESSIONS_ENDED).exists()


def test_a_password_change_ends_the_other_sessions_and_says_so():
    member = make_account("jordan.reyes@example.gov", password=CAST_PASSWORD)
    office, home = _sign_in_by_password(member), _sign_in_by_password(member)
    new = "lantern orchard pebble 77"
    response = home.post(
        reverse("account_change_password"),
        {"oldpassword": CAST_PASSWORD, "password1": new, "password2": new},
        follow=True,
    )
    assert "Every other session of your account was signed out" in response.content.decode()
    assert _refused(office)
    assert home.get(HOME).status_code == 200
