"""Leavers (sidebar.support.leavers.offboard): access and roles end at once, open sessions end,
a peer goes on leave and off the rota, and whoever they were helping goes back to the queue."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.audit.models import Action, AuditEvent
from sidebar.support import leavers, services
from sidebar.support.models import Assignment, SupportRequest
from sidebar.team.models import OnCallShift, PeerProfile
from tests.factories import CAST_PASSWORD, ask_as, make_account, make_peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def serving_peer(cast):
    """The cast's peer: active, on call, on the rota next week, with one accepted assignment and
    one open offer."""
    profile = make_peer(cast.peer, on_call=True)
    today = timezone.localdate()
    OnCallShift.objects.create(
        peer=profile, starts_on=today + datetime.timedelta(days=7), ends_on=today + datetime.timedelta(days=9)
    )
    accepted = services.assign(support_request=ask_as(cast.staff), peer=profile, by=cast.team_leader)
    services.accept(assignment=accepted, by=cast.peer)
    services.assign(support_request=ask_as(cast.outsider), peer=profile, by=cast.team_leader)
    return profile


def test_offboarding_a_peer_ends_access_and_returns_their_requests(cast, serving_peer):
    done = leavers.offboard(people=[cast.peer.person], by=cast.program_admin)

    assert done == leavers.Offboarded(accounts=1, peers_on_leave=1, assignments_returned=2)
    cast.peer.refresh_from_db()
    assert not cast.peer.is_active
    assert not cast.peer.has_usable_password()
    assert not cast.peer.role_memberships.exists()
    serving_peer.refresh_from_db()
    assert serving_peer.status == PeerProfile.Status.INACTIVE
    assert not serving_peer.on_call
    assert not OnCallShift.objects.filter(peer=serving_peer, ends_on__gte=timezone.localdate()).exists()
    assert not Assignment.objects.filter(peer=serving_peer, status__in=("offered", "accepted")).exists()
    assert set(SupportRequest.objects.values_list("status", flat=True)) == {SupportRequest.Status.OPEN}

    audited = AuditEvent.objects.filter(actor_id=cast.program_admin.pk, object_id=str(cast.peer.pk))
    assert set(audited.values_list("action", "detail")) >= {
        (Action.ROLE_REVOKED, "peer"),
        (Action.ROLE_REVOKED, "staff"),
    }
    assert AuditEvent.objects.filter(action=Action.ROSTER_CHANGED, object_id=str(serving_peer.pk)).exists()
    assert AuditEvent.objects.filter(action=Action.ASSIGNMENT, detail__startswith="ended").count() == 2

    # twice is harmless: nothing more to do
    assert leavers.offboard(people=[cast.peer.person.pk], by=cast.program_admin) == leavers.Offboarded()


def test_a_signed_in_leaver_is_signed_out_at_once(cast, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    leaver = make_account("leaving.soon@example.gov", password=CAST_PASSWORD)
    browser = Client()
    assert browser.post(reverse("account_login"), {"login": leaver.email, "password": CAST_PASSWORD}).status_code == 302
    assert browser.get(reverse("home")).status_code == 200

    leavers.offboard(people=[leaver.person], by=cast.program_admin)

    # Session rows name no account (sidebar/accounts/sessions.py), so they are not looked up by
    # account: the account's session epoch, its password and its being active stop them.
    response = browser.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    retry = Client()
    retry.post(reverse("account_login"), {"login": leaver.email, "password": CAST_PASSWORD})
    assert "_auth_user_id" not in retry.session  # the old password is gone too


def test_nobody_offboards_themself_and_nothing_changes_then(cast):
    with pytest.raises(leavers.OffboardError):
        leavers.offboard(people=[cast.staff.person, cast.program_admin.person], by=cast.program_admin)
    assert User.objects.get(pk=cast.staff.pk).is_active


def test_the_account_page_offers_deactivate_with_a_confirmation(cast, serving_peer, signed_in):
    admin = signed_in(cast.program_admin)
    url = reverse("setup:account_deactivate", args=[cast.peer.pk])

    confirm = admin.get(url)
    page = confirm.content.decode()
    assert "2 open requests assigned or offered to them go back" in page
    assert User.objects.get(pk=cast.peer.pk).is_active  # nothing happens before the confirmation

    done = admin.post(url)
    assert done["Location"] == reverse("setup:account", args=[cast.peer.pk])
    assert not User.objects.get(pk=cast.peer.pk).is_active
    follow = admin.get(done["Location"]).content.decode()
    assert "2 open requests went back to the queue" in follow
    assert "Reactivate the account" in follow

    admin.post(reverse("setup:account_reactivate", args=[cast.peer.pk]))
    reactivated = User.objects.get(pk=cast.peer.pk)
    assert reactivated.is_active and not reactivated.role_memberships.exists()


def test_the_administrator_cannot_deactivate_their_own_account(cast, signed_in):
    admin = signed_in(cast.program_admin)
    admin.post(reverse("setup:account_deactivate", args=[cast.program_admin.pk]))
    assert User.objects.get(pk=cast.program_admin.pk).is_active
