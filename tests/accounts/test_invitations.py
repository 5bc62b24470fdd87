"""Invitations: Sidebar's own e-mail (not Django's "Password Reset"), in bulk with a preview
count, or one at a time; the link opens Sidebar's "choose your password" page; every invitation
is audited and nothing is sent twice by a reload."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Person
from tests.factories import UnitFactory, make_account

pytestmark = pytest.mark.django_db

INVITATIONS = reverse("setup:invitations")
NEW_PASSWORD = "lantern orchard pebble 77"


@pytest.fixture
def admin_client(cast, signed_in):
    return signed_in(cast.program_admin)


@pytest.fixture
def division(cast):
    """A division with a unit inside it; two people in it never signed in, one has."""
    trial = UnitFactory(name="Trial Division")
    homicide = UnitFactory(name="Homicide Unit", parent=trial)
    new_one = make_account("quinn.new@example.gov", unit=homicide)
    Person.objects.filter(user=new_one).update(full_name="Quinlan Marrowby")  # a name to look for in mail
    make_account("riley.new@example.gov", unit=trial)
    old_hand = make_account("old.hand@example.gov", unit=homicide)
    User.objects.filter(pk=old_hand.pk).update(last_login="2026-01-05T10:00:00Z")
    return trial


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def test_the_preview_counts_a_unit_with_its_sub_units_and_only_the_not_yet_signed_in(admin_client, division):
    everyone_there = admin_client.get(INVITATIONS, {"unit": division.pk})
    assert everyone_there.context["count"] == 3
    not_signed_in = admin_client.get(INVITATIONS, {"unit": division.pk, "not_signed_in": "on"})
    assert not_signed_in.context["count"] == 2
    assert "Send 2 invitations" in not_signed_in.content.decode()


def test_bulk_invitations_are_sidebars_own_words_and_sent_once(
    cast, admin_client, division, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.SIDEBAR_BASE_URL = "https://sidebar.example.gov"
    preview = admin_client.get(INVITATIONS, {"unit": division.pk, "not_signed_in": "on"})
    form = {"unit": str(division.pk), "not_signed_in": "on", "token": preview.context["token"]}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(INVITATIONS, form)
    assert response.status_code == 302
    messages = smtp_server.deliver(2)
    assert sorted(message["To"] for message in messages) == ["quinn.new@example.gov", "riley.new@example.gov"]

    message = next(m for m in messages if m["To"] == "quinn.new@example.gov")
    subject, body = " ".join(message["Subject"].split()), body_of(message)
    assert subject == "Your Sidebar account at Test County District Attorney: choose a password"
    assert "Password Reset" not in subject and "someone else has requested" not in body
    assert "Test County District Attorney runs Sidebar" in body
    assert "not your supervisor, not the program's administrators" in body
    assert "The link works for 3 days" in body
    assert "If you do not work at Test County District Attorney" in body
    # nobody's name, not even the recipient's; nor the administrator who sent it
    for name in ("Quinlan", "Marrowby", "Admin", "admin@example.gov"):
        assert name not in body
    link = re.search(r"https://sidebar\.example\.gov/accounts/password/reset/key/\S+", body)
    assert link, body

    invited = User.objects.get(email="quinn.new@example.gov")
    assert invited.invited_at is not None
    assert AuditEvent.objects.filter(action=Action.INVITATION_SENT, object_id=str(invited.pk)).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = admin_client.post(INVITATIONS, form)  # a reload, or a second click
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action=Action.INVITATION_SENT).count() == 2
    assert len(smtp_server.deliver()) == 2


def test_the_link_from_the_invitation_lets_the_person_choose_a_password_and_sign_in(
    cast, admin_client, client, division, deliver_outbox, django_capture_on_commit_callbacks
):
    riley = User.objects.get(email="riley.new@example.gov")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("setup:account_invite", args=[riley.pk]))
    [message] = deliver_outbox()
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body).group(1)

    landing = client.get(path, follow=True)
    assert "Choose your password" in landing.content.decode()
    chosen = client.post(
        landing.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    page = chosen.content.decode()
    assert "Your password is saved" in page
    assert reverse("account_login") in page

    signed_in = client.post(reverse("account_login"), {"login": riley.email, "password": NEW_PASSWORD})
    assert signed_in["Location"] == reverse("home")

    # the same link a second time: said plainly, with a way to get a fresh one
    used = client.get(path, follow=True).content.decode()
    assert "This link no longer works" in used
    assert "Bad Token" not in used
    assert f'action="{reverse("account_reset_password")}"' in used


def test_a_deactivated_account_gets_no_invitation(
    cast, admin_client, deliver_outbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=cast.staff.pk).update(is_active=False)
    preview = admin_client.get(INVITATIONS, {"unit": ""})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(INVITATIONS, {"unit": "", "token": preview.context["token"]})
    mailoutbox = deliver_outbox()
    assert cast.staff.email not in [message.to[0] for message in mailoutbox]
    assert len(mailoutbox) == preview.context["count"] == User.objects.filter(is_active=True).count()


def test_the_admin_action_sends_the_same_branded_invitation(
    cast, admin_client, deliver_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_invitation", "_selected_action": [str(cast.staff.pk)]},
        )
    [message] = deliver_outbox()
    assert message.subject.startswith("Your Sidebar account at ")
    assert AuditEvent.objects.filter(action=Action.INVITATION_SENT, object_id=str(cast.staff.pk)).exists()


def test_self_service_reset_mail_is_in_sidebars_words(cast, client, deliver_outbox):
    client.post(reverse("account_reset_password"), {"email": cast.staff.email})
    [message] = deliver_outbox()
    assert message.subject == "Sidebar: your link to choose a password"
    assert "Hello from" not in message.body and "someone else has requested" not in message.body
    assert "works for 3 days" in message.body


def test_the_password_pages_speak_sidebar(client):
    bad = client.get(reverse("account_reset_password_from_key", kwargs={"uidb36": "abc", "key": "nope"}))
    page = bad.content.decode()
    assert "This link no longer works" in page and "Bad Token" not in page
    assert "E-mail me a fresh link" in page

    done = client.get(reverse("account_reset_password_done")).content.decode()
    assert "Please contact us" not in done
    assert reverse("account_login") in done

    form = client.get(reverse("account_reset_password")).content.decode()
    assert "Please contact us" not in form and "3 days" in form
