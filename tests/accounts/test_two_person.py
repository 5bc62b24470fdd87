"""The two-person rule (issue 16 section 3; ASVS V6.4.4): one insider cannot put an account on the
request queue, nor take over an account by resetting its authenticator. Each test plays the
insider of THREATS.md and checks what they can reach, not only what the page says."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts import two_person
from sidebar.accounts.models import PendingChange, User
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.outbox.models import OutgoingMail
from tests.factories import activate_totp, make_account, totp_code

pytestmark = pytest.mark.django_db

QUEUE = reverse("support:queue")
PENDING = reverse("setup:pending_changes")


def roles(user: User) -> set[str]:
    return set(user.role_memberships.values_list("role", flat=True))


def ask_roles(client: Client, account: User, *wanted: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("setup:account_roles", args=[account.pk]), {"roles": list(wanted)})


def the_change(account: User, **lookup: object) -> PendingChange:
    return PendingChange.objects.get(account=account, **lookup)


def confirm_url(change: PendingChange) -> str:
    return reverse("setup:pending_change_confirm", args=[change.pk])


def test_a_team_leader_grant_opens_the_queue_only_after_the_clinical_advisor_confirms(cast, signed_in):
    admin, advisor = signed_in(cast.program_admin), signed_in(cast.clinical_advisor)

    assert ask_roles(admin, cast.staff, "team_leader").status_code == 302

    assert roles(cast.staff) == set()
    assert signed_in(cast.staff).get(QUEUE).status_code == 403
    change = the_change(cast.staff, role="team_leader", status="pending")
    assert change.requested_by == cast.program_admin

    assert advisor.post(confirm_url(change)).status_code == 302

    assert roles(cast.staff) == {"team_leader"}
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("confirmed", cast.clinical_advisor)
    assert signed_in(cast.staff).get(QUEUE).status_code == 200
    # both people in the audit log: who asked, and who confirmed (and so granted)
    events = AuditEvent.objects.filter(object_id=str(cast.staff.pk)).order_by("id")
    assert [(e.action, e.actor_id, e.detail) for e in events] == [
        (Action.ROLE_GRANT_REQUESTED, cast.program_admin.pk, "team_leader"),
        (Action.ROLE_GRANT_CONFIRMED, cast.clinical_advisor.pk, "team_leader"),
        (Action.ROLE_GRANTED, cast.clinical_advisor.pk, "team_leader"),
    ]


def test_the_administrator_who_asked_cannot_confirm_their_own_grant(cast, signed_in):
    admin = signed_in(cast.program_admin)
    ask_roles(admin, cast.staff, "peer")
    change = the_change(cast.staff, role="peer")

    response = admin.post(confirm_url(change), follow=True)

    assert "A second person must confirm" in response.content.decode()
    assert roles(cast.staff) == set()
    change.refresh_from_db()
    assert change.status == "pending"


def test_the_database_refuses_a_grant_confirmed_by_the_one_who_asked(cast):
    change = PendingChange.objects.create(
        kind="role_grant",
        account=cast.staff,
        role="team_leader",
        requested_by=cast.program_admin,
        requested_at=timezone.now(),
        expires_at=timezone.now() + two_person.LIFETIME,
    )
    for confirmer in (cast.program_admin, cast.staff):
        with pytest.raises(IntegrityError), transaction.atomic():
            PendingChange.objects.filter(pk=change.pk).update(status="confirmed", decided_by=confirmer)


def test_a_second_administrator_confirms_and_the_account_cannot_confirm_its_own(cast, signed_in):
    second = make_account("second.admin@example.gov", Role.PROGRAM_ADMIN)
    ask_roles(signed_in(cast.program_admin), second, "program_admin", "team_leader")
    change = the_change(second, role="team_leader")

    signed_in(second).post(confirm_url(change))
    assert roles(second) == {"program_admin"}

    ask_roles(signed_in(cast.program_admin), cast.staff, "clinical_advisor")
    signed_in(second).post(confirm_url(the_change(cast.staff, role="clinical_advisor")))
    assert roles(cast.staff) == {"clinical_advisor"}


def test_one_administrator_cannot_make_a_second_administrator_to_confirm_with(cast, signed_in):
    """The program administrator role confirms grants, so it is itself held back."""
    admin = signed_in(cast.program_admin)
    puppet = make_account("puppet@example.gov")

    ask_roles(admin, puppet, "program_admin")

    assert roles(puppet) == set()
    assert the_change(puppet, role="program_admin").status == "pending"


def test_team_leaders_see_what_waits_but_cannot_confirm_and_others_see_nothing(cast, signed_in):
    ask_roles(signed_in(cast.program_admin), cast.staff, "peer")
    change = the_change(cast.staff, role="peer")
    leader = signed_in(cast.team_leader)

    assert leader.get(PENDING).status_code == 200
    assert leader.post(confirm_url(change)).status_code == 403
    for outsider in (cast.staff, cast.peer, cast.leadership):
        assert signed_in(outsider).get(PENDING).status_code == 403
    assert roles(cast.staff) == set()


def test_revoking_and_the_leadership_role_take_effect_at_once(cast, signed_in):
    admin = signed_in(cast.program_admin)
    ask_roles(admin, cast.peer, "leadership")

    assert roles(cast.peer) == {"leadership"}
    assert not PendingChange.objects.filter(account=cast.peer).exists()


def test_the_notice_goes_to_leaders_advisors_and_administrators_and_names_nobody(cast, signed_in):
    OutgoingMail.objects.all().delete()
    ask_roles(signed_in(cast.program_admin), cast.staff, "team_leader")
    signed_in(cast.clinical_advisor).post(confirm_url(the_change(cast.staff, role="team_leader")))

    letters = list(OutgoingMail.objects.all())
    waits = {m.recipient for m in letters if m.subject == "A change to a Sidebar account waits for a second person"}
    done = {m.recipient for m in letters if m.subject == "A change to a Sidebar account was confirmed"}
    assert waits == {cast.team_leader.email, cast.clinical_advisor.email, cast.program_admin.email}
    assert done == waits | {cast.staff.email}  # the new team leader is one of them now
    assert len(letters) == len(waits) + len(done)
    for letter in letters:
        text = (letter.subject + letter.body).lower()
        assert PENDING in letter.body
        for name in ("staff", "admin@", "clinician", "team leader", cast.staff.person.full_name.lower()):
            assert name not in text, (name, letter.body)


def test_a_grant_nobody_confirms_lapses_after_a_week(cast, signed_in):
    ask_roles(signed_in(cast.program_admin), cast.staff, "peer")
    change = the_change(cast.staff, role="peer")
    a_week_ago = timezone.now() - datetime.timedelta(days=7, minutes=1)
    PendingChange.objects.filter(pk=change.pk).update(
        requested_at=a_week_ago, expires_at=a_week_ago + two_person.LIFETIME
    )

    response = signed_in(cast.clinical_advisor).post(confirm_url(change), follow=True)

    assert "no longer waiting" in response.content.decode()
    assert roles(cast.staff) == set()
    change.refresh_from_db()
    assert change.status == "expired"
    assert AuditEvent.objects.filter(action=Action.ROLE_GRANT_CANCELLED, detail="peer:lapsed", actor_id=None).exists()


def test_a_cancelled_grant_cannot_be_confirmed(cast, signed_in):
    admin = signed_in(cast.program_admin)
    ask_roles(admin, cast.staff, "peer")
    change = the_change(cast.staff, role="peer")

    admin.post(reverse("setup:pending_change_cancel", args=[change.pk]))
    signed_in(cast.clinical_advisor).post(confirm_url(change))

    assert roles(cast.staff) == set()
    assert AuditEvent.objects.filter(action=Action.ROLE_GRANT_CANCELLED, actor_id=cast.program_admin.pk).exists()


def test_the_django_admin_holds_a_grant_back_too(cast, signed_in):
    client = signed_in(cast.program_admin)
    response = client.post(
        reverse("admin:accounts_user_add"), {"email": "new.deputy@example.gov", "is_active": "on", "roles": ["peer"]}
    )

    assert response.status_code == 302
    created = User.objects.get(email="new.deputy@example.gov")
    assert roles(created) == set()
    assert the_change(created, role="peer").requested_by == cast.program_admin


def test_the_pending_page_takes_the_same_queries_for_one_change_or_twelve(cast, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(cast.clinical_advisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PENDING)
        assert response.status_code == 200
        return len(captured)

    ask_roles(signed_in(cast.program_admin), cast.staff, "peer")
    client.get(PENDING)  # the session's first touch writes it; not part of the page's cost
    one = queries()
    for n in range(11):
        ask_roles(signed_in(cast.program_admin), make_account(f"colleague{n}@example.gov"), "peer")
    assert queries() == one == 9  # session, account, roles, agency, authenticator, 3 for the changes, viewer


# --- set-up: the first administrator alone ---------------------------------------------------------


@pytest.fixture
def first_day(db: None) -> tuple[User, str, User]:
    admin = make_account("first.admin@example.gov", Role.PROGRAM_ADMIN)
    return admin, activate_totp(admin), make_account("first.leader@example.gov")


def test_at_set_up_the_only_administrator_confirms_with_a_fresh_authenticator_code(first_day, signed_in):
    admin, secret, leader = first_day
    client = signed_in(admin)
    ask_roles(client, leader, "team_leader")
    change = the_change(leader, role="team_leader")

    client.post(confirm_url(change))  # no code
    client.post(confirm_url(change), {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert roles(leader) == set()

    client.post(confirm_url(change), {"code": totp_code(secret)})

    assert roles(leader) == {"team_leader"}
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("confirmed_at_set_up", admin)
    assert AuditEvent.objects.filter(
        action=Action.ROLE_GRANT_CONFIRMED, actor_id=admin.pk, detail="team_leader:set_up"
    ).exists()


def test_set_up_ends_once_anyone_else_could_confirm(first_day, signed_in):
    admin, secret, leader = first_day
    make_account("advisor@example.gov", Role.CLINICAL_ADVISOR)
    ask_roles(signed_in(admin), leader, "team_leader")

    signed_in(admin).post(confirm_url(the_change(leader, role="team_leader")), {"code": totp_code(secret)})

    assert roles(leader) == set()


def test_set_up_ends_once_a_request_exists(first_day, signed_in):
    from tests.factories import ask_as

    admin, secret, leader = first_day
    ask_as(make_account("asker@example.gov"))
    ask_roles(signed_in(admin), leader, "team_leader")

    signed_in(admin).post(confirm_url(the_change(leader, role="team_leader")), {"code": totp_code(secret)})

    assert roles(leader) == set()


# --- no other door ---------------------------------------------------------------------------------

# Code that grants roles without the two-person rule, and why it may.
DIRECT_GRANTS = {
    "sidebar/accounts/services.py",  # set_roles itself, and taking every role away (deactivation)
    "sidebar/accounts/models.py",  # createsuperuser: the installation's first administrator
    "sidebar/accounts/two_person.py",  # the confirmed change taking effect
    "sidebar/recruitment/services.py",  # the team leader selects a candidate after the panel
    "sidebar/recruitment/existing.py",  # the team leader brings in a member who serves today
}


def test_no_other_code_grants_roles_directly():
    """A new path that calls set_roles, or writes role memberships, must be added here with its
    reason — or go through sidebar.accounts.two_person."""
    root = Path(__file__).resolve().parents[2]
    calling = set()
    for path in (root / "sidebar").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "set_roles":
                    calling.add(str(path.relative_to(root)))
    demo = {"sidebar/org/demo.py"}  # the demo's made-up agency (DEMO_MODE only) writes memberships in bulk
    assert calling <= DIRECT_GRANTS, calling - DIRECT_GRANTS
    written = {
        str(path.relative_to(root))
        for path in (root / "sidebar").rglob("*.py")
        if "migrations" not in path.parts
        and any(
            isinstance(node, ast.Call) and getattr(node.func, "id", None) == "RoleMembership"
            for node in ast.walk(ast.parse(path.read_text()))
        )
    }
    assert written <= {"sidebar/accounts/services.py", *demo}, written


# --- resetting a lost authenticator (ASVS V6.4.4) ----------------------------------------------------


@pytest.fixture
def with_phone(cast) -> User:  # type: ignore[no-untyped-def]
    cast.peer.set_password("the peer's own password 12")
    cast.peer.save(update_fields=["password"])
    activate_totp(cast.peer)
    return cast.peer


def test_a_reset_waits_for_a_second_person_and_then_only_an_invitation_lets_them_back(cast, signed_in, with_phone):
    admin = signed_in(cast.program_admin)
    admin.post(reverse("setup:account_two_factor_reset", args=[with_phone.pk]))

    change = the_change(with_phone, kind="two_factor_reset")
    assert Authenticator.objects.filter(user=with_phone).count() == 2  # nothing happened yet
    admin.post(confirm_url(change))
    assert Authenticator.objects.filter(user=with_phone).count() == 2  # not by the one who asked

    OutgoingMail.objects.all().delete()
    signed_in(cast.clinical_advisor).post(confirm_url(change))

    assert not Authenticator.objects.filter(user=with_phone).exists()
    with_phone.refresh_from_db()
    assert not with_phone.has_usable_password()
    assert not Client().login(email=with_phone.email, password="the peer's own password 12")
    to_them = OutgoingMail.objects.filter(recipient=with_phone.email)
    assert any("/accounts/password/reset/key/" in letter.body for letter in to_them)
    events = AuditEvent.objects.filter(object_id=str(with_phone.pk)).values_list("action", "actor_id")
    assert (Action.TWO_FACTOR_RESET_REQUESTED, cast.program_admin.pk) in events
    assert (Action.TWO_FACTOR_RESET, cast.clinical_advisor.pk) in events
    assert (Action.INVITATION_SENT, cast.clinical_advisor.pk) in events


def test_the_admins_two_factor_screen_deletes_nothing(cast, signed_in, with_phone):
    authenticator = Authenticator.objects.get(user=with_phone, type="totp")
    client = signed_in(cast.program_admin)

    response = client.post(reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()
